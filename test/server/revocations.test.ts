import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import type { Certificate } from '../../src/domain/types.js';
import { CRL_PERIOD_MS, crlPeriodAt, startRevocationTimer } from '../../src/server/revocations.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService, type LocalPortalService } from '../../src/server/service.js';
import { openssl } from '../helpers/openssl.js';
import { DAY_MS, makeCsr, seededService, testClock, writeTemp, type TestClock } from './helpers.js';

let clock: TestClock;
let service: LocalPortalService;
let dir: string;
let cleanup: () => void;

beforeEach(async () => {
  clock = testClock('2026-06-01T10:00:00Z');
  ({ service, dir, cleanup } = await seededService(clock));
});
afterEach(() => cleanup());

function crlText(bytes: Uint8Array, name: string): string {
  return openssl(['crl', '-inform', 'DER', '-in', writeTemp(join(dir, '..'), name, bytes), '-noout', '-text']);
}

/** The CRL entry for a serial: its date and reason as openssl prints them, or null. */
function crlEntry(text: string, serial: string): { date: Date; reason: string } | null {
  const m = new RegExp(`Serial Number: ${serial.toUpperCase()}\\s+Revocation Date: ([^\\n]+)\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+([^\\n]+)`).exec(text);
  return m ? { date: new Date(m[1]!), reason: m[2]!.trim() } : null;
}

async function reissueManualExample(): Promise<{ old: Certificate; issued: Certificate }> {
  const demo = service.forAccount(DEMO.customer);
  const old = (await demo.list({ text: DEMO.manualOrderId })).items[0]!;
  const csr = makeCsr(join(dir, '..'), 'r', { cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });
  const { certificate } = await demo.reissue(old.id, { keySource: 'csr', csr: csr.pem }, 'rev-1');
  return { old, issued: certificate };
}

describe('the revocation schedule', () => {
  it('keeps the old copy valid until its date, then revokes it (superseded) and lists it in the CRL', async () => {
    const demo = service.forAccount(DEMO.customer);
    const issuedAt = clock.now();
    const { old } = await reissueManualExample();
    const due = new Date(issuedAt.getTime() + 14 * DAY_MS);

    clock.set(new Date(due.getTime() - 1000));
    expect((await demo.get(old.id)).state).toBe('pending-revocation');
    expect((await demo.pendingRevocations()).find((p) => p.id === old.id)?.daysLeft).toBe(1);
    expect(crlEntry(crlText(await demo.crl(), 'before.crl'), old.serialNumber)).toBeNull();

    clock.set(due);
    expect(await demo.get(old.id)).toMatchObject({ state: 'revoked', revocationReason: 'superseded', revocationDate: due.toISOString() });
    expect((await demo.pendingRevocations()).map((p) => p.id)).not.toContain(old.id);
    expect((await demo.list({ text: DEMO.manualOrderId })).items.find((c) => c.id === old.id)?.state).toBe('revoked');
    expect(service.sqlite!.byId(old.id)!.revoked).toBe(true);
    const entry = crlEntry(crlText(await demo.crl(), 'after.crl'), old.serialNumber);
    expect(entry).toEqual({ date: due, reason: 'Superseded' });
  });

  it('carries out revocations that fell due while the portal was closed, on open, and keeps them after a restart', async () => {
    const { old } = await reissueManualExample();
    service.close();

    const later = testClock(new Date(clock.now().getTime() + 20 * DAY_MS));
    const reopened = await openPortalService({ dataDir: dir, clock: later });
    try {
      // Written by the open itself, before anything is read.
      expect(reopened.sqlite!.byId(old.id)!.revoked).toBe(true);
    } finally {
      reopened.close();
    }
    // Even with the clock moved back, a revocation that happened stays in the CRL.
    const again = await openPortalService({ dataDir: dir, clock: testClock(clock.now()) });
    try {
      const portal = again.forAccount(DEMO.customer);
      expect((await portal.get(old.id)).state).toBe('revoked');
      expect(crlEntry(crlText(await portal.crl(), 'restart.crl'), old.serialNumber)?.reason).toBe('Superseded');
    } finally {
      again.close();
    }
  });

  it('revokes the seeded pending copy 11 days from the seeding, through runDueRevocations', async () => {
    const demo = service.forAccount(DEMO.customer);
    const pending = await demo.pendingRevocations();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ orderId: DEMO.reissuedOrderId, daysLeft: 11 });
    expect(await service.runDueRevocations()).toBe(0);
    clock.advanceDays(11);
    expect(await service.runDueRevocations()).toBe(1);
    expect(await service.runDueRevocations()).toBe(0);
    expect(service.sqlite!.byId(pending[0]!.id)!.revoked).toBe(true);
  });

  it('gives a CRL a new number only when its revoked set or its period changes, never per fetch', async () => {
    const demo = service.forAccount(DEMO.customer);
    const number = (t: string) => Number(/CRL Number:\s*\n?\s*(\d+)/.exec(t)![1]);
    const lastUpdate = (t: string) => /Last Update: ([^\n]+)/.exec(t)![1]!;
    const first = crlText(await demo.crl(), 'n1.crl');
    clock.set(new Date(clock.now().getTime() + 60_000));
    const second = crlText(await demo.crl(), 'n2.crl');
    expect([number(second), lastUpdate(second)]).toEqual([number(first), lastUpdate(first)]);
    // A revocation changes the content: the next number.
    const victim = (await demo.list()).items.find((c) => c.state === 'valid')!;
    await demo.revoke(victim.id, 'keyCompromise');
    const third = crlText(await demo.crl(), 'n3.crl');
    expect(number(third)).toBe(number(first) + 1);
    expect(third).toContain(`Serial Number: ${victim.serialNumber.toUpperCase()}`);
    // Half a day later a fresh CRL (valid a day from then) takes the next number.
    clock.set(new Date(clock.now().getTime() + CRL_PERIOD_MS));
    const fourth = crlText(await demo.crl(), 'n4.crl');
    expect(number(fourth)).toBe(number(third) + 1);
    expect(Date.parse(lastUpdate(fourth))).toBeGreaterThan(Date.parse(lastUpdate(third)));
  });

  it('crlPeriodAt: the same CRL while content and period hold; a clock moved back starts a new period', () => {
    const at = new Date('2026-06-01T10:00:00.500Z');
    const p1 = crlPeriodAt(null, 'a', at);
    expect(p1).toEqual({ number: 1, digest: 'a', thisUpdate: '2026-06-01T10:00:00.000Z' });
    expect(crlPeriodAt(p1, 'a', new Date(at.getTime() + CRL_PERIOD_MS - 1000))).toBe(p1);
    expect(crlPeriodAt(p1, 'b', at).number).toBe(2);
    expect(crlPeriodAt(p1, 'a', new Date(at.getTime() + CRL_PERIOD_MS)).number).toBe(2);
    expect(crlPeriodAt(p1, 'a', new Date(at.getTime() - 60_000)).number).toBe(2);
  });

  it('offers a timer that runs the schedule and survives a failing run', async () => {
    vi.useFakeTimers();
    try {
      let runs = 0;
      const errors: unknown[] = [];
      const timer = startRevocationTimer(
        () => {
          runs++;
          if (runs === 2) throw new Error('busy');
        },
        1000,
        (e) => errors.push(e),
      );
      vi.advanceTimersByTime(3500);
      expect(runs).toBe(3);
      expect(errors).toHaveLength(1);
      timer.stop();
      vi.advanceTimersByTime(5000);
      expect(runs).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
