// Who sees what: a customer its own certificates, a partner exactly its customers', and another
// account's certificate answers exactly like an unknown id (no existence oracle).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { csrFor, reissuable, startTestPortal, type TestPortal } from './helpers.js';

let tp: TestPortal;
beforeAll(async () => {
  tp = await startTestPortal();
});
afterAll(async () => {
  await tp?.close();
});

async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  return e;
}

/** The raw answer, to compare status and body byte for byte. */
async function raw(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${tp.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  return { status: res.status, body: await res.text() };
}

describe('accounts over HTTP', () => {
  it("a customer cannot see, download, check, reissue or revoke another customer's certificate", async () => {
    const demo = tp.client(tp.tokens.demo);
    const other = tp.client(tp.tokens.other);
    const mine = await demo.list();
    expect(mine.total).toBeGreaterThan(0);
    const theirs = await other.list();
    expect(theirs.total).toBeGreaterThan(0);
    const demoIds = new Set(mine.items.map((c) => c.id));
    expect(theirs.items.filter((c) => demoIds.has(c.id))).toEqual([]);
    for (const c of theirs.items) expect(c.account).toBe('acme');
    for (const c of mine.items) expect(c.account).toBe('demo');
    expect((await other.list({ text: 'assecodata' })).total).toBe(0);
    // And the other way round: demo cannot see acme's certificate.
    const acmeCert = theirs.items[0]!;
    expect((await failure(demo.get(acmeCert.id))).code).toBe('not-found');
    expect((await demo.list({ text: acmeCert.commonName })).total).toBe(0);

    const target = reissuable(mine.items);
    const csr = await csrFor(target);
    const attempts = [
      () => other.get(target.id),
      () => other.get(target.serialNumber),
      () => other.download(target.id, 'pem'),
      () => other.checkCsr(target.id, csr),
      () => other.reissue(target.id, { keySource: 'csr', csr: csr }, 'steal-1'),
      () => other.revoke(target.id, 'keyCompromise'),
    ];
    for (const attempt of attempts) {
      const e = await failure(attempt());
      expect(e.code).toBe('not-found');
      expect(e.exitCode).toBe(5);
    }
    // Still untouched for its owner.
    const after = await demo.get(target.id);
    expect(after.state).toBe('valid');
    expect(after.replacedBy).toBeNull();
  });

  it('answers for a foreign id exactly as for an unknown one (same status, same body shape)', async () => {
    const target = reissuable((await tp.client(tp.tokens.demo).list()).items);
    const unknownId = `${target.id}zz`;
    for (const [path, init] of [
      ['', {}],
      ['/download?format=der', {}],
      ['/reissue', { method: 'POST', body: JSON.stringify({ csr: 'AAAA' }), headers: { 'content-type': 'application/json', 'idempotency-key': 'k' } }],
      ['/revoke', { method: 'POST', body: JSON.stringify({ reason: 'unspecified' }), headers: { 'content-type': 'application/json' } }],
    ] as const) {
      const foreign = await raw(`/v1/certificates/${target.id}${path}`, tp.tokens.other, init as RequestInit);
      const unknown = await raw(`/v1/certificates/${unknownId}${path}`, tp.tokens.other, init as RequestInit);
      expect(foreign.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(foreign.body.replaceAll(target.id, 'ID')).toBe(unknown.body.replaceAll(unknownId, 'ID'));
    }
  });

  it("a partner sees exactly its customers' certificates, and another partner none of them", async () => {
    const demo = await tp.client(tp.tokens.demo).list();
    const partner = await tp.client(tp.tokens.partner).list();
    const otherPartner = await tp.client(tp.tokens.otherPartner).list();
    const acme = await tp.client(tp.tokens.other).list();
    const ids = (items: { id: string }[]) => items.map((c) => c.id).sort();
    // Exactly: its customer demo's certificates plus its own, none of acme's (not its customer).
    const partnerCustomerIds = ids(partner.items.filter((c) => c.account !== 'demo-partner'));
    expect(partnerCustomerIds).toEqual(ids(demo.items));
    for (const c of partner.items) expect(['demo', 'demo-partner']).toContain(c.account);
    expect(partner.items.some((c) => c.account === 'demo-partner')).toBe(true);
    const acmeIds = ids(acme.items);
    expect(ids(partner.items).filter((id) => acmeIds.includes(id))).toEqual([]);
    expect(otherPartner.total).toBe(0);
    // Counts see exactly what lists see: another account's certificates are never counted.
    expect(await tp.client(tp.tokens.demo).count()).toBe(demo.total);
    expect(await tp.client(tp.tokens.partner).count()).toBe(partner.total);
    expect(await tp.client(tp.tokens.other).count()).toBe(acme.total);
    expect(await tp.client(tp.tokens.otherPartner).count()).toBe(0);
    expect(await tp.client(tp.tokens.other).count({ text: 'assecodata' })).toBe(0);
    expect(await tp.client(tp.tokens.otherPartner).count({ text: 'example' })).toBe(0);
    // The partner can act on its customer's certificate.
    const target = reissuable(demo.items);
    expect((await tp.client(tp.tokens.partner).get(target.id)).id).toBe(target.id);
    const e = await failure(tp.client(tp.tokens.otherPartner).get(target.id));
    expect(e.code).toBe('not-found');
  });
});
