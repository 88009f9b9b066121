// The store's contract: one suite, run against every driver (as smallstep's nosql dbtest suite).
// It uses only the PortalStore interface; the concurrent cases run each instance in its own
// worker thread with its own connection, started at one moment by a shared signal.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewCertificate } from '../../../src/server/store/records.js';
import type { AsyncPortalStore as PortalStore } from '../../../src/server/store/store.js';
import { bundleForTest } from '../../helpers/bundle.js';
import { tempDir } from '../helpers.js';
import { DRIVERS, type DriverName } from './drivers.js';
import { claimDue, DAY_MS, queueReminders, reissue, type Job, type ReissueJob, type ReissueOutcome } from './jobs.js';

export interface ContractDriver {
  name: DriverName;
  /** A location for a new, empty database (created and migrated when first opened). */
  fresh(): Promise<{ location: string; remove(): Promise<void> | void }>;
}

const NOW = '2026-06-01T10:00:00.000Z';
const at = (days: number) => new Date(Date.parse(NOW) + days * DAY_MS).toISOString();
const INSTANCES = 6;

export function storeContract(driver: ContractDriver): void {
  describe(`the store contract on ${driver.name}`, () => {
    let tmp: ReturnType<typeof tempDir>;
    let workerFile: string;
    let db: { location: string; remove(): Promise<void> | void };
    let store: PortalStore;
    let ids: { customer: number; partner: number; partnerCustomer: number; product: number };

    beforeAll(async () => {
      tmp = tempDir('reissue-store-contract-');
      workerFile = join(tmp.path, 'store-worker.mjs');
      await bundleForTest({ entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))], outfile: workerFile });
    });
    afterAll(() => tmp?.remove());

    beforeEach(async () => {
      db = await driver.fresh();
      store = await DRIVERS[driver.name](db.location);
      ids = await seed(store);
    });
    afterEach(async () => {
      await store.close();
      await db.remove();
    });

    /** Runs `jobs` at once, each in its own instance; their answers in order. */
    async function together(jobs: Job[], location = db.location): Promise<unknown[]> {
      const start = new SharedArrayBuffer(4);
      const workers = jobs.map((job) => new Worker(workerFile, { workerData: { driver: driver.name, location, job, start } }));
      const answers = workers.map(
        (w) =>
          new Promise<{ ready?: true; result?: unknown; error?: string }[]>((resolve, reject) => {
            const messages: { ready?: true; result?: unknown; error?: string }[] = [];
            w.on('message', (m: { ready?: true }) => messages.push(m));
            w.on('error', reject);
            w.on('exit', () => resolve(messages));
          }),
      );
      const ready = workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve())));
      await Promise.all(ready);
      const flag = new Int32Array(start);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      return (await Promise.all(answers)).map((messages) => {
        const last = messages.at(-1)!;
        if (last.error) throw new Error(last.error);
        return last.result;
      });
    }

    function cert(n: number, over: Partial<NewCertificate> = {}): NewCertificate {
      const host = `host-${String(n).padStart(3, '0')}.example`;
      return {
        id: `crt-contract${String(n).padStart(3, '0')}`,
        serial: (0x5c000000 + n).toString(16) + '0'.repeat(24),
        orderId: `ORDER/55${String(n).padStart(8, '0')}/po`,
        accountId: ids.customer,
        productId: ids.product,
        commonName: host,
        domains: [host, `www.${host}`],
        subscriber: { name: 'Anna', lastName: 'Kontrakt', email: `anna@${host}`, verificationMethod: 'manual' },
        organization: null,
        authorizationMethod: 'e-mail',
        notBefore: at(-30),
        notAfter: at(300),
        der: new Uint8Array([0x30, 0x03, 0x02, 0x01, n & 0x7f]),
        publicKeySha256: 'pk'.padEnd(64, String(n % 10)),
        replaces: null,
        replacedBy: null,
        revocationDate: null,
        revoked: false,
        revocationReason: null,
        // One second apart: newest first is the reverse of n.
        issuedAt: new Date(Date.parse(at(-30)) + n * 1000).toISOString(),
        ...over,
      };
    }

    function seed(s: PortalStore) {
      return s.write(async () => {
        const partner = await s.insertAccount('contract-partner', 'partner', null, NOW);
        const partnerCustomer = await s.insertAccount('contract-partner-customer', 'customer', partner, NOW);
        const customer = await s.insertAccount('contract-customer', 'customer', null, NOW);
        const product = await s.ensureProduct({ name: 'Contract SSL', category: 'ssl', keySources: ['csr', 'card'], algorithms: ['ec-p256', 'rsa-2048'] });
        return { customer, partner, partnerCustomer, product };
      });
    }

    const reissueJob = (n: number, over: Partial<ReissueJob> = {}): ReissueJob => ({
      accountId: ids.customer,
      key: `key-${n}`,
      oldId: cert(1).id,
      newId: `crt-new${String(n).padStart(4, '0')}`,
      serial: (0x6d000000 + n).toString(16) + '0'.repeat(24),
      at: NOW,
      ...over,
    });
    const count = () => store.count(ids.customer, '');
    const insertAll = (...ns: number[]) =>
      store.write(async () => {
        for (const n of ns) await store.insertCertificate(cert(n));
      });

    describe('accounts, tokens, meta', () => {
      it('reads back accounts, tokens and named values; a name is taken once', async () => {
        expect(await store.account('contract-partner-customer')).toEqual({ id: ids.partnerCustomer, name: 'contract-partner-customer', role: 'customer', partnerId: ids.partner });
        expect(await store.account('nobody')).toBeNull();
        expect(await store.accountNames()).toEqual(['contract-customer', 'contract-partner', 'contract-partner-customer']);
        await expect(store.insertAccount('contract-customer', 'customer', null, NOW)).rejects.toThrow();
        await store.insertToken('a'.repeat(64), ids.customer, NOW);
        expect(await store.accountForTokenHash('a'.repeat(64))).toBe('contract-customer');
        expect(await store.accountForTokenHash('b'.repeat(64))).toBeNull();
        expect(await store.getMeta('x')).toBeNull();
        await store.setMeta('x', '1');
        await store.setMeta('x', '2');
        expect(await store.getMeta('x')).toBe('2');
        expect(await store.ensureProduct({ name: 'Contract SSL', category: 'ssl', keySources: ['csr'], algorithms: ['ec-p256'] })).toBe(ids.product);
      });

      it('clearExceptAccounts keeps the named accounts with their ids and tokens, and nothing else', async () => {
        await store.insertToken('c'.repeat(64), ids.customer, NOW);
        await store.insertToken('d'.repeat(64), ids.partner, NOW);
        await store.insertCertificate(cert(1));
        expect(await reissue(store, reissueJob(1))).toMatchObject({ outcome: 'issued' });
        await store.write(async () => store.clearExceptAccounts(['contract-customer']));
        expect(await store.accountNames()).toEqual(['contract-customer']);
        expect((await store.account('contract-customer'))!.id).toBe(ids.customer);
        expect(await store.accountForTokenHash('c'.repeat(64))).toBe('contract-customer');
        expect(await store.accountForTokenHash('d'.repeat(64))).toBeNull();
        expect(await count()).toBe(0);
        expect(await store.idempotency(ids.customer, 'key-1')).toBeNull();
        expect(await store.unsentDue(at(1))).toEqual([]);
      });
    });

    describe('write()', () => {
      it('returns what fn returns, and all of fn or none of it', async () => {
        expect(await store.write(async () => 42)).toBe(42);
        await expect(
          store.write(async () => {
            await store.insertCertificate(cert(1));
            await store.setMeta('half', 'done');
            throw new Error('stop');
          }),
        ).rejects.toThrow('stop');
        expect(await store.byId(cert(1).id)).toBeNull();
        expect(await store.getMeta('half')).toBeNull();
      });

      it('a nested write joins the outer one: its rollback takes the inner writes too', async () => {
        await expect(
          store.write(async () => {
            await store.write(async () => store.setMeta('inner', 'yes'));
            throw new Error('outer fails');
          }),
        ).rejects.toThrow('outer fails');
        expect(await store.getMeta('inner')).toBeNull();
      });
    });

    describe('certificates and reissues', () => {
      beforeEach(() => insertAll(1, 2, 3));

      it('reads a copy back as it was stored, by id, and by id or serial for a viewer who may see it', async () => {
        const c = cert(2, { cardEvidence: { serial: 'CARD1', token: 't', manufacturer: 'm', model: 'x', module: 'softhsm', keyId: '01' }, keySource: 'card' });
        await store.insertCertificate({ ...c, id: 'crt-contract900', serial: 'ab'.repeat(16) });
        const back = (await store.byId('crt-contract900'))!;
        expect(back).toMatchObject({ ...c, id: 'crt-contract900', serial: 'ab'.repeat(16), account: 'contract-customer', downloadedAt: null, cloudKey: null });
        expect(back.product.name).toBe('Contract SSL');
        expect((await store.visible(ids.customer, 'nothing', 'ab'.repeat(16)))!.id).toBe('crt-contract900');
        expect(await store.visible(ids.partner, 'crt-contract900', '')).toBeNull();
        await store.markDownloaded('crt-contract900', at(1));
        await store.markDownloaded('crt-contract900', at(2));
        expect((await store.byId('crt-contract900'))!.downloadedAt).toBe(at(1));
      });

      it('a reissue links the copies, schedules the revocation, records the key and queues one e-mail', async () => {
        expect(await reissue(store, reissueJob(1))).toEqual({ outcome: 'issued', newId: 'crt-new0001' });
        const old = (await store.byId(cert(1).id))!;
        expect(old).toMatchObject({ replacedBy: 'crt-new0001', revocationDate: at(14), revocationReason: 'superseded', revoked: false });
        expect((await store.byId('crt-new0001'))!.replaces).toBe(old.id);
        expect(await store.newestCopyOfOrder(old.orderId)).toBe('crt-new0001');
        expect((await store.newestSuccessor(old.id))!.id).toBe('crt-new0001');
        expect((await store.copyChain('crt-new0001')).map((c) => c.id)).toEqual(['crt-new0001', old.id]);
        expect((await store.emailsAbout('crt-new0001')).map((e) => e.kind)).toEqual(['certificate-issued']);
        // The old copy cannot be linked again.
        expect(await store.markReplaced(old.id, cert(2).id, at(14))).toBe(false);
      });

      it('a retry with the same key answers the first copy; another copy is refused with already-replaced', async () => {
        expect(await reissue(store, reissueJob(1))).toEqual({ outcome: 'issued', newId: 'crt-new0001' });
        expect(await reissue(store, reissueJob(2, { key: 'key-1' }))).toEqual({ outcome: 'replay', newId: 'crt-new0001' });
        expect(await reissue(store, reissueJob(3))).toEqual({ code: 'already-replaced' });
        expect(await count()).toBe(4);
      });

      it('a reissue that fails midway leaves nothing: no copy, no link, no key, no e-mail', async () => {
        expect(await reissue(store, reissueJob(1, { failAfterInsert: true }))).toEqual({ error: 'disk on fire' });
        expect(await store.byId('crt-new0001')).toBeNull();
        expect((await store.byId(cert(1).id))!.replacedBy).toBeNull();
        expect(await store.idempotency(ids.customer, 'key-1')).toBeNull();
        expect(await store.emailsAbout(cert(1).id)).toEqual([]);
        expect(await reissue(store, reissueJob(1))).toEqual({ outcome: 'issued', newId: 'crt-new0001' });
      });

      it('card keys: the first copy recorded for a card serial + key id wins', async () => {
        expect(await store.cardKey('CARD1', '01')).toBeNull();
        expect(await store.recordCardKey('CARD1', '01', 'sha-a', cert(1).id, NOW)).toEqual({ publicKeySha256: 'sha-a', certificateId: cert(1).id });
        expect(await store.recordCardKey('CARD1', '01', 'sha-b', cert(2).id, NOW)).toEqual({ publicKeySha256: 'sha-a', certificateId: cert(1).id });
        expect((await store.recordCardKey('CARD1', '02', 'sha-b', cert(2).id, NOW)).publicKeySha256).toBe('sha-b');
      });

      it(`${INSTANCES} instances reissuing one copy at once: one wins, the others get already-replaced, nothing else is written`, async () => {
        const outcomes = (await together(Array.from({ length: INSTANCES }, (_, i) => ({ kind: 'reissue', job: reissueJob(i + 1, { holdMs: 40 }) }) as Job))) as ReissueOutcome[];
        const issued = outcomes.filter((o) => 'outcome' in o && o.outcome === 'issued');
        expect(issued).toHaveLength(1);
        expect(outcomes.filter((o) => !('outcome' in o))).toEqual(Array(INSTANCES - 1).fill({ code: 'already-replaced' }));
        const winner = (issued[0] as { newId: string }).newId;
        expect((await store.byId(cert(1).id))!.replacedBy).toBe(winner);
        expect(await count()).toBe(4);
        expect(await store.emailsAbout(winner)).toHaveLength(1);
      });

      it(`${INSTANCES} instances retrying one request (one idempotency key) at once: one copy, every answer names it`, async () => {
        const outcomes = (await together(Array.from({ length: INSTANCES }, (_, i) => ({ kind: 'reissue', job: reissueJob(i + 1, { key: 'same', holdMs: 20 }) }) as Job))) as ReissueOutcome[];
        const newIds = new Set(outcomes.map((o) => ('newId' in o ? o.newId : JSON.stringify(o))));
        expect(newIds.size).toBe(1);
        expect(outcomes.filter((o) => 'outcome' in o && o.outcome === 'issued')).toHaveLength(1);
        expect(await count()).toBe(4);
      });
    });

    describe('revocations and e-mails', () => {
      // Copies 1–4 reissued today (revocation in 14 days), copy 5 not.
      beforeEach(async () => {
        await insertAll(1, 2, 3, 4, 5);
        for (const n of [1, 2, 3, 4]) expect(await reissue(store, reissueJob(n, { oldId: cert(n).id }))).toMatchObject({ outcome: 'issued' });
      });

      it('revoke now once; scheduled revocations when their date comes, once; the CRL entries and the pending list', async () => {
        expect(await store.revokeNow(cert(5).id, NOW, 'keyCompromise')).toBe(true);
        expect(await store.revokeNow(cert(5).id, at(1), 'unspecified')).toBe(false);
        expect((await store.pending(ids.customer, NOW)).map((c) => c.id)).toEqual([1, 2, 3, 4].map((n) => cert(n).id));
        expect(await store.pending(ids.partner, NOW)).toEqual([]);
        expect(await store.revokeDue(at(13))).toBe(0);
        expect(await store.revokeDue(at(14))).toBe(4);
        expect(await store.revokeDue(at(15))).toBe(0);
        expect(await store.pending(ids.customer, at(14))).toEqual([]);
        expect(await store.revokedEntries()).toEqual([
          { serial: cert(5).serial, revocationDate: NOW, reason: 'keyCompromise' },
          ...[1, 2, 3, 4].map((n) => ({ serial: cert(n).serial, revocationDate: at(14), reason: 'superseded' })).sort((a, b) => a.serial.localeCompare(b.serial)),
        ]);
      });

      it(`${INSTANCES} instances reaching the revocation date at once: each revocation carried out once`, async () => {
        const done = (await together(Array.from({ length: INSTANCES }, () => ({ kind: 'revoke-due', now: at(15) }) as Job))) as number[];
        expect(done.reduce((a, b) => a + b, 0)).toBe(4);
        expect(await store.revokedEntries()).toHaveLength(4);
      });

      it('an e-mail is queued once per kind and copy; a claimed one is not claimed again; sent is final', async () => {
        const message = { date: NOW, to: 'x@example.com', subject: 's', text: 't', attachments: [] };
        expect(await store.insertEmail({ kind: 'certificate-issued', certificateId: 'crt-new0001', relatedId: null, message, createdAt: NOW, nextAttemptAt: NOW })).toBe(false);
        const due = await store.unsentDue(NOW);
        expect(due).toHaveLength(4);
        expect(await store.nextUnsentAt()).toBe(NOW);
        const [first] = due;
        expect(await store.claimEmail(first!.id, NOW, at(1))).toBe(true);
        expect(await store.claimEmail(first!.id, NOW, at(1))).toBe(false);
        await store.emailFailed(first!.id, 'connection refused', at(2));
        expect((await store.emailsAbout(first!.certificateId))[0]).toMatchObject({ attempts: 1, lastError: 'connection refused', status: 'pending' });
        await store.emailSent(first!.id, at(2), 'x@example.com');
        await store.emailFailed(first!.id, 'late failure', at(3));
        expect((await store.emailsAbout(first!.certificateId))[0]).toMatchObject({ attempts: 2, status: 'sent', sentAt: at(2), lastError: null, deliveredTo: 'x@example.com' });
        expect((await store.unsentDue(at(5))).map((e) => e.id)).not.toContain(first!.id);
      });

      it(`${INSTANCES} instances looking for due reminders and claiming e-mails at once: each reminder queued once, each e-mail claimed once`, async () => {
        const queued = (await together(Array.from({ length: INSTANCES }, () => ({ kind: 'remind', now: at(12), days: 3 }) as Job))) as number[];
        expect(queued.reduce((a, b) => a + b, 0)).toBe(4);
        expect(await queueReminders(store, at(12), 3)).toBe(0);
        for (const n of [1, 2, 3, 4]) expect((await store.emailsAbout(cert(n).id)).filter((e) => e.kind === 'revocation-reminder')).toHaveLength(1);
        const claimed = ((await together(Array.from({ length: INSTANCES }, () => ({ kind: 'claim', now: at(12) }) as Job))) as number[][]).flat();
        expect(claimed).toHaveLength(8); // 4 "issued" + 4 reminders
        expect(new Set(claimed).size).toBe(8);
        expect(await claimDue(store, at(12))).toEqual([]);
      });
    });

    describe('counters and migrations', () => {
      it('advance() answers the value before and starts at start', async () => {
        expect(await store.advance('c', 5, 1)).toBe(1);
        expect(await store.advance('c', 1, 1)).toBe(6);
        expect(await store.getMeta('c')).toBe('7');
      });

      it(`${INSTANCES} instances advancing one counter at once: every number handed out once`, async () => {
        const values = ((await together(Array.from({ length: INSTANCES }, () => ({ kind: 'advance', key: 'n', times: 50 }) as Job))) as number[][]).flat();
        expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: INSTANCES * 50 }, (_, i) => i));
      });

      it(`${INSTANCES} instances opening one new database at once: the schema is made once and each instance works`, async () => {
        const other = await driver.fresh();
        try {
          const before = (await together(Array.from({ length: INSTANCES }, () => ({ kind: 'open' }) as Job), other.location)) as number[];
          expect(before.sort()).toEqual([0, 1, 2, 3, 4, 5]);
        } finally {
          await other.remove();
        }
      });
    });

    describe('the list filter', () => {
      beforeEach(async () =>
        await store.write(async () => {
          for (let n = 1; n <= 30; n++) await store.insertCertificate(cert(n));
          await store.insertCertificate(cert(31, { commonName: 'Łódź-Żółw.example', domains: ['łódź-żółw.example'], accountId: ids.partnerCustomer }));
          await store.insertCertificate(cert(32, { commonName: 'partner-own.example', domains: ['partner-own.example'], accountId: ids.partner }));
        }),
      );
      const listed = async (viewer: number, text: string, limit = 100, offset = 0) => (await store.list(viewer, text, limit, offset)).map((c) => c.id);
      const ids_ = (...ns: number[]) => ns.map((n) => cert(n).id);

      it('shows a customer its own copies, a partner its own and its customers’, newest first, with exact counts', async () => {
        expect(await listed(ids.customer, '')).toEqual(ids_(...Array.from({ length: 30 }, (_, i) => 30 - i)));
        expect(await store.count(ids.customer, '')).toBe(30);
        expect(await listed(ids.partner, '')).toEqual(ids_(32, 31));
        expect(await listed(ids.partnerCustomer, '')).toEqual(ids_(31));
        expect(await store.visible(ids.customer, cert(31).id, '')).toBeNull();
        expect((await store.visible(ids.partner, cert(31).id, ''))!.id).toBe(cert(31).id);
      });

      it('pages without gaps or repeats', async () => {
        const pages = (await Promise.all([0, 7, 14, 21, 28].map((offset) => listed(ids.customer, '', 7, offset)))).flat();
        expect(pages).toEqual(await listed(ids.customer, ''));
      });

      it('filters on id, name, domain, order, serial and product, in any case the caller lower-cased, short or long', async () => {
        expect(await listed(ids.customer, 'host-007')).toEqual(ids_(7));
        expect(await listed(ids.customer, 'www.host-012.example')).toEqual(ids_(12));
        expect(await listed(ids.customer, cert(9).orderId.toLowerCase())).toEqual(ids_(9));
        expect(await listed(ids.customer, cert(21).serial)).toEqual(ids_(21));
        expect(await listed(ids.customer, cert(3).id)).toEqual(ids_(3));
        expect(await store.count(ids.customer, 'contract ssl')).toBe(30);
        expect(await listed(ids.customer, '1')).toEqual(ids_(...Array.from({ length: 30 }, (_, i) => 30 - i).filter((n) => cert(n).id.includes('1') || cert(n).serial.includes('1') || cert(n).orderId.includes('1'))));
        expect(await listed(ids.partner, 'łódź-żółw')).toEqual(ids_(31));
        expect(await listed(ids.customer, 'łódź')).toEqual([]);
        expect(await store.count(ids.customer, 'host-02')).toBe(10);
        expect(await listed(ids.customer, 'host-02', 3, 3)).toEqual(ids_(26, 25, 24));
        expect(await listed(ids.customer, 'no-such-thing')).toEqual([]);
        expect(await store.count(ids.customer, 'no-such-thing')).toBe(0);
      });
    });
  });
}
