// Output files through the built binary on real file systems (a read-only tmpfs, a full tmpfs, a
// folder, a name too long): every output is checked before a key is made, a refusal names the
// path and the cause with exit 3, and nothing new is left behind — no key, no temporary file.
// --force replaces only a file that holds what the command writes (a positive list).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { fullFolder, readOnlyFolder, type Mounted } from '../helpers/mounts.js';
import { openssl, opensslStatus } from '../helpers/openssl.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let id: string;
let ro: Mounted;
let full: Mounted;
const cli = (args: string[], cwd?: string) => runCli(args, { env: box.env, cwd });
const work = (name: string) => join(box.dir, 'work', name);
/** Every name in the work folder and its subfolders, hidden ones (temporary files) included. */
const tree = (dir = join(box.dir, 'work')): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [`${e.name}/`, ...tree(join(dir, e.name)).map((n) => `${e.name}/${n}`)] : [e.name])).sort();

beforeAll(async () => {
  box = await cliSandbox();
  mkdirSync(work('folder'), { recursive: true });
  ro = readOnlyFolder(work('ro'));
  full = fullFolder(work('full'));
  const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
  id = list.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!.id;
});
afterAll(async () => {
  ro?.undo();
  full?.undo();
  await box.cleanup();
});

function expectRefused(r: { code: number; stderr: string; stdout: string }, path: string, cause: RegExp): void {
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toContain(path);
  expect(r.stderr).toMatch(cause);
  expect(r.stderr).not.toMatch(/nexpected|bug|E[A-Z]{4,}/);
  expect(r.stdout).not.toMatch(/Private key:/);
}

describe('a refusal leaves nothing behind and says why', () => {
  it('csr new with the CSR on a read-only file system: no key file, and the rerun elsewhere works', async () => {
    const before = tree();
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('k.key'), '--out', join(ro.path, 'k.csr')]);
    expectRefused(r, join(ro.path, 'k.csr'), ro.cause);
    expect(tree()).toEqual(before);
    // Nothing blocks the same command with a writable CSR path.
    const again = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('k.key'), '--out', work('k.csr')]);
    expect(again.code, again.stderr).toBe(0);
    expect(opensslStatus(['req', '-in', work('k.csr'), '-noout', '-verify']).output).toMatch(/verif.*OK/i);
  });

  it('card keygen --csr-out on a read-only file system: refused before any card is looked for', async () => {
    const r = await cli(['card', 'keygen', '--cn', 'test.example', '--algorithm', 'ec-p256', '--csr-out', join(ro.path, 'out.csr'), '--pin-stdin']);
    expectRefused(r, join(ro.path, 'out.csr'), ro.cause);
    expect(r.stderr).not.toMatch(/module|reader|PIN/i);
  });

  it('csr new with the key on a full file system: exit 3 "no space left", no key, no temporary file', async () => {
    const before = tree();
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'rsa-2048', '--key-out', join(full.path, 'k.key'), '--out', work('full.csr')]);
    expectRefused(r, join(full.path, 'k.key'), full.cause);
    expect(tree()).toEqual(before);
  });

  it('--out FOLDER --force (csr new, download, crl, doctor): exit 3 "is a folder", before any key is made', async () => {
    for (const args of [
      ['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('dir.key'), '--out', work('folder'), '--force'],
      ['download', id, '--out', work('folder'), '--force'],
      ['crl', '--out', work('folder'), '--force'],
      ['doctor', '--out', work('folder'), '--force'],
    ]) {
      const before = tree();
      const r = await cli(args);
      expectRefused(r, work('folder'), /is a folder/);
      expect(tree(), args.join(' ')).toEqual(before);
    }
  });

  it('a 300-character file name: exit 3 "too long", nothing written', async () => {
    const long = work(`${'c'.repeat(300)}.pem`);
    for (const args of [
      ['download', id, '--out', long],
      ['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('long.key'), '--out', long],
    ]) {
      const before = tree();
      const r = await cli(args);
      expectRefused(r, long, /file name is too long/);
      expect(tree()).toEqual(before);
    }
  });
});

describe('--force replaces only what the command writes there', () => {
  const pkcs12 = () => {
    openssl(['req', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', work('p12.key'), '-out', work('p12.crt'), '-subj', '/CN=p12', '-days', '1']);
    openssl(['pkcs12', '-export', '-in', work('p12.crt'), '-inkey', work('p12.key'), '-out', work('ks.p12'), '-passout', 'pass:secret']);
    return readFileSync(work('ks.p12'));
  };
  const jwk = JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }));
  const pgp = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEZXyZ0RYJKwYBBAHaRw8BAQdAexample0000000000000000000000000000000\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----\n';

  it('a PKCS#12 keystore, an armoured PGP secret key, a JWK private key, other bytes: never replaced', async () => {
    const files: [string, Buffer | string][] = [
      ['ks.p12', pkcs12()],
      ['secret.asc', pgp],
      ['key.jwk', jwk],
      ['notes.txt', 'my notes\n'],
      ['blob.bin', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05, 0xff])],
    ];
    for (const [name, bytes] of files) {
      writeFileSync(work(name), bytes);
      for (const args of [
        ['download', id, '--out', work(name), '--force'],
        ['download', id, '--format', 'der', '--out', work(name), '--force'],
        ['crl', '--out', work(name), '--force'],
        ['ca', '--out', work(name), '--force'],
        ['doctor', '--out', work(name), '--force'],
        ['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('never.key'), '--out', work(name), '--force'],
      ]) {
        const before = tree();
        const r = await cli(args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
        expect(r.stderr).toMatch(/private key|does not hold/);
        expect(readFileSync(work(name))).toEqual(Buffer.from(bytes));
        expect(tree()).toEqual(before);
      }
    }
  });

  it('a certificate, a CRL, a CSR and a doctor bundle are replaced by the command that writes them, not by another', async () => {
    writeFileSync(work('cert.pem'), readFileSync(work('p12.crt')));
    expect((await cli(['download', id, '--out', work('cert.pem'), '--force'])).code).toBe(0);
    expect(openssl(['x509', '-in', work('cert.pem'), '-noout', '-subject'])).toContain('assecodata.pl');
    // A DER certificate over a PEM chain: both are certificates.
    expect((await cli(['download', id, '--chain', '--out', work('chain.pem')])).code).toBe(0);
    expect((await cli(['download', id, '--format', 'der', '--out', work('chain.pem'), '--force'])).code).toBe(0);

    expect((await cli(['crl', '--format', 'der', '--out', work('list.crl')])).code).toBe(0);
    expect((await cli(['crl', '--out', work('list.crl'), '--force'])).code).toBe(0);
    expect((await cli(['doctor', '--out', work('bundle.json')])).code).toBe(0);
    expect((await cli(['doctor', '--out', work('bundle.json'), '--force'])).code).toBe(0);

    // A CSR is not what download writes: refused, kept.
    const csr = readFileSync(work('k.csr'));
    const r = await cli(['download', id, '--out', work('k.csr'), '--force']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not hold a certificate \(it holds a CSR\)/);
    expect(readFileSync(work('k.csr'))).toEqual(csr);
    const renewed = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', work('k2.key'), '--out', work('k.csr'), '--force']);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(readFileSync(work('k.csr'))).not.toEqual(csr);
    expect(existsSync(work('k2.key'))).toBe(true);
  });
});
