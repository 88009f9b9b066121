// The rules of a reissue (reference manual §1–2), as pure functions of records and a time.
import { portalError, usageError, type ReissueError } from './errors.js';
import type { Certificate, CertificateState, KeySource } from './types.js';

export const REVOCATION_DELAY_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

const KEY_SOURCE_WORDS: Record<KeySource, { allowed: string; refused: string }> = {
  csr: { allowed: 'a CSR', refused: 'a CSR' },
  card: { allowed: 'a key pair generated on a card', refused: 'key generation on a card' },
  cloud: { allowed: 'a key pair generated in the cloud key store', refused: 'keys generated in the cloud key store' },
};

/** The previous copy is revoked automatically 14 days after the new copy is issued. */
export function scheduledRevocationDate(issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + REVOCATION_DELAY_DAYS * DAY_MS);
}

export interface StateInputs {
  notAfter: string;
  revocationDate: string | null;
  /** True once a revocation has been carried out (or was immediate). */
  revoked: boolean;
}

/**
 * Revoked wins over expired (a CRL entry stays meaningful), a due revocation counts as revoked
 * even before the schedule has written it, and a pending revocation only matters while valid.
 */
export function certificateState(c: StateInputs, now: Date): CertificateState {
  if (c.revoked) return 'revoked';
  if (c.revocationDate && Date.parse(c.revocationDate) <= now.getTime()) return 'revoked';
  if (Date.parse(c.notAfter) <= now.getTime()) return 'expired';
  if (c.revocationDate) return 'pending-revocation';
  return 'valid';
}

/** Whole days left until `date`, rounded up (a revocation due in 3 hours is "1 d" away). */
export function daysLeft(date: string, now: Date): number {
  return Math.max(0, Math.ceil((Date.parse(date) - now.getTime()) / DAY_MS));
}

/** The new copy keeps the replaced copy's expiry, to the second. */
export function reissuedNotAfter(replaced: Pick<Certificate, 'notAfter'>): Date {
  return new Date(replaced.notAfter);
}

/**
 * Why this copy cannot be reissued with this key source, or null when it can.
 * `newestCopyId` is the newest copy of the same order (may equal cert.id).
 */
export function reissueRefusal(cert: Certificate, source: KeySource, newestCopyId: string): ReissueError | null {
  if (cert.replacedBy) {
    return portalError(
      'already-replaced',
      `Certificate ${cert.id} was already reissued; only the newest copy of order ${cert.orderId} can be reissued.`,
      `Reissue ${newestCopyId} instead.`,
      { newestCopyId },
    );
  }
  if (cert.state === 'revoked') {
    return portalError('certificate-revoked', `Certificate ${cert.id} is revoked and cannot be reissued.`, 'Order a new certificate instead.');
  }
  if (cert.state === 'expired') {
    return portalError('certificate-expired', `Certificate ${cert.id} expired on ${cert.notAfter} and cannot be reissued.`, 'Renew it by ordering a new certificate.');
  }
  if (!cert.keySources.includes(source)) {
    const allowed = cert.keySources.map((s) => KEY_SOURCE_WORDS[s].allowed).join(' or ');
    return portalError(
      'key-source-not-allowed',
      `The product "${cert.product}" does not allow ${KEY_SOURCE_WORDS[source].refused}.`,
      `Reissue it with ${allowed}.`,
    );
  }
  return null;
}

/**
 * The reminder-days setting (flag or config text): 1–13 days before a replaced copy's revocation,
 * which comes 14 days after the reissue. undefined when unset.
 */
export function parseReminderDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n >= REVOCATION_DELAY_DAYS) {
    throw usageError(
      'bad-reminder-days',
      `The reminder days must be a whole number from 1 to ${REVOCATION_DELAY_DAYS - 1}, not "${value}".`,
      `A replaced copy is revoked ${REVOCATION_DELAY_DAYS} days after the reissue; the reminder comes that many days before.`,
    );
  }
  return n;
}
