// Secrets out of sight, through the built binary: a --token value leaves the process list (ps,
// /proc/PID/cmdline) as the program starts and stays out for the whole run; --token-file reads it
// from a private file; a password in the portal URL is refused and never echoed (errors, doctor,
// config get), and the SMTP password is masked in `config get`.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argsWithoutSecrets } from '../../src/cli/hide-secrets.js';
import { BIN, ROOT, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';

const TOKEN = 'tok-7f3a9c2e5b1d4f60a8e2';
const PASSWORD = 'pa55w0rd-in-url';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let server: Server;
let url = '';
/** Authorization headers the fake portal received. */
const seen: string[] = [];
/** Resolved when the next request arrives. */
let onRequest: (() => void) | null = null;

beforeAll(async () => {
  box = await cliSandbox();
  // A slow portal: it answers each request after 1.5 s, so the client is caught while it runs.
  server = createServer((req: IncomingMessage, res) => {
    seen.push(req.headers.authorization ?? '');
    onRequest?.();
    setTimeout(() => res.writeHead(503, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ code: 'busy', detail: 'busy' })), 1500);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await box.cleanup();
});

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...box.env, ...env } });

/** What another user sees of the process: /proc/PID/cmdline and `ps -o args`. */
function processList(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    if (!cmdline) return ''; // exiting (a zombie has no command line): nothing to see
    const ps = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.includes('<defunct>') ? '' : `${cmdline}\n${ps}`;
  } catch {
    return '';
  }
}

/** Runs `args`, samples the process list every few ms until exit; returns the samples taken once the portal was asked. */
async function sampleWhileRunning(args: string[]): Promise<{ afterRequest: string[]; hiddenAfterMs: number | null; code: number | null }> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(box.env), stdio: 'ignore' });
  let requested = false;
  const asked = new Promise<void>((r) => (onRequest = r)).then(() => (requested = true));
  const afterRequest: string[] = [];
  let hiddenAfterMs: number | null = null;
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    const shown = processList(child.pid!);
    if (shown && hiddenAfterMs === null && !shown.includes(TOKEN)) hiddenAfterMs = performance.now() - started;
    if (requested && shown) afterRequest.push(shown);
    await new Promise((r) => setTimeout(r, 5));
  }
  await asked;
  return { afterRequest, hiddenAfterMs, code: await exited };
}

describe('the API token is not in the process list', () => {
  it('--token T: gone from /proc/PID/cmdline and ps for the whole run, and still sent to the portal', async () => {
    seen.length = 0;
    const run = await sampleWhileRunning(['list', '--portal', url, '--token', TOKEN]);
    expect(run.code).toBe(5);
    expect(seen[0]).toBe(`Bearer ${TOKEN}`);
    expect(run.afterRequest.length).toBeGreaterThan(10);
    for (const s of run.afterRequest) {
      expect(s).not.toContain(TOKEN);
      expect(s).toContain('--token ***');
    }
    expect(run.hiddenAfterMs).not.toBeNull();
    console.log(`--token hidden ${Math.round(run.hiddenAfterMs!)} ms after spawn`);
  });

  it('--token=T and a password in --portal are hidden the same way (pure rule)', () => {
    expect(argsWithoutSecrets(['node', 'bin', 'list', `--token=${TOKEN}`, '--portal', `https://u:${PASSWORD}@h`])).toEqual(['node', 'bin', 'list', '--token=***', '--portal', 'https://***@h']);
    expect(argsWithoutSecrets(['node', 'bin', 'serve', '--smtp', `smtp://mail:${PASSWORD}@h:587`])).toEqual(['node', 'bin', 'serve', '--smtp', 'smtp://***@h:587']);
    expect(argsWithoutSecrets(['node', 'bin', 'list', '--token-file', '/t', '--', '--token', 'x'])).toBeNull();
    expect(argsWithoutSecrets(['node', 'bin', 'config', 'set', 'token', TOKEN])).toEqual(['node', 'bin', 'config', 'set', 'token', '***']);
    expect(argsWithoutSecrets(['node', 'bin', 'config', 'set', 'smtp', `smtp://m:${PASSWORD}@h`])).toEqual(['node', 'bin', 'config', 'set', 'smtp', 'smtp://***@h']);
    expect(argsWithoutSecrets(['node', 'bin', 'config', 'set', 'lang', 'pl'])).toBeNull();
  });

  it('--token-file F (mode 0600): the token reaches the portal; a file others can read is refused, nothing sent', async () => {
    const file = join(box.dir, 'token');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    seen.length = 0;
    const run = await sampleWhileRunning(['list', '--portal', url, '--token-file', file]);
    expect(run.code).toBe(5);
    expect(seen[0]).toBe(`Bearer ${TOKEN}`);
    for (const s of run.afterRequest) expect(s).not.toContain(TOKEN);

    writeFileSync(join(box.dir, 'open-token'), `${TOKEN}\n`, { mode: 0o644 });
    seen.length = 0;
    const open = await cli(['list', '--portal', url, '--token-file', join(box.dir, 'open-token')]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('can be read by other users');
    expect(open.stderr).toContain(`chmod 600 ${join(box.dir, 'open-token')}`);
    const both = await cli(['list', '--portal', url, '--token', 'x', '--token-file', file]);
    expect(both.code).toBe(2);
    expect(seen).toEqual([]);
  });
});

describe('a password in the portal URL', () => {
  const withPassword = () => `http://admin:${PASSWORD}@127.0.0.1:9`;

  it('is refused (exit 2) without echoing it: --portal, REISSUE_PORTAL, config set', async () => {
    for (const [args, env] of [
      [['list', '--portal', withPassword(), '--token', 'x'], {}],
      [['list'], { REISSUE_PORTAL: withPassword() }],
      [['list'], { REISSUE_PORTAL: withPassword(), REISSUE_TOKEN: '' }],
      [['config', 'set', 'portal', withPassword()], {}],
    ] as const) {
      const r = await cli([...args], { ...env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('user name or password');
      expect(r.stderr).toContain('http://***@127.0.0.1:9');
      expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
    }
    expect((await cli(['config', 'get', 'portal'])).code).toBe(1); // nothing was stored
  });

  it('doctor --out keeps it out of the screen and the bundle', async () => {
    const out = join(box.dir, 'doctor.json');
    const r = await cli(['doctor', '--out', out], { REISSUE_PORTAL: withPassword() });
    expect(r.code, r.stderr).toBe(0);
    const bundle = readFileSync(out, 'utf8');
    expect(bundle).toContain('http://***@127.0.0.1:9');
    expect(bundle).toContain('portal-url-credentials');
    for (const text of [bundle, r.stdout, r.stderr]) expect(text).not.toContain(PASSWORD);
    // Nor is it in the last error recorded for the next doctor.
    const again = await cli(['doctor', '--json']);
    expect(again.stdout).not.toContain(PASSWORD);
  });

  it('config get masks the token, the SMTP password and a portal password (text and --json)', async () => {
    const path = (await cli(['config', 'path'])).stdout.trim();
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Written by hand (config set refuses the portal one).
    writeFileSync(path, JSON.stringify({ portal: withPassword(), token: TOKEN, smtp: `smtp://mailer:${PASSWORD}@mail.example:587` }), { mode: 0o600 });
    const outputs = await Promise.all([
      cli(['config', 'get']),
      cli(['config', 'get', '--json']),
      cli(['config', 'get', 'smtp']),
      cli(['config', 'get', 'smtp', '--json']),
      cli(['config', 'get', 'token', '--json']),
      cli(['config', 'get', 'portal', '--json']),
    ]);
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain(PASSWORD);
      expect(r.stdout).not.toContain(TOKEN);
    }
    expect(outputs[2]!.stdout.trim()).toBe('smtp://mailer:***@mail.example:587');
    expect(JSON.parse(outputs[1]!.stdout)).toMatchObject({ portal: 'http://***@127.0.0.1:9', smtp: 'smtp://mailer:***@mail.example:587', token: 'tok-…e2' });
    writeFileSync(path, '{}', { mode: 0o600 });
  });
});

describe('serve options that would be ignored', () => {
  it('--cloud-pin-file (or --cloud-token, --cloud-pin-stdin) without --cloud-module: exit 2 naming both', async () => {
    const pin = join(box.dir, 'pin');
    writeFileSync(pin, '1234\n', { mode: 0o600 });
    for (const extra of [['--cloud-pin-file', pin], ['--cloud-token', 'keys'], ['--cloud-pin-stdin']]) {
      const r = await runCli(['serve', '--port', '0', ...extra], { env: box.env, timeoutMs: 10_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(extra[0]);
      expect(r.stderr).toContain('--cloud-module');
      expect(r.stdout).not.toMatch(/Listening|http:\/\//);
    }
    expect(existsSync(join(box.dataDir, 'portal.sqlite'))).toBe(false);
  });
});
