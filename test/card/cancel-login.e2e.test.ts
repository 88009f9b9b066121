// Ctrl+C while the card is logging in (the built binary on the PIN shim as a slow card: every
// C_Login takes LOGIN_MS), from `card keygen --submit` and from the wizard in a terminal. The login
// itself cannot be interrupted, but the cancel must take effect as soon as it returns: no key pair
// is ever generated (not even one made and removed again: the shim's call log shows every
// C_GenerateKeyPair), the session is logged out and closed, the program says it was cancelled and
// exits 130, and the portal issued nothing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { BIN, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';
import { createPinShim, readCallLog, type PinShim, type ShimCall } from '../helpers/pin-shim.js';
import { tmuxSuite, toCardReaders } from '../helpers/tmux-suite.js';

const PIN = '80417263';
const LABEL = 'slow card';
/** Long enough that SIGINT, sent when "Logging in…" appears, lands while C_Login still runs. */
const LOGIN_MS = 3_000;
const suite = tmuxSuite('cancel-login');
let shim: PinShim;
let box: Awaited<ReturnType<typeof cliSandbox>>;

beforeAll(async () => {
  shim = await createPinShim({ loginDelayMs: LOGIN_MS });
  await shim.hsm.initToken(LABEL, PIN);
  box = await cliSandbox();
});
afterAll(async () => {
  await shim?.cleanup();
  await box?.cleanup();
});

const env = (extra: Record<string, string> = {}) => ({ ...box.env, ...shim.vars, ...extra });
const copies = async (): Promise<Certificate[]> => JSON.parse((await runCli(['list', '--json'], { env: env() })).stdout);
/** Key objects on the token, read through SoftHSM2 itself (not the shim, so not logged or slowed). */
const cardOnly = (list: Certificate[]) => list.find((c) => c.keySources.length === 1 && c.keySources[0] === 'card' && !c.replacedBy && c.state === 'valid')!;
const keyObjects = async () => ((await shim.hsm.pkcs11Tool(['--token-label', LABEL, '--login', '--pin', PIN, '--list-objects'])).match(/^(Private|Public) Key Object/gm) ?? []).length;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** When SIGINT was sent (ms since the epoch), or null if "Logging in…" never came. */
  sentAt: number | null;
}

/** Starts card keygen, sends SIGINT as soon as the login has started, and waits for the end. */
function keygenInterruptedAtLogin(certId: string, callLog: string): Promise<Run> {
  const child = spawn(process.execPath, [BIN, '--module', shim.module, 'card', 'keygen', '--for', certId, '--algorithm', 'ec-p256', '--token', LABEL, '--pin-stdin', '--submit'], {
    env: cleanEnv(env({ SHIM_CALL_LOG: callLog })),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(`${PIN}\n`);
  let stderr = '';
  let stdout = '';
  let sentAt: number | null = null;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (sentAt === null && stderr.includes('Logging in…')) {
      sentAt = Date.now();
      child.kill('SIGINT');
    }
  });
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  // A run that hangs fails with what it printed instead of holding the test to its timeout.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr, stdout, sentAt });
    }),
  );
}

/**
 * What the card saw, from the shim's call log: the interrupt (sent at `sentAt`) landed while the one
 * C_Login ran (it returned, successfully, later), no key pair was generated, and the session was
 * logged out and closed and the module finalized after the login.
 */
function expectStoppedAfterLogin(calls: ShimCall[], sentAt: number | null, said: string): void {
  expect(sentAt, said).not.toBeNull();
  const logins = calls.filter((c) => c.name === 'C_Login');
  expect(logins, said).toHaveLength(1);
  expect(logins[0]!.rv, said).toBe(0);
  expect(logins[0]!.at, said).toBeGreaterThan(sentAt!);
  expect(calls.filter((c) => c.name === 'C_GenerateKeyPair'), said).toEqual([]);
  const after = (name: string, t: number) => calls.find((c) => c.name === name && c.at >= t);
  const logout = after('C_Logout', logins[0]!.at);
  expect(logout?.rv, said).toBe(0);
  expect(after('C_CloseSession', logout!.at)?.rv, said).toBe(0);
  expect(after('C_Finalize', logout!.at), said).toBeDefined();
}

const showCalls = (calls: ShimCall[]) => `calls:\n${calls.map((c) => `${c.at} ${c.name} ${c.rv}`).join('\n')}`;

test('card keygen: Ctrl+C during a slow login: no key pair is generated, the card is logged out and closed, exit 130', async () => {
  const before = await copies();
  const cert = cardOnly(before);
  expect(cert).toBeDefined();
  expect(await keyObjects()).toBe(0);

  const callLog = join(box.dir, 'calls.log');
  const r = await keygenInterruptedAtLogin(cert.id, callLog);
  const calls = await readCallLog(callLog);
  const said = `exit ${r.code} ${r.signal ?? ''}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}\n${showCalls(calls)}`;

  // What the user sees: cancelled, with the exit status of a Ctrl+C; generation never started.
  expect(r.code, said).toBe(130);
  expect(r.stderr.trim().split('\n').at(-1), said).toBe('Cancelled: nothing was generated or issued.');
  expect(r.stderr, said).not.toContain('Generating the key pair');
  expect(r.stdout + r.stderr, said).not.toContain(PIN);
  expectStoppedAfterLogin(calls, r.sentAt, said);

  // Checked independently: nothing on the token, nothing issued.
  expect(await keyObjects()).toBe(0);
  const now = await copies();
  expect(now.length).toBe(before.length);
  expect(now.find((c) => c.id === cert.id)?.replacedBy).toBeFalsy();
}, 90_000);

test('the wizard (tmux, 80×24): Ctrl+C while "Logging in to the card…": no key pair is generated, exit 130', async () => {
  const callLog = join(suite.dir, 'wizard-calls.log');
  const wbox = await cliSandbox();
  const list = async (): Promise<Certificate[]> => JSON.parse((await runCli(['list', '--json'], { env: wbox.env })).stdout);
  const before = await list();
  const cert = cardOnly(before);
  const { pane, done } = await suite.wizard('login', { box: wbox, env: { ...shim.vars, REISSUE_PKCS11_MODULE: shim.module, SHIM_CALL_LOG: callLog } });
  try {
    // The card-only certificate, EC P-256, this card, the PIN.
    await toCardReaders(pane);
    await pane.keys('Enter');
    await pane.waitFor('Common profile PIN:');
    pane.send(`${PIN}\r`);
    await pane.waitFor('Logging in to the card…');
    const sentAt = Date.now();
    pane.send('\u0003');
    const s = await pane.waitFor('EXIT=', 30_000);
    const calls = await readCallLog(callLog);
    const said = `${s}\n${showCalls(calls)}`;
    expect(s, said).toContain('EXIT=130');
    expect(s, said).toContain('Cancelled: nothing was generated or issued.');
    expect(pane.raw(), said).not.toContain(PIN);
    expectStoppedAfterLogin(calls, sentAt, said);
    expect(await keyObjects()).toBe(0);
    const now = await list();
    expect(now.length).toBe(before.length);
    expect(now.find((c) => c.id === cert.id)?.replacedBy).toBeFalsy();
  } finally {
    await done();
    await wbox.cleanup();
  }
}, 120_000);
