import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { addSyntheticCertificates } from '../../src/server/bulk.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService, type LocalPortalService } from '../../src/server/service.js';
import { opensslStatus } from '../helpers/openssl.js';
import { opensslCertificate, seededService, testClock, writeTemp } from './helpers.js';

const clock = testClock('2026-06-01T10:00:00Z');
let service: LocalPortalService;
let dir: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ service, dir, cleanup } = await seededService(clock));
});
afterEach(() => cleanup());

describe('addSyntheticCertificates', () => {
  it('adds valid certificates, each matching its record and verified by openssl', async () => {
    const demo = service.forAccount(DEMO.customer);
    const before = (await demo.list()).total;
    expect(await addSyntheticCertificates(service, 3000, DEMO.customer, { batchSize: 1000 })).toBe(3000);
    const page = await demo.list({ text: 'bulk.example', limit: 3000 });
    expect(page.total).toBe(3000);
    expect((await demo.list()).total).toBe(before + 3000);
    expect(new Set(page.items.map((c) => c.serialNumber)).size).toBe(3000);
    expect(new Set(page.items.map((c) => c.commonName)).size).toBe(3000);
    expect(page.items.every((c) => c.state === 'valid')).toBe(true);

    const ca = writeTemp(join(dir, '..'), 'ca.pem', await demo.caCertificate());
    for (const c of [page.items[0]!, page.items[1234]!, page.items[2999]!]) {
      const der = writeTemp(join(dir, '..'), `${c.id}.der`, await demo.download(c.id, 'der'));
      expect(opensslStatus(['verify', '-attime', String(Date.parse(c.notBefore) / 1000 + 60), '-CAfile', ca, der]).status).toBe(0);
      const pem = writeTemp(join(dir, '..'), `${c.id}.pem`, await demo.download(c.id, 'pem'));
      const seen = opensslCertificate(pem);
      expect(seen.serial).toBe(c.serialNumber);
      expect(seen.subject).toBe(`CN=${c.commonName}`);
      expect(seen.sans).toEqual(c.domains);
      expect(seen.notBefore.toISOString()).toBe(c.notBefore);
      expect(seen.notAfter.toISOString()).toBe(c.notAfter);
    }
  });

  it('keeps names unique across calls and works on a data directory path', async () => {
    await addSyntheticCertificates(service, 10, DEMO.partner);
    service.close();
    await addSyntheticCertificates(dir, 10, DEMO.partner, { clock });
    const reopened = await openPortalService({ dataDir: dir, clock });
    try {
      const page = await reopened.forAccount(DEMO.partner).list({ text: 'bulk.example', limit: 100 });
      expect(page.total).toBe(20);
      expect(new Set(page.items.map((c) => c.commonName)).size).toBe(20);
      // The demo customer does not see its partner's certificates.
      expect((await reopened.forAccount(DEMO.customer).list({ text: 'bulk.example' })).total).toBe(0);
    } finally {
      reopened.close();
    }
  });

  it('refuses an unknown account', async () => {
    await expect(addSyntheticCertificates(service, 1, 'nobody')).rejects.toMatchObject({ code: 'unknown-account' });
  });
});
