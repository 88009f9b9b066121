// The revocation schedule and the CRL. A reissue stores the old copy's revocation date; nothing
// runs in the background to make it happen. Instead the service carries out whatever is due on
// open, before every read and on an optional timer, so the result survives restarts and never
// depends on a process being up at the right moment.
import { createHash } from 'node:crypto';
import { wholeSeconds } from './certificate-values.js';
import type { PortalCa } from './portal-ca.js';
import type { RevokedEntry } from './store/records.js';
import type { AsyncPortalStore as PortalStore } from './store/store.js';

/** Marks every copy whose revocation date has come as revoked; returns how many. */
export function runDueRevocations(store: PortalStore, now: Date): Promise<number> {
  return store.revokeDue(now.toISOString());
}

export interface RevocationTimer {
  stop(): void;
}

/**
 * Calls `run` every `everyMs` (default one minute) until stopped. The timer does not keep the
 * process alive, and a failing run is reported to `onError` instead of crashing the server.
 */
export function startRevocationTimer(run: () => unknown, everyMs = 60_000, onError: (e: unknown) => void = () => {}): RevocationTimer {
  const timer = setInterval(() => {
    try {
      Promise.resolve(run()).catch(onError);
    } catch (e) {
      onError(e);
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

const META_CRL_NUMBER = 'crl_number';
/** JSON CrlPeriod of the CRL last handed out (its number is under META_CRL_NUMBER). */
const META_CRL_PERIOD = 'crl_period';

/**
 * The CA signs each CRL valid for one day from its thisUpdate (ca.ts). The same CRL (number and
 * thisUpdate) is handed out for half of that, so every copy fetched is good for 12 hours more.
 */
export const CRL_PERIOD_MS = 12 * 60 * 60 * 1000;

/** What a CRL number stands for: this revoked set (digest), signed with this thisUpdate. */
export interface CrlPeriod {
  number: number;
  digest: string;
  thisUpdate: string;
}

/** SHA-256 over the entries (serial, date, reason, in the store's order): the CRL's content. */
export function crlDigest(entries: readonly RevokedEntry[]): string {
  return createHash('sha256').update(JSON.stringify(entries.map((e) => [e.serial, e.revocationDate, e.reason]))).digest('hex');
}

/**
 * The CRL to hand out at `now`: the previous one again while its content and period hold (GETs
 * are retried and repeated: none of them may consume a number), else the next number with a new
 * thisUpdate. A clock moved back (REISSUE_NOW) also starts a new period.
 */
export function crlPeriodAt(previous: CrlPeriod | null, digest: string, now: Date): CrlPeriod {
  if (previous && previous.digest === digest) {
    const since = now.getTime() - Date.parse(previous.thisUpdate);
    if (since >= 0 && since < CRL_PERIOD_MS) return previous;
  }
  return { number: (previous?.number ?? 0) + 1, digest, thisUpdate: wholeSeconds(now).toISOString() };
}

/** The current CRL (DER): every revoked serial with its date and reason; a new number only when it changes. */
export async function currentCrl(store: PortalStore, ca: PortalCa, now: Date): Promise<Uint8Array> {
  const signer = await ca.signing(); // before the number is taken: a failed load wastes no CRL number
  const { entries, period } = await store.write(async () => {
    const entries = await store.revokedEntries();
    const previous = await storedPeriod(store);
    let period = crlPeriodAt(previous, crlDigest(entries), now);
    if (period !== previous) {
      // The number is taken by the counter (one statement), whatever was read above.
      period = { ...period, number: (await store.advance(META_CRL_NUMBER, 1, 0)) + 1 };
      await store.setMeta(META_CRL_PERIOD, JSON.stringify({ digest: period.digest, thisUpdate: period.thisUpdate }));
    }
    return { entries, period };
  });
  const crl = await signer.crl(
    entries.map((e) => ({ serialNumber: e.serial, revocationDate: new Date(e.revocationDate), reason: e.reason })),
    new Date(period.thisUpdate),
    period.number,
  );
  return new Uint8Array(crl.rawData);
}

/** The CRL last handed out; a portal from before periods were kept has only its number. */
async function storedPeriod(store: PortalStore): Promise<CrlPeriod | null> {
  const number = Number((await store.getMeta(META_CRL_NUMBER)) ?? '0');
  try {
    const p = JSON.parse((await store.getMeta(META_CRL_PERIOD)) ?? 'null') as Partial<CrlPeriod> | null;
    if (p && typeof p.digest === 'string' && typeof p.thisUpdate === 'string') return { number, digest: p.digest, thisUpdate: p.thisUpdate };
  } catch {
    // A damaged record only costs a new number.
  }
  return number > 0 ? { number, digest: '', thisUpdate: new Date(0).toISOString() } : null;
}
