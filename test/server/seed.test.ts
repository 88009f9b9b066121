import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate } from '../../src/domain/types.js';
import { SANDBOX_CA_NAME } from '../../src/server/ca.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService, type LocalPortalService } from '../../src/server/service.js';
import { openssl, opensslStatus } from '../helpers/openssl.js';
import { DAY_MS, opensslCertificate, tempDir, testClock, writeTemp } from './helpers.js';

const clock = testClock('2026-06-01T10:00:00Z');
const now = clock.now();
let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let service: LocalPortalService;
let demoCerts: Certificate[];

beforeAll(async () => {
  tmp = tempDir();
  dataDir = join(tmp.path, 'new', 'data'); // missing: the portal creates it
  service = await openPortalService({ dataDir, clock });
  demoCerts = (await service.forAccount(DEMO.customer).list({ limit: 100 })).items;
});
afterAll(() => {
  service?.close();
  tmp?.remove();
});

const byOrder = (orderId: string) => demoCerts.filter((c) => c.orderId === orderId);

describe('a new sandbox portal', () => {
  it('creates its data directory (0700), a CA key (0600) and a clearly labelled CA certificate', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, 'ca-key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const subject = openssl(['x509', '-in', join(dataDir, 'ca.pem'), '-noout', '-subject']);
    expect(subject).toContain(SANDBOX_CA_NAME);
    expect(SANDBOX_CA_NAME).toMatch(/SANDBOX.*not for production/);
  });

  // How long seeding takes is a benchmark figure (npm run bench), not a timed assertion.
  it('is created and seeded on first open', () => {
    expect(service.created).toBe(true);
  });

  it('has the demo customer, its partner and an unrelated customer', () => {
    const demo = service.sqlite!.account(DEMO.customer)!;
    const partner = service.sqlite!.account(DEMO.partner)!;
    const other = service.sqlite!.account(DEMO.otherCustomer)!;
    expect(demo.role).toBe('customer');
    expect(partner.role).toBe('partner');
    expect(demo.partnerId).toBe(partner.id);
    expect(other.role).toBe('customer');
    expect(other.partnerId).toBeNull();
  });

  it("holds the reference manual's example order exactly", () => {
    const [c] = byOrder('ORDER/0000123456/po');
    expect(c).toMatchObject({
      commonName: 'assecodata.pl',
      domains: ['assecodata.pl', 'www.assecodata.pl'],
      state: 'valid',
      product: 'Trusted MultiDomain SSL 4 domains 365 days',
      productCategory: 'SSL (TLS)',
      keySources: ['csr'],
      algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
      subscriber: { name: 'Paula', lastName: 'Chlebicka', email: 'paula.chlebicka@assecodata.pl', verificationMethod: 'Automatic identity verification' },
      organization: { name: 'Asseco Data Systems S.A.', verificationMethod: 'KRS 0000421310', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
      authorizationMethod: 'KRS 0000421310',
      account: 'demo',
      replaces: null,
      replacedBy: null,
    });
    expect(Date.parse(c!.notAfter) - Date.parse(c!.notBefore)).toBe(365 * DAY_MS);
  });

  it('has a code-signing certificate whose product allows only card generation', async () => {
    const [c] = byOrder(DEMO.codeSigningOrderId);
    expect(c).toMatchObject({ state: 'valid', keySources: ['card'], algorithms: ['rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'], productCategory: 'Code Signing' });
    const path = writeTemp(tmp.path, 'code-signing.pem', await service.forAccount(DEMO.customer).download(c!.id, 'pem'));
    expect(openssl(['x509', '-in', path, '-noout', '-ext', 'extendedKeyUsage'])).toContain('Code Signing');
  });

  it('has a copy reissued three days ago whose old copy is pending revocation', () => {
    const copies = byOrder(DEMO.reissuedOrderId);
    const newer = copies.find((c) => c.replaces)!;
    const older = copies.find((c) => c.replacedBy)!;
    expect(newer.replaces).toBe(older.id);
    expect(older.replacedBy).toBe(newer.id);
    expect(newer.state).toBe('valid');
    expect(older.state).toBe('pending-revocation');
    expect(older.revocationReason).toBe('superseded');
    expect(newer.notAfter).toBe(older.notAfter);
    expect(Date.parse(newer.notBefore)).toBe(Math.floor(now.getTime() / 1000) * 1000 - 3 * DAY_MS);
    expect(Date.parse(older.revocationDate!)).toBe(Date.parse(newer.notBefore) + 14 * DAY_MS);
  });

  it('has a revoked (key compromise) and an expired certificate', () => {
    expect(byOrder(DEMO.revokedOrderId)[0]).toMatchObject({ state: 'revoked', revocationReason: 'keyCompromise' });
    expect(byOrder(DEMO.expiredOrderId)[0]).toMatchObject({ state: 'expired', revocationDate: null });
  });

  it('signs every demo certificate with the sandbox CA, matching its record (openssl, PEM and DER)', async () => {
    const caFile = join(dataDir, 'ca.pem');
    const all = [...demoCerts, ...(await service.forAccount(DEMO.otherCustomer).list()).items];
    for (const c of all) {
      const portal = service.forAccount(c.account);
      const pemPath = writeTemp(tmp.path, `${c.id}.pem`, await portal.download(c.id, 'pem'));
      const derPath = writeTemp(tmp.path, `${c.id}.der`, await portal.download(c.id, 'der'));
      // openssl checks validity against the real time; check each at a moment inside its own validity.
      const at = String(Math.floor(Date.parse(c.notBefore) / 1000) + 3600);
      for (const file of [pemPath, derPath]) {
        const r = opensslStatus(['verify', '-attime', at, '-CAfile', caFile, file]);
        expect(r.output, `${c.id} ${file}`).toContain(': OK');
        expect(r.status).toBe(0);
      }
      const seen = opensslCertificate(pemPath);
      expect(seen.serial).toBe(c.serialNumber);
      expect(seen.notBefore.toISOString()).toBe(c.notBefore);
      expect(seen.notAfter.toISOString()).toBe(c.notAfter);
      expect(seen.subject).toContain(`CN=${c.commonName}`);
      if (c.organization) expect(seen.subject).toBe(`C=PL,ST=${c.organization.stateOrProvince},L=${c.organization.locality},O=${c.organization.name},CN=${c.commonName}`);
      expect(seen.sans).toEqual(c.domains);
    }
  });

  it('lists the revoked demo certificate in the CRL', async () => {
    const crlPath = writeTemp(tmp.path, 'demo.crl', Buffer.from(await service.forAccount(DEMO.customer).crl()));
    const text = openssl(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-text']);
    const revoked = byOrder(DEMO.revokedOrderId)[0]!;
    expect(text).toContain(`Serial Number: ${revoked.serialNumber.toUpperCase()}`);
    expect(text).toContain('Key Compromise');
    expect(opensslStatus(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-CAfile', join(dataDir, 'ca.pem')]).output).toContain('verify OK');
  });

  it('is never seeded again: reopening keeps the same certificates and CA', async () => {
    const caBytes = readFileSync(join(dataDir, 'ca.pem'));
    const keyBytes = readFileSync(join(dataDir, 'ca-key.pem'));
    const again = await openPortalService({ dataDir, clock: testClock('2026-07-01T00:00:00Z') });
    try {
      expect(again.created).toBe(false);
      const ids = (await again.forAccount(DEMO.customer).list({ limit: 100 })).items.map((c) => c.id).sort();
      expect(ids).toEqual(demoCerts.map((c) => c.id).sort());
      expect(readFileSync(join(dataDir, 'ca.pem')).equals(caBytes)).toBe(true);
      expect(readFileSync(join(dataDir, 'ca-key.pem')).equals(keyBytes)).toBe(true);
    } finally {
      again.close();
    }
  });

});
