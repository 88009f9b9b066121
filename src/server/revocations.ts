// The revocation schedule and the CRL. A reissue stores the old copy's revocation date; nothing
// runs in the background to make it happen. Instead the service carries out whatever is due on
// open, before every read and on an optional timer, so the result survives restarts and never
// depends on a process being up at the right moment.
import type { PortalCa } from './portal-ca.js';
import type { PortalStore } from './store.js';

/** Marks every copy whose revocation date has come as revoked; returns how many. */
export function runDueRevocations(store: PortalStore, now: Date): number {
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
      run();
    } catch (e) {
      onError(e);
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

const META_CRL_NUMBER = 'crl_number';

/** The current CRL (DER): every revoked serial with its date and reason, numbered increasingly. */
export async function currentCrl(store: PortalStore, ca: PortalCa, now: Date): Promise<Uint8Array> {
  const signer = await ca.signing(); // before the number is taken: a failed load wastes no CRL number
  const { entries, crlNumber } = store.transaction(() => {
    const crlNumber = Number(store.getMeta(META_CRL_NUMBER) ?? '0') + 1;
    store.setMeta(META_CRL_NUMBER, String(crlNumber));
    return { entries: store.revokedEntries(), crlNumber };
  });
  const crl = await signer.crl(
    entries.map((e) => ({ serialNumber: e.serial, revocationDate: new Date(e.revocationDate), reason: e.reason })),
    now,
    crlNumber,
  );
  return new Uint8Array(crl.rawData);
}
