// The rules of a reissue (reference manual §1–2), as pure functions of records and a time.
// Refusals are in English; their details hold what the catalogs' errors.CODE texts name, so the
// CLI, the wizard and the HTTP service say them in the user's language (src/i18n/errors.ts).
import { algorithmLabel } from './algorithms.js';
import { inputError, portalError, usageError, type ReissueError } from './errors.js';
import type { Algorithm, CardEvidence, Certificate, CertificateState, KeySource } from './types.js';

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
      { newestCopyId, id: cert.id, orderId: cert.orderId },
    );
  }
  if (cert.state === 'revoked') {
    return portalError('certificate-revoked', `Certificate ${cert.id} is revoked and cannot be reissued.`, 'Order a new certificate instead.', { id: cert.id });
  }
  if (cert.state === 'expired') {
    return portalError('certificate-expired', `Certificate ${cert.id} expired on ${cert.notAfter} and cannot be reissued.`, 'Renew it by ordering a new certificate.', { id: cert.id, notAfter: cert.notAfter });
  }
  return productRefusal(cert, { keySource: source });
}

/** How to make a key pair of this source for `cert`: the command to run. */
function howTo(cert: Pick<Certificate, 'id' | 'algorithms'>, source: KeySource): string {
  const alg = cert.algorithms[0] ?? 'ALG';
  if (source === 'csr') return `reissue csr new --for ${cert.id} --algorithm ${alg} --key-out KEY --out CSR`;
  if (source === 'cloud') return `reissue submit ${cert.id} --key-source cloud --algorithm ${alg}`;
  return `reissue card keygen --for ${cert.id} --algorithm ${alg} (a CSR made on a card earlier: reissue submit ${cert.id} --csr FILE --key-source card)`;
}

/**
 * What a product accepts: the one rule behind `csr check --for`, `csr new`, `card keygen --for`,
 * `submit` and the portal's reissue. Null when the product takes a key pair made this way (and,
 * when given, of this algorithm).
 */
export function productRefusal(cert: Pick<Certificate, 'id' | 'product' | 'keySources' | 'algorithms'>, want: { keySource: KeySource; algorithm?: Algorithm }): ReissueError | null {
  if (!cert.keySources.includes(want.keySource)) {
    const allowed = cert.keySources.map((s) => KEY_SOURCE_WORDS[s].allowed).join(' or ');
    return portalError(
      'key-source-not-allowed',
      `The product "${cert.product}" does not allow ${KEY_SOURCE_WORDS[want.keySource].refused}; it takes ${allowed}.`,
      `Reissue it with ${allowed}: ${cert.keySources.map((s) => howTo(cert, s)).join(' — or: ')}`,
      { keySource: want.keySource, allowed: cert.keySources },
    );
  }
  if (want.algorithm && !cert.algorithms.includes(want.algorithm)) {
    return inputError('algorithm-not-allowed', `The product "${cert.product}" does not allow ${algorithmLabel(want.algorithm)}.`, `Choose one of: ${cert.algorithms.join(', ')}.`, {
      allowed: cert.algorithms,
      product: cert.product,
      algorithm: algorithmLabel(want.algorithm),
    });
  }
  return null;
}

const EVIDENCE_FIELDS = ['serial', 'token', 'manufacturer', 'model', 'module', 'keyId'] as const;
const MAX_EVIDENCE_CHARS = 256;

/**
 * The portal's decision on the form of a CSR's card claim: the card evidence to record with the
 * new copy (null for a plain CSR), or why the request is refused. 'card' needs the card's evidence
 * (serial, token, manufacturer and model, module, key id; the key's SHA-256 when the client knows
 * it). That evidence is declared by the client and checked for consistency, not attested: the
 * portal then checks it against the key it certifies (evidenceRefusal in src/card/evidence.ts).
 */
export function cardEvidenceOf(request: { keySource: KeySource; card?: unknown }): { evidence: CardEvidence | null } | { refusal: ReissueError } {
  if (request.keySource !== 'card') return { evidence: null };
  const card = request.card as Partial<Record<(typeof EVIDENCE_FIELDS)[number] | 'publicKeySha256', unknown>> | undefined;
  const missing = EVIDENCE_FIELDS.filter((f) => typeof card?.[f] !== 'string' || (f !== 'model' && f !== 'token' && (card[f] as string).trim() === '') || (card[f] as string).length > MAX_EVIDENCE_CHARS);
  if (!card || missing.length) {
    return {
      refusal: inputError(
        'card-evidence-missing',
        `A key pair generated on a card needs the card's evidence (${missing.join(', ') || EVIDENCE_FIELDS.join(', ')} missing or invalid).`,
        'Submit with `reissue submit ID --csr FILE --key-source card` with the card inserted (it is found by the public key), or give the --manifest written by `card keygen`.',
        { missing },
      ),
    };
  }
  if (!/^([0-9a-f]{2})+$/.test(card.keyId as string) || (card.publicKeySha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(card.publicKeySha256)))) {
    return { refusal: inputError('card-evidence-invalid', 'The card evidence\'s key id must be the key\'s CKA_ID in lower-case hex (and its publicKeySha256, when given, 64 lower-case hex digits).', 'Use the key id `reissue card list` shows.') };
  }
  const evidence = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, card[f] as string])) as unknown as CardEvidence;
  return { evidence: card.publicKeySha256 === undefined ? evidence : { ...evidence, publicKeySha256: card.publicKeySha256 as string } };
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
      { value, max: REVOCATION_DELAY_DAYS - 1, days: REVOCATION_DELAY_DAYS },
    );
  }
  return n;
}

/**
 * The ACME portal's revocation delay (config acmeRevokeAfterDays): days from the new copy to the
 * old copy's revocation; "0" at once; "never" keeps the old copy; unset means the 14 days.
 */
export function parseRevokeAfterDays(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return REVOCATION_DELAY_DAYS;
  if (value.trim().toLowerCase() === 'never') return null;
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > 3650) {
    throw usageError('bad-revoke-after-days', `acmeRevokeAfterDays must be a whole number of days (0 = at once) or "never", not "${value}".`, 'Run `reissue config set acmeRevokeAfterDays 14` (or 0, or never).', { value });
  }
  return n;
}
