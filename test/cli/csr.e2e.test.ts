// The CSR path end to end: csr check, csr new, submit, revoke — built binary, real SQLite file,
// openssl as the judge.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { openssl, opensslCsr, opensslStatus, publicKeyHex } from '../helpers/openssl.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let caPath: string;
const cli = (args: string[], env: Record<string, string> = {}, input?: string) => runCli(args, { env: { ...box.env, ...env }, input });
const listJson = async (): Promise<Certificate[]> => JSON.parse((await cli(['list', '--json'])).stdout);
const currentManualCopy = async () => (await listJson()).find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!;
const DOMAINS = ['assecodata.pl', 'www.assecodata.pl'];

beforeAll(async () => {
  box = await cliSandbox();
  caPath = join(box.dir, 'ca.pem');
  expect((await cli(['ca', '--out', caPath])).code).toBe(0);
});
afterAll(() => box.cleanup());

describe('reissue with openssl CSRs', () => {
  for (const key of ['rsa-2048', 'ec-p256', 'rsa-3072', 'ec-p384', 'rsa-4096'] as const) {
    it(`${key}: check passes, submit issues a copy with the CSR's key, same notAfter, order's SANs`, async () => {
      const old = await currentManualCopy();
      const { csrPath } = opensslCsr(box.dir, key, { key, cn: 'assecodata.pl', sans: DOMAINS });
      // DER for one of them, PEM for the rest.
      const input = key === 'ec-p384' ? join(box.dir, `${key}.der`) : csrPath;
      if (input !== csrPath) openssl(['req', '-in', csrPath, '-outform', 'DER', '-out', input]);

      const check = await cli(['csr', 'check', input, '--for', old.id]);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain('✓ Correct');

      const r = await cli(['submit', old.id, '--csr', input, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result: ReissueResult = JSON.parse(r.stdout);
      expect(result.replaced.id).toBe(old.id);
      expect(result.replaced.replacedBy).toBe(result.certificate.id);
      expect(result.certificate.replaces).toBe(old.id);
      expect(result.certificate.notAfter).toBe(old.notAfter);
      expect(result.certificate.serialNumber).not.toBe(old.serialNumber);
      expect(result.replaced.state).toBe('pending-revocation');
      const days = (Date.parse(result.replaced.revocationDate!) - Date.parse(result.certificate.notBefore)) / 86_400_000;
      expect(Math.round(days)).toBe(14);

      const pem = join(box.dir, `${key}-new.pem`);
      expect((await cli(['download', result.certificate.id, '--out', pem])).code).toBe(0);
      expect(opensslStatus(['verify', '-CAfile', caPath, pem]).output).toContain(': OK');
      expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
      const oldPem = join(box.dir, `${key}-old.pem`);
      await cli(['download', old.id, '--out', oldPem]);
      const enddate = (p: string) => openssl(['x509', '-in', p, '-noout', '-enddate']);
      expect(enddate(pem)).toBe(enddate(oldPem));
      const sans = openssl(['x509', '-in', pem, '-noout', '-ext', 'subjectAltName']);
      for (const d of DOMAINS) expect(sans).toContain(`DNS:${d}`);
    });
  }

  it('the replaced copy cannot be reissued again; the message names the newest copy', async () => {
    const copies = (await listJson()).filter((c) => c.orderId === 'ORDER/0000123456/po');
    const replaced = copies.find((c) => c.replacedBy)!;
    const newest = copies.find((c) => !c.replacedBy)!;
    const { csrPath } = opensslCsr(box.dir, 'again', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS });
    const r = await cli(['submit', replaced.id, '--csr', csrPath]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(newest.id);
  });

  it('status shows the pending revocation; 14 days later the old serial is in the CRL as superseded', async () => {
    const pending = JSON.parse((await cli(['status', '--json'])).stdout) as (Certificate & { daysLeft: number })[];
    const latest = pending.sort((a, b) => Date.parse(b.revocationDate!) - Date.parse(a.revocationDate!))[0]!;
    expect(latest.daysLeft).toBe(14);
    const later = new Date(Date.parse(latest.revocationDate!) + 1000).toISOString();
    const crl = join(box.dir, 'after14.der');
    expect((await cli(['crl', '--format', 'der', '--out', crl], { REISSUE_NOW: later })).code).toBe(0);
    const text = openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text']);
    const entry = text.split('Serial Number: ').find((e) => e.toLowerCase().startsWith(latest.serialNumber.replace(/^0+/, '')));
    expect(entry).toBeDefined();
    expect(entry).toContain('Superseded');
  });
});

describe('bad CSRs get their own message and exit 3', () => {
  const cases: [string, () => string, RegExp][] = [
    ['empty input', () => write('empty.csr', ''), /empty/i],
    ['a certificate', () => caPath, /certificate/i],
    ['a private key', () => opensslCsr(box.dir, 'pk', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS }).keyPath, /private key/i],
    ['truncated PEM', () => write('trunc.csr', readFileSync(opensslCsr(box.dir, 't', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS }).csrPath, 'utf8').slice(0, 200)), /truncated|incomplete/i],
    ['garbage', () => write('garbage.csr', 'hello world'), /PEM|DER/],
    ['RSA 1024', () => opensslCsr(box.dir, 'weak', { key: 'rsa-1024', cn: 'assecodata.pl', sans: DOMAINS }).csrPath, /2048/],
    ['SHA-1 signature', () => opensslCsr(box.dir, 'sha1', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS, md: 'sha1' }).csrPath, /SHA-1/i],
    ['a domain outside the order', () => opensslCsr(box.dir, 'dom', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'evil.example'] }).csrPath, /evil\.example/],
    ['over 64 KiB', () => write('big.csr', 'A'.repeat(70 * 1024)), /64 KiB|too large/i],
  ];
  for (const [name, make, message] of cases) {
    it(name, async () => {
      const file = make();
      const id = (await currentManualCopy()).id;
      const before = await listJson();
      for (const args of [['csr', 'check', file, '--for', id], ['submit', id, '--csr', file]]) {
        const r = await cli(args);
        expect(r.code).toBe(3);
        expect(r.stdout + r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/at .*\.(js|ts):\d+/);
        if (name === 'a private key') expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY-----');
      }
      expect(await listJson()).toEqual(before); // nothing issued
    });
  }

  it('a CSR with the key of the certificate being replaced', async () => {
    const { csrPath, keyPath } = opensslCsr(box.dir, 'samekey', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS });
    const old = await currentManualCopy();
    expect((await cli(['submit', old.id, '--csr', csrPath])).code).toBe(0);
    const csr2 = join(box.dir, 'samekey2.csr');
    openssl(['req', '-new', '-key', keyPath, '-subj', '/CN=assecodata.pl', '-out', csr2]);
    const r = await cli(['csr', 'check', csr2, '--for', (await currentManualCopy()).id, '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p: { code: string }) => p.code)).toContain('same-key');
  });

  it('csr check reads stdin with -', async () => {
    const { csrPath } = opensslCsr(box.dir, 'stdin', { key: 'ec-p256', cn: 'assecodata.pl', sans: DOMAINS });
    const r = await cli(['csr', 'check', '-', '--json'], {}, readFileSync(csrPath, 'utf8'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, summary: { keyType: 'EC', keySize: 256 } });
  });
});

describe('csr new', () => {
  it('writes a 0600 key and a CSR that openssl verifies and that submit accepts', async () => {
    const id = (await currentManualCopy()).id;
    const key = join(box.dir, 'gen.key');
    const csr = join(box.dir, 'gen.csr');
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', key, '--out', csr]);
    expect(r.code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(opensslStatus(['req', '-in', csr, '-noout', '-verify']).output).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(opensslStatus(['pkey', '-in', key, '-noout']).status).toBe(0);
    expect((await cli(['submit', id, '--csr', csr])).code).toBe(0);
  });

  it('encrypts the key with a passphrase from stdin', async () => {
    const id = (await currentManualCopy()).id;
    const key = join(box.dir, 'enc.key');
    const csr = join(box.dir, 'enc.csr');
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'rsa-2048', '--key-out', key, '--out', csr, '--passphrase-stdin'], {}, 'correct horse\n');
    expect(r.code).toBe(0);
    expect(readFileSync(key, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(opensslStatus(['pkey', '-in', key, '-passin', 'pass:correct horse', '-noout']).status).toBe(0);
  });

  it('never overwrites an existing key file and generates nothing then', async () => {
    const id = (await currentManualCopy()).id;
    const key = write('existing.key', 'precious');
    const csr = join(box.dir, 'not-written.csr');
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', key, '--out', csr]);
    expect(r.code).toBe(3);
    expect(readFileSync(key, 'utf8')).toBe('precious');
    expect(existsSync(csr)).toBe(false);
  });

  it("refuses an algorithm the product does not allow, and a card-only product", async () => {
    const certs = await listJson();
    const cardOnly = certs.find((c) => c.keySources.join() === 'card')!;
    const r1 = await cli(['csr', 'new', '--for', cardOnly.id, '--algorithm', 'ec-p256', '--key-out', join(box.dir, 'x.key'), '--out', join(box.dir, 'x.csr')]);
    expect(r1.code).toBe(5);
    expect(r1.stderr).toContain('card');
    expect(existsSync(join(box.dir, 'x.key'))).toBe(false);
  });
});

describe('revoke', () => {
  it('needs --yes without a terminal, then revokes and the CRL lists it', async () => {
    const target = (await listJson()).find((c) => c.state === 'valid' && c.orderId !== 'ORDER/0000123456/po')!;
    const refused = await cli(['revoke', target.id]);
    expect(refused.code).toBe(2);
    expect(JSON.parse((await cli(['show', target.id, '--json'])).stdout).state).toBe('valid');
    const r = await cli(['revoke', target.id, '--reason', 'keyCompromise', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'revoked', revocationReason: 'keyCompromise' });
    const crl = join(box.dir, 'revoke.der');
    await cli(['crl', '--format', 'der', '--out', crl]);
    expect(openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text'])).toContain('Key Compromise');
  });
});

function write(name: string, content: string): string {
  const p = join(box.dir, name);
  writeFileSync(p, content);
  return p;
}
