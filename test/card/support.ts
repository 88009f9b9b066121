// Shared pieces for the card tests: openssl, a throwaway test CA, a fault-injecting wrapper around
// the real pkcs11js object, and the worker bundled from source (as scripts/build.mjs does).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { BuildOptions } from 'esbuild';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll } from 'vitest';
import { loadPkcs11, type Loader, type Pkcs11 } from '../../src/card/pkcs11/pkcs11.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';

const run = promisify(execFile);

export async function openssl(args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await run('openssl', args, { maxBuffer: 16 << 20 })).stdout;
  return await new Promise((resolve, reject) => {
    const child = execFile('openssl', args, (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)));
    child.stdin!.end(input);
  });
}

export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * For a card test file that drives Pkcs11Card in-process: a SoftHSM2 with one initialised token,
 * set in this process's environment (useEnv: SoftHSM re-reads SOFTHSM2_CONF at each C_Initialize),
 * and a work folder; all undone after the file.
 */
export function softHsmBed(label: string, pin: string, prefix: string): { readonly hsm: SoftHsm; readonly dir: string } {
  let hsm: SoftHsm | undefined;
  let restoreEnv: (() => void) | undefined;
  let work: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeAll(async () => {
    hsm = await createSoftHsm();
    restoreEnv = hsm.useEnv();
    work = await tempDir(prefix);
    await hsm.initToken(label, pin);
  });
  afterAll(async () => {
    restoreEnv?.();
    await hsm?.cleanup();
    await work?.cleanup();
  });
  return {
    get hsm() {
      return hsm!;
    },
    get dir() {
      return work!.dir;
    },
  };
}

/** A CA made with openssl that signs CSRs into DER certificates (extensions copied from the CSR). */
export async function createTestCa(dir: string) {
  const key = join(dir, 'ca.key');
  const cert = join(dir, 'ca.pem');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=reissue test CA', '-days', '2']);
  let n = 0;
  return {
    cert,
    async sign(csrPem: string): Promise<Buffer> {
      const csr = join(dir, `req${++n}.pem`);
      const out = join(dir, `cert${n}.der`);
      await writeFile(csr, csrPem);
      await openssl(['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-set_serial', `0x${(0x8a00 + n).toString(16)}`, '-days', '1', '-copy_extensions', 'copy', '-outform', 'DER', '-out', out]);
      return await readFile(out);
    },
  };
}

/** DER SubjectPublicKeyInfo of a CSR, as openssl reads it. */
export async function csrPublicKeyDer(dir: string, csrPem: string): Promise<Buffer> {
  const csr = join(dir, `pk-${Date.now()}-${Math.random()}.pem`);
  const der = `${csr}.der`;
  await writeFile(csr, csrPem);
  const pub = await openssl(['req', '-in', csr, '-pubkey', '-noout']);
  await openssl(['pkey', '-pubin', '-outform', 'DER', '-out', der], pub);
  return await readFile(der);
}

export function ckrError(name: keyof typeof pkcs11js & `CKR_${string}`, method = ''): Error {
  return new pkcs11js.Pkcs11Error(name, pkcs11js[name] as number, method);
}

export type Fault = (original: (...args: any[]) => any, ...args: any[]) => any;

export interface Wrapped {
  loader: Loader;
  /** Every PKCS#11 method called, in order, over all modules this loader opened. */
  calls: string[];
  count(method: keyof Pkcs11): number;
}

/** A loader whose modules are the real ones with some methods replaced. */
export function faultyLoader(faults: Partial<Record<keyof Pkcs11, Fault>>, load: Loader = loadPkcs11): Wrapped {
  const calls: string[] = [];
  const loader: Loader = (path) => {
    const real = load(path);
    return new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          calls.push(prop);
          const fault = faults[prop as keyof Pkcs11];
          const original = (...a: unknown[]) => value.apply(target, a);
          return fault ? fault(original, ...args) : original(...args);
        };
      },
    });
  };
  return { loader, calls, count: (m) => calls.filter((c) => c === m).length };
}

/** Bundles src/card/pkcs11/worker.ts with the build's worker options; pkcs11js stays external, by absolute path. */
export async function bundleWorker(dir: string): Promise<URL> {
  const outfile = join(dir, 'card-worker.cjs');
  const { build } = await import('esbuild');
  const { workerBundleOptions } = (await import(fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url)))) as { workerBundleOptions: BuildOptions };
  const pkcs11jsPath = createRequire(import.meta.url).resolve('pkcs11js');
  await build({
    ...workerBundleOptions,
    absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    outfile,
    external: [],
    plugins: [...(workerBundleOptions.plugins ?? []), { name: 'pkcs11js-by-path', setup: (b) => void b.onResolve({ filter: /^pkcs11js$/ }, () => ({ path: pkcs11jsPath, external: true })) }],
    logLevel: 'error',
  });
  return pathToFileURL(outfile);
}

/** The object blocks of a `pkcs11-tool --list-objects` listing that carry this ID (hex). */
export function objectsWithId(listing: string, idHex: string): string[] {
  return listing.split(/\n(?=\S)/).filter((b) => new RegExp(`\\n\\s+ID:\\s+${idHex}\\s*(\\n|$)`).test(b));
}

export interface CardsWithCa {
  hsm: SoftHsm;
  work: Awaited<ReturnType<typeof tempDir>>;
  ca: Awaited<ReturnType<typeof createTestCa>>;
}

/**
 * For one test file: a throwaway SoftHSM2 (used in-process) with these tokens initialised with
 * `pin`, a temporary folder and a test CA; all removed after the file's tests.
 */
export function cardsWithCa(prefix: string, labels: string[], pin: string): CardsWithCa {
  const fixture = {} as CardsWithCa;
  let restoreEnv = () => {};
  beforeAll(async () => {
    fixture.hsm = await createSoftHsm();
    restoreEnv = fixture.hsm.useEnv();
    fixture.work = await tempDir(prefix);
    fixture.ca = await createTestCa(fixture.work.dir);
    for (const label of labels) await fixture.hsm.initToken(label, pin);
  });
  afterAll(async () => {
    restoreEnv();
    await fixture.hsm?.cleanup();
    await fixture.work?.cleanup();
  });
  return fixture;
}
