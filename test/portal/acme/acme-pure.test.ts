// The ACME portal's pure parts: the spec and folders, RFC 9773's certificate identifier and the
// newOrder body (Pebble 2.4 has no renewalInfo, so the ARI request shape is tested here), the
// challenge settings, the revocation delay, and the ledger's claims between two processes' handles.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseRevokeAfterDays } from '../../../src/domain/policy.js';
import { ariCertId, newOrderPayload, parseRenewalInfo, serialOctets } from '../../../src/portal/acme/ari.js';
import { chosenChallenge, hookArgv, parseChallenge, parseListenAddress, responderFor } from '../../../src/portal/acme/challenges.js';
import { Ledger, STALE_CLAIM_MS, type LedgerCertificate } from '../../../src/portal/acme/ledger.js';
import { acmeFolder, directoryUrlOf, isAcmeSpec } from '../../../src/portal/acme/spec.js';
import { x509 } from '../../../src/pki/x509.js';

describe('spec', () => {
  test('acme: then an http(s) URL; the folder keeps two directories of one host apart', () => {
    expect(isAcmeSpec('acme:https://acme-staging-v02.api.letsencrypt.org/directory')).toBe(true);
    expect(isAcmeSpec('acme:ftp://x')).toBe(false);
    expect(isAcmeSpec('https://x/directory')).toBe(false);
    expect(directoryUrlOf('ACME:https://ca/dir')).toBe('https://ca/dir');
    const a = acmeFolder('/d', 'https://ca.example/staging/directory');
    const b = acmeFolder('/d', 'https://ca.example/directory');
    expect(a).toMatch(/^\/d\/acme\/ca\.example-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

describe('ARI (RFC 9773)', () => {
  test('the certificate identifier of the RFC\'s example: AKI keyIdentifier and serial, each base64url', async () => {
    // RFC 9773 §4.1: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
    const keys = await x509.cryptoProvider.get().subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: '0087654321',
      subject: 'CN=ari.example',
      issuer: 'CN=issuer',
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2026-04-01T00:00:00Z'),
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [new x509.AuthorityKeyIdentifierExtension('69885b6b87464041e1b37b847ba0ae2cde01c8d4')],
    });
    expect(ariCertId(cert)).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });

  test('serial octets keep the sign byte DER needs', () => {
    expect(Buffer.from(serialOctets('87654321')).toString('hex')).toBe('0087654321');
    expect(Buffer.from(serialOctets('0087654321')).toString('hex')).toBe('0087654321');
    expect(Buffer.from(serialOctets('5fc577ee92f116bc')).toString('hex')).toBe('5fc577ee92f116bc');
    expect(Buffer.from(serialOctets('abc')).toString('hex')).toBe('0abc');
  });

  test('newOrder names the replaced copy only when the directory offers renewalInfo', () => {
    const withAri = { newOrder: 'https://ca/new-order', renewalInfo: 'https://ca/renewal-info' };
    expect(newOrderPayload(['a.example', 'b.example'], withAri, 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE')).toEqual({
      identifiers: [
        { type: 'dns', value: 'a.example' },
        { type: 'dns', value: 'b.example' },
      ],
      replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
    });
    expect(newOrderPayload(['a.example'], { newOrder: 'https://ca/new-order' }, 'x.y')).toEqual({ identifiers: [{ type: 'dns', value: 'a.example' }] });
    expect(newOrderPayload(['a.example'], withAri, null)).not.toHaveProperty('replaces');
  });

  test('the suggested window is read from a renewalInfo answer; anything else is none', () => {
    expect(parseRenewalInfo({ suggestedWindow: { start: '2026-03-01T00:00:00Z', end: '2026-03-03T00:00:00Z' }, explanationURL: 'https://ca/why' })).toEqual({
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-03-03T00:00:00.000Z',
      explanationUrl: 'https://ca/why',
    });
    expect(parseRenewalInfo({ suggestedWindow: { start: 'soon' } })).toBeNull();
    expect(parseRenewalInfo(null)).toBeNull();
  });
});

describe('challenge settings', () => {
  test('ADDR:PORT for the http-01 responder; a bad one is a usage error', () => {
    expect(parseListenAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('[::]:8080')).toEqual({ host: '::', port: 8080 });
    expect(parseListenAddress(':5002')).toEqual({ host: '0.0.0.0', port: 5002 });
    for (const bad of ['80', 'host:', 'host:0', 'host:70000']) expect(() => parseListenAddress(bad)).toThrow(expect.objectContaining({ kind: 'usage', code: 'acme-bad-http-address' }));
  });

  test('the dns hook: an existing file as it is (spaces kept), otherwise words without a shell', () => {
    expect(hookArgv('/bin/sh')).toEqual(['/bin/sh']);
    expect(hookArgv('my-hook --zone example.test')).toEqual(['my-hook', '--zone', 'example.test']);
  });

  test('the challenge: as set (any case), else dns-01 with a hook and http-01 without; dns-01 with neither hook nor prompt is a usage error', async () => {
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge('DNS-01')).toBe('dns-01');
    expect(() => parseChallenge('tls-alpn-01')).toThrow(expect.objectContaining({ kind: 'usage', code: 'acme-bad-challenge' }));
    expect(chosenChallenge({})).toBe('http-01');
    expect(chosenChallenge({ dnsHook: 'hook' })).toBe('dns-01');
    expect(chosenChallenge({ dnsHook: 'hook', challenge: 'http-01' })).toBe('http-01');
    expect(() => responderFor({ challenge: 'dns-01' })).toThrow(expect.objectContaining({ kind: 'usage', code: 'acme-dns-needs-hook' }));
    // By hand: every record of the order collected, shown once (a wildcard at its base name).
    const shown: { name: string; value: string }[][] = [];
    const manual = responderFor({ challenge: 'dns-01' }, async (records) => void shown.push(records));
    expect(manual.type).toBe('dns-01');
    await manual.deploy('example.test', 'tok1', 'v1');
    await manual.deploy('*.example.test', 'tok2', 'v2');
    expect(shown).toEqual([]);
    await manual.ready!();
    expect(shown).toEqual([[{ name: '_acme-challenge.example.test.', value: 'v1' }, { name: '_acme-challenge.example.test.', value: 'v2' }]]);
  });

  test('acmeRevokeAfterDays: unset 14, 0 at once, never, else a usage error', () => {
    expect(parseRevokeAfterDays(undefined)).toBe(14);
    expect(parseRevokeAfterDays('0')).toBe(0);
    expect(parseRevokeAfterDays('30')).toBe(30);
    expect(parseRevokeAfterDays('never')).toBeNull();
    for (const bad of ['-1', '1.5', 'soon']) expect(() => parseRevokeAfterDays(bad)).toThrow(expect.objectContaining({ code: 'bad-revoke-after-days' }));
  });
});

describe('ledger', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const copy = (id: string, over: Partial<LedgerCertificate> = {}): LedgerCertificate => ({
    id,
    serial: `5e${id}`,
    commonName: `${id}.example`,
    domains: [`${id}.example`],
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    leafPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n',
    chainPem: '',
    orderUrl: null,
    origin: 'imported',
    keySource: 'csr',
    keyLocation: null,
    cardEvidence: null,
    account: null,
    replaces: null,
    replacedBy: null,
    obtainedAt: '2026-01-01T00:00:00.000Z',
    revokeAt: null,
    revokedAt: null,
    revocationReason: null,
    revocationAnswer: null,
    revokeAttempts: 0,
    revokeLastError: null,
    ...over,
  });

  test('two handles on one file (two processes): a due copy is claimed by one; a dead claim is taken again later; done is recorded once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'acme-ledger-'));
    const path = join(dir, 'ledger.sqlite');
    const a = Ledger.open(path);
    const b = Ledger.open(path);
    try {
      a.insertCertificate(copy('old', { revokeAt: '2026-01-15T00:00:00.000Z', revocationReason: 'superseded' }));
      a.insertCertificate(copy('later', { revokeAt: '2026-02-15T00:00:00.000Z', revocationReason: 'superseded' }));
      const real = 1_000_000_000_000;
      expect(a.claimDue('2026-01-14T00:00:00.000Z', real)).toBeNull(); // not due yet on the ledger's clock
      const first = a.claimDue('2026-01-20T00:00:00.000Z', real);
      expect(first?.certificate.id).toBe('old');
      expect(b.claimDue('2026-01-20T00:00:00.000Z', real)).toBeNull(); // claimed: the other process skips it
      // The claimer died: once the claim is stale, another process takes it.
      const retaken = b.claimDue('2026-01-20T00:00:00.000Z', real + STALE_CLAIM_MS + 1);
      expect(retaken?.certificate.id).toBe('old');
      // The dead claim's late answer no longer counts; the live one is recorded once.
      expect(a.revocationDone('old', first!.claim, '2026-01-20T00:00:00.000Z', 'superseded', 'revoked')).toBe(false);
      expect(b.revocationDone('old', retaken!.claim, '2026-01-20T00:00:00.000Z', 'superseded', 'revoked')).toBe(true);
      expect(b.revocationDone('old', retaken!.claim, '2026-01-20T00:00:00.000Z', 'superseded', 'revoked')).toBe(false);
      expect(a.byId('old')).toMatchObject({ revokedAt: '2026-01-20T00:00:00.000Z', revocationAnswer: 'revoked', revokeAttempts: 2 });
      // A failure releases the claim at once and keeps the CA's words.
      const next = a.claimDue('2026-03-01T00:00:00.000Z', real)!;
      a.revocationFailed(next.certificate.id, next.claim, 'serverInternal: try later');
      expect(b.byId('later')).toMatchObject({ revokedAt: null, revokeLastError: 'serverInternal: try later' });
      expect(b.claimDue('2026-03-01T00:00:00.000Z', real)?.certificate.id).toBe('later');
    } finally {
      a.close();
      b.close();
    }
  });

  test('the filter matches CN, names, id and serial (any case, with colons), and counts the same', async () => {
    dir = await mkdtemp(join(tmpdir(), 'acme-ledger-'));
    const l = Ledger.open(join(dir, 'ledger.sqlite'));
    try {
      l.insertCertificate(copy('aa01', { commonName: 'Shop.Example', domains: ['shop.example', 'www.shop.example'], serial: 'abcdef01' }));
      l.insertCertificate(copy('bb02', { commonName: 'mail.example', domains: ['mail.example'], serial: '12345678' }));
      expect(l.search('SHOP', 10, 0).map((c) => c.id)).toEqual(['aa01']);
      expect(l.search('www.shop', 10, 0).map((c) => c.id)).toEqual(['aa01']);
      expect(l.search('bb0', 10, 0).map((c) => c.id)).toEqual(['bb02']);
      expect(l.search('AB:CD:EF', 10, 0).map((c) => c.id)).toEqual(['aa01']);
      expect(l.search('%', 10, 0)).toEqual([]);
      expect(l.count('example')).toBe(2);
      expect(l.count(undefined)).toBe(2);
    } finally {
      l.close();
    }
  });
});
