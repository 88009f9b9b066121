// A real `reissue serve` process for end-to-end tests: started with --port 0 on 127.0.0.1, ready
// once it prints "Listening on URL"; and API tokens made with `reissue admin token create`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import { BIN, cleanEnv, ROOT, runCli } from './cli.js';

export interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts `reissue serve --data-dir DIR --port 0 ...args` and waits for its "Listening on URL" line. */
export function serve(dataDir: string, env: Record<string, string | undefined> = {}, args: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--data-dir', dataDir, '--port', '0', ...args], { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start: ${err}`));
    }, 20_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^Listening on (https?:\/\/\S+)$/.exec(line);
      if (!m) return reject(new Error(`unexpected first line: ${line}`));
      resolve({ child, url: m[1]!, stderr: () => err });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function tokenFor(dataDir: string, account: string): Promise<string> {
  const r = await runCli(['admin', 'token', 'create', account, '--data-dir', dataDir]);
  expect(r.code, r.stderr).toBe(0);
  const token = r.stdout.trim().split('\n')[0]!.trim();
  expect(token.length).toBeGreaterThan(10);
  return token;
}
