// How every card operation works: in one session that is logged out and closed on every path,
// in phases that report started / finished / failed, stopping at safe points when cancelled.
import { cardError, isReissueError } from '../../domain/errors.js';
import type { CardPhase, CardProgress } from '../card.js';
import { toCardError } from './errors.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';

/** Progress without ticks: the caller (service.ts) adds elapsed-time ticks on its own timer. */
export type Emit = (p: CardProgress) => void;

/**
 * A request to stop the running operation at its next safe point (its cleanup still runs): asked
 * on this thread (request()), or by the main thread through the shared stop flag, which it sets
 * while this thread may be blocked in a PKCS#11 call; that one is never cleared (the service is
 * closing for good).
 */
export class Cancellation {
  private requested = false;
  private readonly stop: Int32Array | null;

  constructor(stop?: SharedArrayBuffer) {
    this.stop = stop ? new Int32Array(stop) : null;
  }

  request(): void {
    this.requested = true;
  }

  /** A new operation starts uncancelled (unless the service is closing). */
  reset(): void {
    this.requested = false;
  }

  get isRequested(): boolean {
    return this.requested || (this.stop !== null && Atomics.load(this.stop, 0) !== 0);
  }

  /** Throws at a safe point when cancellation was asked for. */
  checkpoint(): void {
    if (this.isRequested) throw cardError('cancelled', 'The card operation was cancelled.', 'Run the command again when ready.');
  }
}

/** Opens a read-write session, runs `fn`, then logs out and closes the session on every path. */
export async function withSession<T>(p11: Pkcs11, slot: Handle, fn: (session: Handle) => Promise<T>): Promise<T> {
  let session: Handle;
  try {
    session = p11.C_OpenSession(slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
  } catch (e) {
    throw toCardError(e, 'login');
  }
  try {
    return await fn(session);
  } finally {
    try {
      p11.C_Logout(session);
    } catch {
      /* not logged in, or the card is gone */
    }
    try {
      p11.C_CloseSession(session);
    } catch {
      /* the card is gone */
    }
  }
}

/** Runs `fn` in a read-only session without login; `fallback` when the card does not answer. */
export function readOnly<T>(p11: Pkcs11, slot: Handle, fn: (session: Handle) => T, fallback: () => T): T {
  let session: Handle;
  try {
    session = p11.C_OpenSession(slot, ck.CKF_SERIAL_SESSION);
  } catch {
    return fallback();
  }
  try {
    return fn(session);
  } catch {
    return fallback();
  } finally {
    try {
      p11.C_CloseSession(session);
    } catch {
      /* the card is gone */
    }
  }
}

/** Runs one phase with started / finished / failed events. */
export async function phase<T>(emit: Emit, name: CardPhase, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  emit({ type: 'started', phase: name });
  try {
    const v = await fn();
    emit({ type: 'finished', phase: name, elapsedMs: Date.now() - t0 });
    return v;
  } catch (e) {
    const code = isReissueError(e) ? e.code : toCardError(e, name).code;
    emit({ type: 'failed', phase: name, elapsedMs: Date.now() - t0, code });
    throw e;
  }
}
