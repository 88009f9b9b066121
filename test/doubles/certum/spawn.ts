// Starts the Certum double in a child process (cli.ts, bundled once per test process with the
// product's esbuild settings) and steers it over its control URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { bundleForTest } from '../../helpers/bundle.js';
import { WSDL_PATH, type CapturedRequest, type CertumDoubleInfo } from './double.js';
import type { Behaviour } from './state.js';

export interface SpawnedCertumDouble extends CertumDoubleInfo {
  child: ChildProcess;
  setBehaviour(change: Partial<Behaviour>): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  requests(): Promise<CapturedRequest[]>;
  stop(): Promise<void>;
}

let bundled: Promise<string> | undefined;

/** The double's CLI as one ESM file (node cannot run the TypeScript itself). */
export function certumDoubleScript(): Promise<string> {
  bundled ??= (async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'certum-double-cli-')), 'certum-double.mjs');
    await bundleForTest({ entryPoints: [fileURLToPath(new URL('./cli.ts', import.meta.url))], outfile });
    return outfile;
  })();
  return bundled;
}

export async function spawnCertumDouble(args: string[] = []): Promise<SpawnedCertumDouble> {
  const script = await certumDoubleScript();
  const child = spawn(process.execPath, [script, '--wsdl', WSDL_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const info = await new Promise<CertumDoubleInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Certum double did not start: ${stderr}`));
    }, 30_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as CertumDoubleInfo);
      } catch {
        reject(new Error(`unexpected first line from the Certum double: ${line} ${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Certum double exited with ${code}: ${stderr}`));
    });
  });
  const post = async (path: string, body: unknown) => {
    const r = await fetch(new URL(path, info.controlUrl), { method: 'POST', body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`Certum double control ${path}: HTTP ${r.status}`);
  };
  return {
    ...info,
    child,
    setBehaviour: (change) => post('behaviour', change),
    advanceClock: (ms) => post('clock', { advanceMs: ms }),
    requests: async () => (await (await fetch(new URL('requests', info.controlUrl))).json()) as CapturedRequest[],
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
