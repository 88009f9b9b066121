// A throwaway SoftHSM2 for one test file: its own config and token directory under os.tmpdir(),
// selected with SOFTHSM2_CONF, so the user's tokens (/var/lib/softhsm) are never touched.
// SoftHSM re-reads SOFTHSM2_CONF at each C_Initialize: set it (useEnv) before the card code runs
// in-process; give it to createCardService({ env }) for the worker (native code reads the real,
// process-wide environment, not a worker's copy); pass `env` to child processes.
import { afterAll, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const MODULE_CANDIDATES = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so', '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so', '/usr/local/lib/softhsm/libsofthsm2.so'];

/** The SoftHSM2 module on this machine (real path). */
export const SOFTHSM_MODULE = realpathSync(MODULE_CANDIDATES.find((p) => existsSync(p)) ?? MODULE_CANDIDATES[0]!);

export interface SoftHsmOptions {
  /** `slots.mechanisms`: 'ALL', or a negative list such as '-CKM_SHA_1,CKM_EC_KEY_PAIR_GEN,CKM_ECDSA'
   *  (SoftHSM 2.6.1: one leading '-', first entry ignored, so a throwaway goes first). */
  mechanisms?: string;
}

export interface SoftHsm {
  dir: string;
  conf: string;
  module: string;
  /** Environment for child processes and workers: the current env plus SOFTHSM2_CONF. */
  env: NodeJS.ProcessEnv;
  /** Sets process.env.SOFTHSM2_CONF for in-process PKCS#11 use; returns a function restoring it. */
  useEnv(): () => void;
  /** `softhsm2-util --init-token --free`; returns the token's serial. */
  initToken(label: string, pin: string, soPin?: string): Promise<string>;
  /** A token with an SO PIN but no user PIN (`pkcs11-tool --init-token` without `--init-pin`). */
  initTokenWithoutUserPin(label: string, soPin?: string): Promise<void>;
  /** Runs pkcs11-tool against this SoftHSM; returns stdout. */
  pkcs11Tool(args: string[]): Promise<string>;
  /** Serial of the token with this label, or null. */
  serialOf(label: string): Promise<string | null>;
  cleanup(): Promise<void>;
}

export async function createSoftHsm(opts: SoftHsmOptions = {}): Promise<SoftHsm> {
  const dir = await mkdtemp(join(tmpdir(), 'reissue-softhsm-'));
  const tokens = join(dir, 'tokens');
  await mkdir(tokens);
  const conf = join(dir, 'softhsm2.conf');
  await writeFile(
    conf,
    [
      `directories.tokendir = ${tokens}`,
      'objectstore.backend = file',
      'log.level = ERROR',
      'slots.removable = false',
      `slots.mechanisms = ${opts.mechanisms ?? 'ALL'}`,
      'library.reset_on_fork = false',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SOFTHSM2_CONF: conf };
  const exec = async (cmd: string, args: string[]) => (await run(cmd, args, { env, maxBuffer: 16 << 20 })).stdout;

  const hsm: SoftHsm = {
    dir,
    conf,
    module: SOFTHSM_MODULE,
    env,
    useEnv() {
      const before = process.env.SOFTHSM2_CONF;
      process.env.SOFTHSM2_CONF = conf;
      return () => {
        if (before === undefined) delete process.env.SOFTHSM2_CONF;
        else process.env.SOFTHSM2_CONF = before;
      };
    },
    async initToken(label, pin, soPin = '87654321') {
      await exec('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin]);
      const serial = await hsm.serialOf(label);
      if (!serial) throw new Error(`SoftHSM token ${label} not found after init`);
      return serial;
    },
    async initTokenWithoutUserPin(label, soPin = '87654321') {
      // pkcs11-tool initialises the first free slot it is given; find it with softhsm2-util.
      const blocks = (await exec('softhsm2-util', ['--show-slots'])).split(/\n(?=Slot \d+)/);
      const free = blocks.find((b) => /Initialized:\s+no/.test(b));
      const slot = free && /Slot (\d+)/.exec(free)?.[1];
      if (!slot) throw new Error('no free SoftHSM slot');
      await exec('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--slot', slot, '--init-token', '--label', label, '--so-pin', soPin]);
    },
    pkcs11Tool: (args) => exec('pkcs11-tool', ['--module', SOFTHSM_MODULE, ...args]),
    async serialOf(label) {
      const out = await exec('softhsm2-util', ['--show-slots']);
      for (const block of out.split(/\n(?=Slot \d+)/)) {
        const l = /Label:\s+(.*)/.exec(block)?.[1]?.trim();
        const s = /Serial number:\s+(\S+)/.exec(block)?.[1];
        if (l === label && s && /Initialized:\s+yes/.test(block)) return s;
      }
      return null;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };
  return hsm;
}

/** A throwaway SoftHSM2 with one initialised token for the enclosing describe block. */
export function softHsmWithToken(label: string, pin: string): () => SoftHsm {
  let hsm: SoftHsm | undefined;
  beforeAll(async () => {
    hsm = await createSoftHsm();
    await hsm.initToken(label, pin);
  });
  afterAll(async () => {
    await hsm?.cleanup();
  });
  return () => hsm!;
}
