// The read-only commands on the embedded sandbox portal, through the built binary.
import { mkdirSync, readFileSync, rmSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, PendingRevocation } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { openssl, opensslStatus } from '../helpers/openssl.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let certs: Certificate[];
const cli = (args: string[], env: Record<string, string> = {}, input?: string) => runCli(args, { env: { ...box.env, ...env }, input });
const find = (pred: (c: Certificate) => boolean, what: string): Certificate => {
  const c = certs.find(pred);
  if (!c) throw new Error(`no demo certificate ${what}`);
  return c;
};

beforeAll(async () => {
  box = await cliSandbox();
  const r = await cli(['list', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  certs = JSON.parse(r.stdout);
});
afterAll(() => box.cleanup());

describe('seeded sandbox portal', () => {
  it('holds the manual example and one certificate in every state', () => {
    const manual = find((c) => c.orderId === 'ORDER/0000123456/po' && c.replacedBy === null, 'from the manual');
    expect(manual).toMatchObject({
      state: 'valid',
      product: 'Trusted MultiDomain SSL 4 domains 365 days',
      productCategory: 'SSL (TLS)',
      keySources: ['csr'],
      domains: ['assecodata.pl', 'www.assecodata.pl'],
      organization: { name: 'Asseco Data Systems S.A.', verificationMethod: 'KRS 0000421310', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
      subscriber: { name: 'Paula', lastName: 'Chlebicka' },
    });
    expect(find((c) => c.keySources.length === 1 && c.keySources[0] === 'card', 'card-only').algorithms).not.toContain('rsa-2048');
    const old = find((c) => c.state === 'pending-revocation', 'pending revocation');
    expect(old.replacedBy).toBeTruthy();
    expect(find((c) => c.id === old.replacedBy, 'new copy').replaces).toBe(old.id);
    expect(find((c) => c.state === 'revoked', 'revoked').revocationReason).toBeTruthy();
    find((c) => c.state === 'expired', 'expired');
    for (const c of certs) expect(c.serialNumber).toMatch(/^[0-9a-f]+$/);
  });

  it('filters with --query', async () => {
    const r = await cli(['list', '--query', 'WWW.ASSECODATA', '--json']);
    const items: Certificate[] = JSON.parse(r.stdout);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((c) => c.domains.includes('www.assecodata.pl'))).toBe(true);
    expect(items.length).toBeLessThan(certs.length);
  });

  it('lists as a table in text mode', async () => {
    const r = await cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ID\s+CN\s+STATE/);
    expect(r.stdout).toMatch(/revoked in \d+ d/);
  });
});

describe('show', () => {
  it('by id and by serial (any case, with colons) give the same certificate', async () => {
    const c = certs[0]!;
    const byId = JSON.parse((await cli(['show', c.id, '--json'])).stdout);
    const colons = c.serialNumber.toUpperCase().match(/.{1,2}/g)!.join(':');
    const bySerial = JSON.parse((await cli(['show', colons, '--json'])).stdout);
    expect(bySerial).toEqual(byId);
  });

  it("shows the manual's details view", async () => {
    const manual = find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy, 'manual');
    const r = await cli(['show', manual.id]);
    for (const text of ['Certificate for order ORDER/0000123456/po', "Subscriber's data", 'Chlebicka', "Organization's data", 'KRS 0000421310', 'Gdańsk', "Subscriber's authorization", 'Domain list [2]', 'www.assecodata.pl', 'Product category', 'Activation date', 'Valid to', 'Certificate serial number'])
      expect(r.stdout).toContain(text);
  });

  it('an unknown id exits 5 and names the id', async () => {
    const r = await cli(['show', 'no-such-cert']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('no-such-cert');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('download, ca and crl are accepted by openssl', () => {
  it('every demo certificate verifies against the sandbox CA, PEM and DER', async () => {
    const ca = join(box.dir, 'ca.pem');
    expect((await cli(['ca', '--out', ca])).code).toBe(0);
    expect(openssl(['x509', '-in', ca, '-noout', '-subject'])).toMatch(/SANDBOX/i);
    for (const c of certs) {
      const pem = join(box.dir, `${c.id}.pem`);
      const der = join(box.dir, `${c.id}.der`);
      expect((await cli(['download', c.id, '--out', pem])).code).toBe(0);
      expect((await cli(['download', c.id, '--format', 'der', '--out', der])).code).toBe(0);
      const fromDer = openssl(['x509', '-inform', 'DER', '-in', der]);
      expect(fromDer).toBe(readFileSync(pem, 'utf8'));
      // An expired copy is checked at a time inside its validity.
      const at = c.state === 'expired' ? ['-attime', String(Math.floor(Date.parse(c.notBefore) / 1000) + 60)] : [];
      const v = opensslStatus(['verify', ...at, '-CAfile', ca, pem]);
      expect(v.output).toContain(': OK');
      // The record matches the certificate: subject CN, SANs, validity.
      const text = openssl(['x509', '-in', pem, '-noout', '-subject', '-ext', 'subjectAltName', '-enddate', '-serial']);
      expect(text).toContain(`CN = ${c.commonName}`);
      for (const d of c.domains) expect(text).toContain(`DNS:${d}`);
      expect(text.toLowerCase()).toContain(`serial=${c.serialNumber.replace(/^0+/, '')}`);
      expect(Date.parse(text.match(/notAfter=(.*)/)![1]!)).toBe(Math.floor(Date.parse(c.notAfter) / 1000) * 1000);
    }
  });

  it('--chain appends the CA certificate', async () => {
    const r = await cli(['download', certs[0]!.id, '--chain']);
    expect(r.stdout.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('the CRL lists the revoked demo certificate', async () => {
    const revoked = find((c) => c.state === 'revoked', 'revoked');
    const crl = join(box.dir, 'crl.der');
    expect((await cli(['crl', '--format', 'der', '--out', crl])).code).toBe(0);
    const text = openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text']);
    expect(text.toLowerCase()).toContain(revoked.serialNumber.replace(/^0+/, '').toLowerCase());
    const pem = await cli(['crl']);
    expect(pem.stdout).toContain('-----BEGIN X509 CRL-----');
  });

  it('refuses to overwrite an --out file unless --force', async () => {
    const out = join(box.dir, 'exists.pem');
    writeFileSync(out, 'keep me');
    const r = await cli(['download', certs[0]!.id, '--out', out]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    // --force replaces only a file that holds what download writes: a certificate.
    expect((await cli(['download', certs[0]!.id, '--out', out, '--force'])).code).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect((await cli(['download', certs[1]!.id, '--out', out.replace('exists', 'cert')])).code).toBe(0);
    expect((await cli(['download', certs[0]!.id, '--out', out.replace('exists', 'cert'), '--force'])).code).toBe(0);
    expect(readFileSync(out.replace('exists', 'cert'), 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});

describe('the 14-day schedule', () => {
  it('status lists the pending revocation with days left; after its date it is revoked, in the CRL, and stays so after a restart', async () => {
    const status = await cli(['status', '--json']);
    const pending: PendingRevocation[] = JSON.parse(status.stdout);
    const old = pending[0]!;
    expect(old.state).toBe('pending-revocation');
    expect(old.daysLeft).toBeGreaterThan(0);
    expect(old.daysLeft).toBeLessThanOrEqual(14);
    const text = await cli(['status']);
    expect(text.stdout).toContain(old.serialNumber);

    const later = new Date(Date.parse(old.revocationDate!) + 60_000).toISOString();
    const after = await cli(['status', '--json'], { REISSUE_NOW: later });
    expect(JSON.parse(after.stdout).map((p: PendingRevocation) => p.id)).not.toContain(old.id);
    const shown: Certificate = JSON.parse((await cli(['show', old.id, '--json'], { REISSUE_NOW: later })).stdout);
    expect(shown.state).toBe('revoked');
    expect(shown.revocationReason).toBe('superseded');

    // A new process on the real clock (before the date): the revocation was carried out and stays.
    const crl = join(box.dir, 'crl-after.der');
    expect((await cli(['crl', '--format', 'der', '--out', crl])).code).toBe(0);
    const crlText = openssl(['crl', '-inform', 'DER', '-in', crl, '-noout', '-text']);
    expect(crlText.toLowerCase()).toContain(old.serialNumber.replace(/^0+/, ''));
    expect(crlText).toContain('Superseded');
    expect(JSON.parse((await cli(['show', old.id, '--json'])).stdout).state).toBe('revoked');
  });
});

describe('bad environments', () => {
  it('a corrupt database is reported, exit 1, and left untouched', async () => {
    const s = await cliSandbox();
    try {
      expect((await runCli(['list'], { env: s.env })).code).toBe(0);
      const db = join(s.dataDir, 'portal.sqlite');
      const garbage = Buffer.alloc(8192, 0x5a);
      writeFileSync(db, garbage);
      for (const f of ['portal.sqlite-wal', 'portal.sqlite-shm']) if (existsSync(join(s.dataDir, f))) writeFileSync(join(s.dataDir, f), '');
      const r = await runCli(['list'], { env: s.env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(db);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(readFileSync(db).equals(garbage)).toBe(true);
    } finally {
      await s.cleanup();
    }
  });

  it('two processes opening the same empty data directory seed it once', async () => {
    const s = await cliSandbox();
    try {
      const [a, b] = await Promise.all([runCli(['list', '--json'], { env: s.env }), runCli(['list', '--json'], { env: s.env })]);
      expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
      const after = JSON.parse((await runCli(['list', '--json'], { env: s.env })).stdout);
      expect(after).toEqual(JSON.parse(a.stdout));
      expect(statSync(join(s.dataDir, 'portal.sqlite')).size).toBeGreaterThan(0);
    } finally {
      await s.cleanup();
    }
  });

  it('the wizard without a terminal exits 2 and names the commands', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('terminal');
    expect(r.stderr).toContain('reissue list');
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['list', '--bogus'])).code).toBe(2);
    expect((await cli(['download', certs[0]!.id, '--format', 'txt'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('config set/get/path keeps settings in the config home', async () => {
    expect((await cli(['config', 'set', 'portal', 'https://portal.example:8443'])).code).toBe(0);
    expect((await cli(['config', 'get', 'portal'])).stdout.trim()).toBe('https://portal.example:8443');
    const path = (await cli(['config', 'path'])).stdout.trim();
    expect(path.startsWith(box.env.XDG_CONFIG_HOME!)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // With that portal and no token, commands say how to get one (exit 2), not crash.
    const r = await cli(['list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('token');
    expect((await cli(['config', 'unset', 'portal'])).code).toBe(0);
    expect((await cli(['config', 'get', 'nope'])).code).toBe(2);
  });

  it('a settings file that is not JSON is named and left as it is', async () => {
    const path = (await cli(['config', 'path'])).stdout.trim();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{ "portal": "https://half', { mode: 0o600 });
    for (const args of [['list'], ['config', 'get'], ['config', 'set', 'portal', 'local']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(path);
      expect(r.stderr).toContain('not valid JSON');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(readFileSync(path, 'utf8')).toBe('{ "portal": "https://half');
    rmSync(path);
  });
});
