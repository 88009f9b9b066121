// The list filter answers exactly what a case-insensitive substring match over each copy's id,
// CN, domains, order id, serial and product answers, with the same visibility, order, pages and
// totals, whichever way it is computed: filters of 1–2 characters scan the covering index, longer
// ones read the trigram index (FTS5) when it narrows them to few enough candidates (page and count
// have their own limits; trigrams most rows hold are left out when the others narrow enough), and
// scan otherwise.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { addSyntheticCertificates } from '../../src/server/bulk.js';
import { DEMO, PRODUCTS } from '../../src/server/seed.js';
import type { LocalPortalService } from '../../src/server/service.js';
import type { CertificateRecord, NewCertificate } from '../../src/server/store/records.js';
import { TRIGRAM_COUNT_LIMIT, TRIGRAM_PAGE_LIMIT, trigramQuery } from '../../src/server/store/sqlite/search.js';
import type { SqliteStore } from '../../src/server/store/sqlite/sqlite-store.js';
import { makeCsr, seededService, testClock } from './helpers.js';

const clock = testClock('2026-06-01T10:00:00Z');
let service: LocalPortalService;
let store: SqliteStore;
let dir: string;
let cleanup: () => void;
let ids: Record<string, number>;
const BULK = TRIGRAM_COUNT_LIMIT + 200;
const MIDDLE = Math.round((TRIGRAM_PAGE_LIMIT + TRIGRAM_COUNT_LIMIT) / 2);

function cert(n: number, over: Partial<NewCertificate>): NewCertificate {
  return {
    id: `crt-filter${String(n).padStart(5, '0')}`,
    serial: (0x7a000000 + n).toString(16) + '0'.repeat(24),
    orderId: `ORDER/77${String(n).padStart(8, '0')}/po`,
    accountId: ids[DEMO.customer]!,
    productId: store.ensureProduct(PRODUCTS.ssl),
    commonName: `host${n}.filter.example`,
    domains: [`host${n}.filter.example`],
    subscriber: { name: 'Anna', lastName: 'Test', email: 'anna@filter.example', verificationMethod: 'manual' },
    organization: null,
    authorizationMethod: 'manual',
    notBefore: '2026-05-01T00:00:00.000Z',
    notAfter: '2027-05-01T00:00:00.000Z',
    der: Uint8Array.of(0x30, 0x00),
    publicKeySha256: 'ab'.repeat(32),
    replaces: null,
    replacedBy: null,
    revocationDate: null,
    revoked: false,
    revocationReason: null,
    // Several copies share a second, so ties are part of what is compared.
    issuedAt: new Date(Date.parse('2026-05-20T00:00:00Z') + Math.floor(n / 3) * 1000).toISOString(),
    ...over,
  };
}

beforeAll(async () => {
  ({ service, dir, cleanup } = await seededService(clock));
  store = service.sqlite!;
  ids = Object.fromEntries([DEMO.customer, DEMO.partner, DEMO.otherCustomer].map((n) => [n, store.account(n)!.id]));
  // More copies of one name than the trigram index is used for, so every way is exercised.
  await addSyntheticCertificates(service, BULK, DEMO.customer, { batchSize: 5000 });
  store.write(() => {
    store.insertCertificate(cert(1, { commonName: 'Sklep Gdańsk', domains: ['sklep.gdańsk.example', 'www.sklep.gdańsk.example'] }));
    store.insertCertificate(cert(2, { commonName: 'GDAŃSK-Port.example', domains: ['gdańsk-port.example'], accountId: ids[DEMO.partner]! }));
    store.insertCertificate(cert(3, { commonName: 'ŻÓŁW.example', domains: ['żółw.example'], accountId: ids[DEMO.otherCustomer]! }));
    store.insertCertificate(cert(4, { commonName: 'quote"and%under_score.example', domains: [] }));
    for (let n = 10; n < 40; n++) store.insertCertificate(cert(n, {}));
    // Between the page's and the count's limits of trigram candidates.
    for (let n = 100; n < 100 + MIDDLE; n++) store.insertCertificate(cert(n, { commonName: `m${n}.middle.example`, domains: [`m${n}.middle.example`] }));
  });
});
afterAll(() => cleanup());

/** Every copy the account sees, in list order (the unfiltered list, one big page). */
function everything(account: string): CertificateRecord[] {
  const all = store.list(ids[account]!, '', 1_000_000, 0);
  expect(all.length).toBe(store.count(ids[account]!, ''));
  return all;
}

/** How many rows hold every trigram of the filter (what decides how it is answered). */
function candidates(filter: string): number {
  const match = trigramQuery(filter.toLowerCase());
  return match ? (store.db.prepare(`SELECT count(*) AS n FROM certificates_search WHERE certificates_search MATCH ?`).get(match) as { n: number }).n : -1;
}

/** The filter's meaning, computed in plain code from the records. */
function expected(account: string, filter: string, all = everything(account)): string[] {
  const text = filter.trim().toLowerCase();
  return all
    .filter((c) => [c.id, c.commonName, ...c.domains, c.orderId, c.serial, c.product.name].join(' ').toLowerCase().includes(text))
    .map((c) => c.id);
}

const FILTERS = [
  // 1 and 2 characters (scan), including non-ASCII
  'a', 'ń', 'Ń', 'ż', 'q', '7', 'gd', 'ńs', 'ŁW', '"a', '%u', 'zz',
  // 3+ characters: few candidates (trigram index) and many (scan), non-ASCII, quotes, no match
  'gdańsk', 'GDAŃSK', 'ańs', 'żółw', 'sklep.gdańsk.example', 'host1', 'filter.example', 'order/77000000',
  'b000000042', 'b000004', 'b00000', 'middle', 'm31', 'middle.example', 'bulk.example', '.example', 'trusted ssl', 'assecodata', 'quote"and', '%under_', 'no-such-name', 'ańx',
];

describe('the list filter', () => {
  it('is exercised in every way: scan, trigram page and count, scanned page with trigram count, both scanned', () => {
    const ways = new Set(
      FILTERS.map((f) => {
        const n = candidates(f);
        return n < 0 ? 'scan' : n <= TRIGRAM_PAGE_LIMIT ? 'trigrams' : n <= TRIGRAM_COUNT_LIMIT ? 'scanned page, trigram count' : 'both scanned';
      }),
    );
    expect([...ways].sort()).toEqual(['both scanned', 'scan', 'scanned page, trigram count', 'trigrams']);
  });

  it.each([DEMO.customer, DEMO.partner, DEMO.otherCustomer])('finds for %s exactly the copies that contain the text, in list order, with exact totals', (account) => {
    const all = everything(account);
    for (const filter of FILTERS) {
      const want = expected(account, filter, all);
      const text = filter.toLowerCase();
      const got = store.list(ids[account]!, text, 1_000_000, 0).map((c) => c.id);
      expect({ filter, got }).toEqual({ filter, got: want });
      expect({ filter, total: store.count(ids[account]!, text) }).toEqual({ filter, total: want.length });
    }
  });

  it('pages through a filtered list without gaps or repeats, for short and long filters', async () => {
    const demo = service.forAccount(DEMO.customer);
    for (const filter of ['ń', 'b0', 'b000004', 'middle', 'host3', 'gdańsk']) {
      const want = expected(DEMO.customer, filter);
      const seen: string[] = [];
      for (let offset = 0; offset < want.length + 7; offset += 97) {
        const page = await demo.list({ text: filter, limit: 97, offset });
        expect(page.total).toBe(want.length);
        seen.push(...page.items.map((c) => c.id));
      }
      expect({ filter, seen }).toEqual({ filter, seen: want });
    }
  });

  it('shows a partner its customers’ matches, and a customer neither its partner’s nor another customer’s', async () => {
    const partner = await service.forAccount(DEMO.partner).list({ text: 'Gdańsk' });
    expect(partner.items.map((c) => c.commonName).sort()).toEqual(['GDAŃSK-Port.example', 'Sklep Gdańsk']);
    expect(partner.total).toBe(2);
    expect((await service.forAccount(DEMO.customer).list({ text: 'gdańsk' })).items.map((c) => c.commonName)).toEqual(['Sklep Gdańsk']);
    expect((await service.forAccount(DEMO.customer).list({ text: 'żółw' })).total).toBe(0);
    expect((await service.forAccount(DEMO.otherCustomer).list({ text: 'żółw' })).items.map((c) => c.id)).toEqual(['crt-filter00003']);
  });

  it('answers a filter of 3+ characters from the trigram index', () => {
    const demo = ids[DEMO.customer]!;
    expect(store.list(demo, 'gdańsk', 10, 0).map((c) => c.id)).toEqual(['crt-filter00001']);
    store.write(() => store.db.prepare(`INSERT INTO certificates_search (certificates_search) VALUES ('delete-all')`).run());
    try {
      // With the index emptied, only filters too short for it still find the copy.
      expect(store.list(demo, 'gdańsk', 10, 0)).toEqual([]);
      expect(store.list(demo, 'ń', 10, 0).map((c) => c.id)).toEqual(['crt-filter00001']);
    } finally {
      store.write(() => store.db.prepare(`INSERT INTO certificates_search (certificates_search) VALUES ('rebuild')`).run());
    }
    expect(store.list(demo, 'gdańsk', 10, 0).map((c) => c.id)).toEqual(['crt-filter00001']);
  });

  it('leaves out the trigrams most rows hold when the others narrow enough, with the same answers', () => {
    const demo = ids[DEMO.customer]!;
    const pages = (store as unknown as { search: { s: { own: { matchingTrigrams: { all: (p: { match: string }) => unknown[] } } } } }).search.s.own.matchingTrigrams;
    const all = vi.spyOn(pages, 'all');
    try {
      // "b00" and "000" are in every bulk copy's name, "mid" and "dle" in every middle one's;
      // the other trigrams narrow to a few hundred copies.
      for (const [filter, common] of [['b0000042', '"b00"'], ['m31.middle', '"mid"']] as const) {
        all.mockClear();
        expect({ filter, got: store.list(demo, filter, 1_000_000, 0).map((c) => c.id) }).toEqual({ filter, got: expected(DEMO.customer, filter) });
        const match = all.mock.calls[0]![0].match;
        expect(match).not.toContain(common);
        expect(match.split(' AND ').length).toBeLessThan(trigramQuery(filter)!.split(' AND ').length);
        expect(store.count(demo, filter)).toBe(expected(DEMO.customer, filter).length);
      }
    } finally {
      all.mockRestore();
    }
  });

  it('builds trigram queries by code point, quoted, at most 16 of them', () => {
    expect(trigramQuery('ab')).toBeNull();
    expect(trigramQuery('gdańsk')).toBe('"gda" AND "dań" AND "ańs" AND "ńsk"');
    expect(trigramQuery('a"bc')).toBe('"a""b" AND """bc"');
    expect(trigramQuery('😀😀😀')).toBe('"😀😀😀"');
    expect(trigramQuery('x'.repeat(100))).toBe('"xxx"');
    expect(trigramQuery('abcdefghijklmnopqrstuvwxyz')!.split(' AND ')).toHaveLength(16);
  });

  it('counts nothing twice: a first page shorter than the limit is the total', async () => {
    const demo = service.forAccount(DEMO.customer);
    const count = vi.spyOn(store, 'count');
    try {
      expect((await demo.list({ text: 'gdańsk' })).total).toBe(1);
      expect(count).not.toHaveBeenCalled();
      expect((await demo.list({ text: 'gdańsk', offset: 1 })).total).toBe(1); // offset past the end: counted
      expect((await demo.list({ text: 'bulk.example', limit: 10 })).total).toBe(BULK);
      expect(count).toHaveBeenCalledTimes(2);
    } finally {
      count.mockRestore();
    }
  });
});

describe('rows first, count later (the wizard)', () => {
  it('count() is the total list() would give, for every account and filter, and counts only what the account sees', async () => {
    for (const account of [DEMO.customer, DEMO.partner, DEMO.otherCustomer]) {
      const portal = service.forAccount(account);
      const all = everything(account);
      for (const filter of ['', 'ń', 'gd', 'Gdańsk', 'żółw', 'b000004', 'middle', 'bulk.example', 'no-such-name', ' GDAŃSK ']) {
        expect({ account, filter, n: await portal.count({ text: filter }) }).toEqual({ account, filter, n: expected(account, filter, all).length });
      }
    }
    // Another account's certificates are never counted: demo's 10,000+ bulk copies are not acme's.
    expect(await service.forAccount(DEMO.otherCustomer).count({ text: 'bulk.example' })).toBe(0);
    expect(await service.forAccount(DEMO.customer).count({ text: 'żółw' })).toBe(0);
    expect(await service.forAccount(DEMO.otherCustomer).count({ text: 'żółw' })).toBe(1);
    expect(await service.forAccount(DEMO.partner).count({ text: 'gdańsk' })).toBe(2);
    expect(await service.forAccount(DEMO.customer).count()).toBe(everything(DEMO.customer).length);
  });

  it('withTotal: false skips the count: the same rows, a lower bound that is exact when the page ends the list', async () => {
    const demo = service.forAccount(DEMO.customer);
    const want = expected(DEMO.customer, 'middle');
    const count = vi.spyOn(store, 'count');
    try {
      const full = await demo.list({ text: 'b0', limit: 20 });
      count.mockClear();
      const rows = await demo.list({ text: 'b0', limit: 20, withTotal: false });
      expect(rows.items.map((c) => c.id)).toEqual(full.items.map((c) => c.id));
      expect(rows.total).toBe(20);
      expect((await demo.list({ text: 'b0', limit: 20, offset: 40, withTotal: false })).total).toBe(60);
      const last = await demo.list({ text: 'middle', limit: 100, offset: want.length - 30, withTotal: false });
      expect(last.total).toBe(want.length);
      expect(last.items).toHaveLength(30);
      expect((await demo.list({ text: 'middle', offset: want.length + 5, withTotal: false })).total).toBe(0);
      expect((await demo.list({ text: 'gdańsk', withTotal: false })).total).toBe(1);
      expect(count).not.toHaveBeenCalled();
    } finally {
      count.mockRestore();
    }
  });
});

describe('the trigram index', () => {
  function inStep(): void {
    // For an external-content table, 'integrity-check' with rank 1 compares the index with certificates.
    expect(() => store.db.prepare(`INSERT INTO certificates_search (certificates_search, rank) VALUES ('integrity-check', 1)`).run()).not.toThrow();
  }

  it('stays in step with the certificates after reissue, revoke and a change of the search text', async () => {
    inStep();
    const demo = service.forAccount(DEMO.customer);
    const old = (await demo.list({ text: 'sklep.assecodata.pl' })).items.find((c) => !c.replacedBy)!;
    const { certificate } = await demo.reissue(old.id, { keySource: 'csr', csr: makeCsr(join(dir, '..'), 'filter', { cn: old.commonName, sans: old.domains }).pem }, 'filter-test');
    inStep();
    // The new copy is found by its own id and serial (only the new row has them) through the index.
    expect((await demo.list({ text: certificate.id })).items.map((c) => c.id)).toEqual([certificate.id]);
    expect((await demo.list({ text: certificate.serialNumber.slice(3, 20) })).items.map((c) => c.id)).toEqual([certificate.id]);
    expect((await demo.list({ text: 'sklep.assecodata.pl' })).items.map((c) => c.id)).toEqual(expected(DEMO.customer, 'sklep.assecodata.pl'));

    await demo.revoke(certificate.id, 'keyCompromise');
    inStep();
    expect((await demo.list({ text: certificate.id })).items.map((c) => [c.id, c.state])).toEqual([[certificate.id, 'revoked']]);

    // The application never rewrites search, but if anything does, the index follows.
    store.write(() => store.db.prepare(`UPDATE certificates SET search = search || ' renamed-xyz' WHERE id = ?`).run('crt-filter00001'));
    inStep();
    expect(store.list(ids[DEMO.customer]!, 'renamed-xyz', 10, 0).map((c) => c.id)).toEqual(['crt-filter00001']);
    store.write(() => store.db.prepare(`UPDATE certificates SET search = replace(search, ' renamed-xyz', '') WHERE id = ?`).run('crt-filter00001'));
    inStep();
    expect(store.list(ids[DEMO.customer]!, 'renamed-xyz', 10, 0)).toEqual([]);
  });
});

describe('query plans', () => {
  function plan(sql: string): string {
    return (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ viewer: 1, text: 'x', match: '"abc"', limit: 50, offset: 0 }) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
  }
  const statements = () => (store as unknown as { search: { s: Record<string, Record<string, { source: string }>> } }).search.s;

  it("serve a customer's page, filtered or not, from the covering index in list order, without sorting", () => {
    for (const name of ['all', 'matching']) {
      const p = plan(statements().own![name]!.source);
      const pageStep = p.slice(0, p.indexOf('SCAN page'));
      expect(pageStep).toContain('USING COVERING INDEX certificates_by_account (account_id=?)');
      expect(pageStep).not.toContain('TEMP B-TREE');
    }
    expect(plan(statements().own!.count!.source)).toContain('COVERING INDEX certificates_by_account_only (account_id=?)');
    expect(plan(statements().own!.matchingTrigrams!.source)).toContain('VIRTUAL TABLE INDEX 0:M');
  });
});
