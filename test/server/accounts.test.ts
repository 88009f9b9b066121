// Accounts, API tokens and who sees what: a customer its own certificates, a partner its own and
// its customers', and another account's certificate answers exactly like an unknown id.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Portal } from '../../src/portal/portal.js';
import { DEMO } from '../../src/server/seed.js';
import type { LocalPortalService } from '../../src/server/service.js';
import { makeCsr, seededService, testClock, rejection } from './helpers.js';

let service: LocalPortalService;
let dir: string;
let cleanup: () => void;

beforeEach(async () => {
  ({ service, dir, cleanup } = await seededService(testClock()));
});
afterEach(() => cleanup());


const accountsOf = async (p: Portal) => new Set((await p.list({ limit: 1000 })).items.map((c) => c.account));

describe('visibility', () => {
  it('shows a customer its own certificates and a partner its own and its customers’', async () => {
    const demo = service.forAccount(DEMO.customer);
    const partner = service.forAccount(DEMO.partner);
    const acme = service.forAccount(DEMO.otherCustomer);
    expect(await accountsOf(demo)).toEqual(new Set(['demo']));
    expect(await accountsOf(partner)).toEqual(new Set(['demo', 'demo-partner']));
    expect(await accountsOf(acme)).toEqual(new Set(['acme']));
    expect((await partner.list()).total).toBe((await demo.list()).total + 1);
    // Filters never leak either.
    expect((await acme.list({ text: 'assecodata' })).total).toBe(0);
    // Nor do counts.
    expect(await acme.count({ text: 'assecodata' })).toBe(0);
    expect(await acme.count()).toBe((await acme.list()).total);
    expect(await partner.count()).toBe((await demo.count()) + 1);
  });

  it('answers another account’s certificate exactly like an unknown id, for every operation', async () => {
    const acme = service.forAccount(DEMO.otherCustomer);
    const demo = service.forAccount(DEMO.customer);
    const theirs = (await demo.list({ text: DEMO.manualOrderId })).items[0]!;
    const csr = makeCsr(join(dir, '..'), 'x', { cn: 'assecodata.pl' }).pem;
    const attempts: [string, (id: string) => Promise<unknown>][] = [
      ['get', (id) => acme.get(id)],
      ['download', (id) => acme.download(id, 'pem')],
      ['checkCsr', (id) => acme.checkCsr(id, csr)],
      ['reissue', (id) => acme.reissue(id, { keySource: 'csr', csr: csr }, `k-${id}`)],
      ['revoke', (id) => acme.revoke(id, 'unspecified')],
    ];
    for (const [name, attempt] of attempts) {
      for (const id of [theirs.id, theirs.serialNumber]) {
        const hidden = await rejection(attempt(id));
        const unknownId = id === theirs.id ? 'crt-zzzzzzzzzz' : '7' + '0'.repeat(31);
        const unknown = await rejection(attempt(unknownId));
        expect(hidden, name).toMatchObject({ kind: 'portal', code: 'not-found' });
        expect(hidden.message.replace(id, 'ID'), name).toBe(unknown.message.replace(unknownId, 'ID'));
        expect(hidden.hint).toBe(unknown.hint);
        expect(hidden.message).toContain(id);
      }
    }
    expect((await demo.get(theirs.id)).state).toBe('valid'); // untouched
  });

  it('lets a partner reissue its customer’s certificate', async () => {
    const partner = service.forAccount(DEMO.partner);
    const c = (await partner.list({ text: DEMO.manualOrderId })).items[0]!;
    const csr = makeCsr(join(dir, '..'), 'p', { cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] }).pem;
    const { certificate } = await partner.reissue(c.id, { keySource: 'csr', csr: csr }, 'partner-1');
    expect(certificate.account).toBe('demo');
    expect((await service.forAccount(DEMO.customer).get(certificate.id)).replaces).toBe(c.id);
  });
});

describe('accounts and tokens', () => {
  it('creates customers under partners and refuses bad ones', async () => {
    await service.createAccount('reseller', 'partner');
    await service.createAccount('shop', 'customer', 'reseller');
    expect(service.sqlite!.account('shop')!.partnerId).toBe(service.sqlite!.account('reseller')!.id);
    await expect(service.createAccount('shop', 'customer')).rejects.toThrow(expect.objectContaining({ code: 'account-exists' }));
    await expect(service.createAccount('other', 'customer', 'nobody')).rejects.toThrow(expect.objectContaining({ code: 'unknown-account' }));
    await expect(service.createAccount('other', 'customer', 'demo')).rejects.toThrow(expect.objectContaining({ code: 'not-a-partner' }));
    await expect(service.createAccount('Bad Name!', 'customer')).rejects.toThrow(expect.objectContaining({ kind: 'usage', code: 'bad-account-name' }));
    await expect(service.createAccount('p2', 'partner', 'reseller')).rejects.toThrow(expect.objectContaining({ kind: 'usage' }));
    expect(() => service.forAccount('nobody')).toThrow(expect.objectContaining({ kind: 'portal', code: 'unknown-account' }));
  });

  it('gives a new account an empty portal', async () => {
    await service.createAccount('empty', 'customer');
    expect(await service.forAccount('empty').list()).toEqual({ items: [], total: 0 });
    expect(await service.forAccount('empty').pendingRevocations()).toEqual([]);
  });

  it('issues tokens that map back to their account and stores only their hash', async () => {
    const token = await service.createToken(DEMO.customer);
    const other = await service.createToken(DEMO.partner);
    expect(token).not.toBe(other);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(await service.accountForToken(token)).toBe('demo');
    expect(await service.accountForToken(other)).toBe('demo-partner');
    expect(await service.accountForToken(token.slice(0, -1))).toBeNull();
    expect(await service.accountForToken('')).toBeNull();
    const stored = service.sqlite!.db.prepare('SELECT * FROM api_tokens').all() as Record<string, unknown>[];
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    await expect(service.createToken('nobody')).rejects.toThrow(expect.objectContaining({ code: 'unknown-account' }));
  });
});
