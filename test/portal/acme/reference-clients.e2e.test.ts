// certbot and lego, run for real against the Pebble harness (test/helpers/acme-clients.ts): each
// obtains an EC P-256 certificate through http-01 answered on Pebble's httpPort, and openssl
// verifies leaf, key and chain independently.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certbotCertonly, legoRun, type ObtainedCert } from '../../helpers/acme-clients.js';
import { opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { startPebble, type Pebble } from '../../helpers/pebble.js';

let pebble: Pebble;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reissue-acme-clients-'));
  pebble = await startPebble();
});
afterAll(async () => {
  await pebble?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function check(got: ObtainedCert, name: string): Promise<void> {
  const roots = join(dir, `${name}-roots.pem`);
  writeFileSync(roots, await pebble.roots());
  // The chain the client saved, checked against the root of this Pebble run.
  const v = opensslStatus(['verify', '-CAfile', roots, '-untrusted', got.chainFile, got.certFile]);
  expect(v.output).toContain(`${got.certFile}: OK`);
  expect(v.status).toBe(0);
  expect(readFileSync(got.fullchainFile, 'utf8').startsWith(readFileSync(got.certFile, 'utf8').trim())).toBe(true);
  const text = execFileSync('openssl', ['x509', '-in', got.certFile, '-noout', '-text'], { encoding: 'utf8' });
  expect(text).toContain(`DNS:${name}`);
  expect(text).toMatch(/ASN1 OID: prime256v1/);
  // The key the client kept is the certificate's key.
  const keyPub = execFileSync('openssl', ['pkey', '-in', got.keyFile, '-pubout', '-outform', 'DER']).toString('hex');
  expect(keyPub).toBe(publicKeyHex(got.certFile, 'x509'));
  const serial = execFileSync('openssl', ['x509', '-in', got.certFile, '-noout', '-serial'], { encoding: 'utf8' }).trim().replace(/^serial=/, '');
  expect(await pebble.certStatus(serial)).toEqual({ status: 'Valid' });
}

describe('reference ACME clients against Pebble', () => {
  it('certbot certonly --standalone obtains an EC P-256 certificate', async () => {
    const name = 'certbot.reference.example.com';
    const got = await certbotCertonly(pebble, { domains: [name], dir: join(dir, 'certbot') });
    await check(got, name);
    // Again in the same folder: the same account, a new order, a new certificate and key.
    const first = readFileSync(got.certFile, 'utf8');
    const again = await certbotCertonly(pebble, { domains: [name], dir: join(dir, 'certbot') });
    expect(readFileSync(again.certFile, 'utf8')).not.toBe(first);
    await check(again, name);
    expect(readdirSync(join(dir, 'certbot', 'config', 'accounts'), { recursive: true }).filter((f) => String(f).endsWith('regr.json'))).toHaveLength(1);
  }, 120_000);

  it('lego run obtains an EC P-256 certificate', async () => {
    const name = 'lego.reference.example.com';
    const got = await legoRun(pebble, { domains: [name], dir: join(dir, 'lego') });
    await check(got, name);
    const first = readFileSync(got.certFile, 'utf8');
    const again = await legoRun(pebble, { domains: [name], dir: join(dir, 'lego') });
    expect(readFileSync(again.certFile, 'utf8')).not.toBe(first);
    await check(again, name);
  }, 120_000);

  it('a client failure names the client and carries its output', async () => {
    // Nothing answers http-01 for this name: Pebble's DNS gives 127.0.0.1, but lego listens on
    // another port than the one Pebble connects to.
    const other = { ...pebble, httpPort: pebble.httpPort === 65535 ? 65534 : pebble.httpPort + 1 };
    await expect(legoRun(other, { domains: ['nobody.reference.example.com'], dir: join(dir, 'lego-fail') })).rejects.toThrow(/lego .*failed[\s\S]*nobody\.reference\.example\.com/);
  }, 120_000);
});
