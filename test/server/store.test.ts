import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PRODUCTS, DEMO } from '../../src/server/seed.js';
import { toCertificate, type NewCertificate } from '../../src/server/store/records.js';
import type { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { DAY_MS, seededService, snapshot, testClock } from './helpers.js';

const clock = testClock('2026-06-01T10:00:00Z');
let store: SqliteStore;
let cleanup: () => void;

beforeEach(async () => {
  const s = await seededService(clock);
  store = s.service.sqlite!;
  cleanup = s.cleanup;
});
afterEach(() => cleanup());

function newCert(over: Partial<NewCertificate> = {}): NewCertificate {
  const demo = store.account(DEMO.customer)!;
  return {
    id: 'crt-test000001',
    serial: '7f00000000000000000000000000000a',
    orderId: 'ORDER/0000999999/po',
    accountId: demo.id,
    productId: store.ensureProduct(PRODUCTS.ssl),
    commonName: 'Store-Test.example',
    domains: ['store-test.example', 'www.store-test.example'],
    subscriber: { name: 'Anna', lastName: 'Test', email: 'anna@store-test.example', verificationMethod: 'manual' },
    organization: { name: 'Test Org', verificationMethod: 'KRS 1', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
    authorizationMethod: 'KRS 1',
    notBefore: '2026-05-01T00:00:00.000Z',
    notAfter: '2027-05-01T00:00:00.000Z',
    der: Uint8Array.of(0x30, 0x00),
    publicKeySha256: 'ab'.repeat(32),
    replaces: null,
    replacedBy: null,
    revocationDate: null,
    revoked: false,
    revocationReason: null,
    issuedAt: '2026-06-01T09:00:00.000Z',
    ...over,
  };
}

describe('PortalStore', () => {
  it('stores a copy and reads every field back', () => {
    const c = newCert();
    store.insertCertificate(c);
    const back = store.byId(c.id)!;
    const { der, ...rest } = back;
    const { der: _written, ...expected } = c;
    expect(rest).toEqual({ ...expected, product: PRODUCTS.ssl, account: DEMO.customer, keySource: null, cloudKey: null, downloadedAt: null, cardEvidence: null });
    expect(Array.from(der)).toEqual([0x30, 0x00]);
    expect(toCertificate(back, clock.now())).toMatchObject({ state: 'valid', product: PRODUCTS.ssl.name, productCategory: 'SSL (TLS)', keySources: ['csr', 'card'] });
  });

  it('finds a copy by id or by serial, only for accounts that may see it', () => {
    store.insertCertificate(newCert());
    const demo = store.account(DEMO.customer)!.id;
    const partner = store.account(DEMO.partner)!.id;
    const acme = store.account(DEMO.otherCustomer)!.id;
    expect(store.visible(demo, 'crt-test000001', '')?.id).toBe('crt-test000001');
    expect(store.visible(demo, 'nothing', '7f00000000000000000000000000000a')?.id).toBe('crt-test000001');
    expect(store.visible(partner, 'crt-test000001', '')?.id).toBe('crt-test000001');
    expect(store.visible(acme, 'crt-test000001', '')).toBeNull();
  });

  it('refuses an upper-case or duplicate serial and a second successor', () => {
    expect(() => store.insertCertificate(newCert({ serial: '7F00000000000000000000000000000A' }))).toThrow(/CHECK/);
    store.insertCertificate(newCert());
    expect(() => store.insertCertificate(newCert({ id: 'crt-test000002' }))).toThrow(/UNIQUE/);
    store.insertCertificate(newCert({ id: 'crt-test000002', serial: '7f00000000000000000000000000000b', replaces: 'crt-test000001' }));
    expect(() =>
      store.insertCertificate(newCert({ id: 'crt-test000003', serial: '7f00000000000000000000000000000c', replaces: 'crt-test000001' })),
    ).toThrow(/UNIQUE/);
  });

  it('refuses a copy of an account or product that does not exist (foreign keys)', () => {
    expect(() => store.insertCertificate(newCert({ accountId: 9999 }))).toThrow(/FOREIGN KEY/);
    expect(() => store.insertCertificate(newCert({ productId: 9999 }))).toThrow(/FOREIGN KEY/);
  });

  it('lists newest first, pages, counts and filters case-insensitively', () => {
    const demo = store.account(DEMO.customer)!.id;
    const before = store.count(demo, '');
    for (let i = 0; i < 30; i++) {
      store.insertCertificate(
        newCert({
          id: `crt-page${String(i).padStart(6, '0')}`,
          serial: (0x7f00 + i).toString(16) + '0'.repeat(28),
          commonName: `host${i}.paging.example`,
          domains: [`host${i}.paging.example`],
          issuedAt: new Date(Date.parse('2026-06-01T09:00:00Z') + i * 1000).toISOString(),
        }),
      );
    }
    expect(store.count(demo, '')).toBe(before + 30);
    const first = store.list(demo, '', 10, 0);
    expect(first.map((c) => c.commonName)).toEqual(Array.from({ length: 10 }, (_, i) => `host${29 - i}.paging.example`));
    const third = store.list(demo, '', 10, 20);
    expect(third.map((c) => c.commonName)).toEqual(Array.from({ length: 10 }, (_, i) => `host${9 - i}.paging.example`));
    expect(store.count(demo, 'paging')).toBe(30);
    expect(store.count(demo, 'host1')).toBe(11); // host1, host10..host19
    expect(store.list(demo, 'host2', 5, 0).every((c) => c.commonName.startsWith('host2'))).toBe(true);
    // The search column is lower case, so an upper-case CN is found by its lower-case text.
    store.insertCertificate(newCert({ id: 'crt-upper00001', serial: '7e' + '0'.repeat(30) }));
    expect(store.list(demo, 'store-test.example', 10, 0).map((c) => c.id)).toContain('crt-upper00001');
    // Not only ASCII: the search text is lower-cased like the query.
    store.insertCertificate(newCert({ id: 'crt-unicode0001', serial: '7d' + '0'.repeat(30), commonName: 'ŻÓŁW.example', domains: ['ŻÓŁW.example'] }));
    expect(store.list(demo, 'żółw', 10, 0).map((c) => c.id)).toEqual(['crt-unicode0001']);
    // Order id and product name are searchable too.
    expect(store.count(demo, 'order/0000123456/po')).toBe(1);
    expect(store.count(demo, 'multidomain')).toBeGreaterThan(0);
  });

  it('leaves the database exactly as it was when a transaction fails half-way', () => {
    const before = snapshot(store.db);
    const demoOld = store.list(store.account(DEMO.customer)!.id, 'assecodata.pl', 1, 0)[0]!;
    expect(() =>
      store.write(() => {
        store.insertCertificate(newCert({ replaces: demoOld.id }));
        expect(store.markReplaced(demoOld.id, 'crt-test000001', new Date(clock.now().getTime() + 14 * DAY_MS).toISOString())).toBe(true);
        store.setMeta('half-way', 'yes');
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(snapshot(store.db)).toEqual(before);
  });

  it('carries out only the revocations that are due', () => {
    store.insertCertificate(newCert({ revocationDate: '2026-06-05T00:00:00.000Z', revocationReason: 'superseded' }));
    expect(store.revokeDue('2026-06-04T23:59:59.000Z')).toBe(0);
    expect(store.byId('crt-test000001')!.revoked).toBe(false);
    expect(store.revokeDue('2026-06-05T00:00:00.000Z')).toBe(1);
    expect(store.byId('crt-test000001')!.revoked).toBe(true);
    expect(store.revokedEntries()).toContainEqual({ serial: '7f00000000000000000000000000000a', revocationDate: '2026-06-05T00:00:00.000Z', reason: 'superseded' });
  });
});
