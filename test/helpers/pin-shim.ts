// The PIN shim (test/pkcs11-shim/pin-shim.c): a PKCS#11 module in front of a throwaway SoftHSM2
// that counts wrong PINs, sets the USER/SO_PIN_COUNT_LOW / FINAL_TRY / LOCKED flags and locks as
// a smart card does, and can play a PIN-pad reader. Give `module` to pkcs11js, pkcs11-tool or the
// built binary (REISSUE_PKCS11_MODULE / --module) together with `vars` in the environment.
// It can also be a slow card (loginDelayMs) and log the calls that matter (readCallLog).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import type { CardInventory, PinState } from '../../src/card/card.js';
import { cliSandbox, runCli } from './cli.js';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './softhsm.js';

const run = promisify(execFile);
const SOURCE_DIR = fileURLToPath(new URL('../pkcs11-shim', import.meta.url));

let built: Promise<string> | undefined;

/**
 * Builds the module once per test process with the system compiler (`make` in test/pkcs11-shim)
 * into a temp folder named after the source's hash, so checkouts with different sources never share
 * a build; make itself rebuilds when the source is newer than the module. Returns its path.
 */
export function buildPinShim(): Promise<string> {
  built ??= (async () => {
    const hash = createHash('sha256');
    for (const f of ['pin-shim.c', 'Makefile']) hash.update(readFileSync(join(SOURCE_DIR, f)));
    const dir = join(tmpdir(), `reissue-pin-shim-${userInfo().uid}`, hash.digest('hex').slice(0, 16));
    await mkdir(dir, { recursive: true });
    const out = join(dir, 'pin-shim.so');
    try {
      await run('make', ['-s', '-C', SOURCE_DIR, `OUT=${out}`]);
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`building the PKCS#11 PIN shim failed (needs cc, make and p11-kit's pkcs11.h: scripts/test.sh installs them): ${err.stderr || err.message}`);
    }
    return out;
  })();
  return built;
}

export interface PinShimOptions {
  /** Wrong user PINs before the lock (SHIM_PIN_TRIES; the shim's default 3). */
  tries?: number;
  /** Wrong SO PINs before the lock (SHIM_SO_PIN_TRIES; default 3). */
  soTries?: number;
  /** PIN-pad reader: what the user "types" on its keypad, and how long that takes. */
  pinpad?: { pin: string; delayMs?: number };
  /** A slow card: every C_Login takes this long (SHIM_LOGIN_DELAY_MS). */
  loginDelayMs?: number;
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PinShim {
  /** The built module's path. */
  module: string;
  /** The SoftHSM2 behind it (initToken, serialOf, cleanup of its tokens). */
  hsm: SoftHsm;
  /** Where the per-token counters live. */
  stateDir: string;
  /** SOFTHSM2_CONF and the SHIM_* settings: add them to a child's environment (e.g. runCli's env). */
  vars: Record<string, string>;
  /** The whole environment for a child process: process.env plus `vars`. */
  env: NodeJS.ProcessEnv;
  /** Sets `vars` in process.env for in-process pkcs11js (read at C_Initialize); returns the undo. */
  useEnv(): () => void;
  /** What the user types on the PIN pad from now on (PIN-pad mode); null: they press Cancel. */
  typeOnPad(pin: string | null): Promise<void>;
  /** pkcs11-tool through the shim; resolves with the exit code instead of throwing. */
  pkcs11Tool(args: string[]): Promise<ToolResult>;
  cleanup(): Promise<void>;
}

export async function createPinShim(opts: PinShimOptions = {}): Promise<PinShim> {
  const module = await buildPinShim();
  const hsm = await createSoftHsm();
  const stateDir = join(hsm.dir, 'pin-shim-state');
  const padFile = join(hsm.dir, 'pinpad-pin');
  const vars: Record<string, string> = {
    SOFTHSM2_CONF: hsm.conf,
    SHIM_SOFTHSM_MODULE: SOFTHSM_MODULE,
    SHIM_STATE_DIR: stateDir,
    SHIM_PIN_TRIES: String(opts.tries ?? 3),
    SHIM_SO_PIN_TRIES: String(opts.soTries ?? 3),
  };
  if (opts.loginDelayMs) vars.SHIM_LOGIN_DELAY_MS = String(opts.loginDelayMs);
  if (opts.pinpad) {
    Object.assign(vars, { SHIM_PINPAD: '1', SHIM_PINPAD_PIN_FILE: padFile, SHIM_PINPAD_DELAY_MS: String(opts.pinpad.delayMs ?? 0) });
  }
  const typeOnPad = (pin: string | null) => (pin === null ? rm(padFile, { force: true }) : writeFile(padFile, `${pin}\n`, { mode: 0o600 }));
  if (opts.pinpad) await typeOnPad(opts.pinpad.pin);
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };

  return {
    module,
    hsm,
    stateDir,
    vars,
    env,
    useEnv() {
      const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
      Object.assign(process.env, vars);
      return () => {
        for (const [k, v] of Object.entries(before)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      };
    },
    typeOnPad,
    pkcs11Tool: (args) =>
      new Promise((resolve) => {
        execFile('pkcs11-tool', ['--module', module, ...args], { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    cleanup: () => hsm.cleanup(),
  };
}

/**
 * The built binary on a PIN shim, for a whole test file: one CLI sandbox (made before the file's
 * tests, removed after), the binary run on it with a shim as its module, and the PIN state the
 * binary reports for a card.
 */
export function shimBinary() {
  let box: Awaited<ReturnType<typeof cliSandbox>> | undefined;
  beforeAll(async () => {
    box = await cliSandbox();
  });
  afterAll(async () => {
    await box?.cleanup();
  });
  const cli = (shim: PinShim, args: string[], input?: string) => runCli(args, { env: { ...box!.env, ...shim.vars, REISSUE_PKCS11_MODULE: shim.module }, input });
  return {
    get box() {
      return box!;
    },
    cli,
    /** The card's PIN state as `card list --json` says it. */
    async pinOf(shim: PinShim, label: string): Promise<PinState> {
      const r = await cli(shim, ['card', 'list', '--json']);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as CardInventory).readers.find((x) => x.token?.label === label)!.token!.pin;
    },
  };
}

/** One line of SHIM_CALL_LOG: when a call returned (ms since the epoch), which, and its CKR. */
export interface ShimCall {
  at: number;
  name: string;
  rv: number;
}

/** The calls the shim wrote to the SHIM_CALL_LOG file `path` (none when it was never written). */
export async function readCallLog(path: string): Promise<ShimCall[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, name, rv] = line.split(' ');
      return { at: Number(at), name: name!, rv: Number(rv) };
    });
}
