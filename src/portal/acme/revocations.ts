// The 14-day rule on a CA that has none: the old copy is revoked (reason superseded) when its date
// comes, by this tool, exactly once however many processes start at that moment — each due copy is
// claimed in the ledger first (BEGIN IMMEDIATE), the CA asked, and its answer recorded under that
// claim. A claim whose process died is taken again later. "Already revoked" counts as done.
import { readFile } from 'node:fs/promises';
import { CARD_KEY_MARK, failureText } from './certificates.js';

export { failureText };
import { AcmeProblemError, AcmeSession, problemText } from './client.js';
import type { Ledger, LedgerCertificate } from './ledger.js';

/** RFC 5280 reason codes. */
export const REASON_CODES: Record<string, number> = { unspecified: 0, keyCompromise: 1, affiliationChanged: 3, superseded: 4, cessationOfOperation: 5, privilegeWithdrawn: 9 };

export interface RevocationOutcome {
  id: string;
  serial: string;
  /** revoked: the CA revoked it now; already: it was revoked before; failed: kept for a later run. */
  result: 'revoked' | 'already' | 'failed';
  /** The CA's words (or the network's) when it failed. */
  detail?: string;
}

/**
 * The CA refused a copy ordered by another account whose key is on a card: acme-client signs its
 * requests with a key in memory only, so the card's key cannot sign the revocation (RFC 8555 §7.6).
 */
export class CardKeyRevocationRefused extends AcmeProblemError {}

/** A revocation failure as recorded: the CA's words, marked when the key is on a card. */
export function recordedFailure(e: unknown): string {
  const words = e instanceof AcmeProblemError ? problemText(e.problem) : (e as Error).message;
  return e instanceof CardKeyRevocationRefused ? `${CARD_KEY_MARK} ${words}` : words;
}

/**
 * Asks the CA to revoke a copy. Signed by our account (the CA accepts it from the account that
 * ordered it, or one holding valid authorizations for every name — ours has them after the
 * reissue); when the CA refuses that and the copy's key is a file we hold, signed by the
 * certificate's own key (RFC 8555 §7.6).
 */
export async function revokeAtCa(session: AcmeSession, directoryUrl: string, c: LedgerCertificate, reason: string): Promise<'revoked' | 'revoked-by-certificate-key' | 'already'> {
  const der = Buffer.from(c.leafPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  const payload = { certificate: der.toString('base64url'), reason: REASON_CODES[reason] ?? 0 };
  const url = await session.resource('revokeCert');
  try {
    await session.post(url, payload, [200]);
    return 'revoked';
  } catch (e) {
    if (isAlreadyRevoked(e)) return 'already';
    if (!(e instanceof AcmeProblemError) || e.shortType !== 'unauthorized' || !c.keyLocation) throw e;
    if (c.keyLocation.startsWith('pkcs11:')) throw new CardKeyRevocationRefused(e.problem);
    const keyPem = await readFile(c.keyLocation, 'utf8').catch(() => null);
    if (!keyPem) throw e;
    try {
      await new AcmeSession(directoryUrl, keyPem).post(url, payload, [200], { jwk: true });
      return 'revoked-by-certificate-key';
    } catch (e2) {
      if (isAlreadyRevoked(e2)) return 'already';
      throw e2;
    }
  }
}

/** What the ledger records of the CA's answer (and which key signed the request). */
export function answerWords(result: 'revoked' | 'revoked-by-certificate-key' | 'already'): string {
  return result === 'already' ? 'alreadyRevoked' : result;
}

function isAlreadyRevoked(e: unknown): boolean {
  return e instanceof AcmeProblemError && e.shortType === 'alreadyRevoked';
}

/** Every due revocation this process can claim, one at a time; each outcome recorded in the ledger. */
export async function runDueRevocations(ledger: Ledger, session: () => Promise<AcmeSession>, directoryUrl: string, now: Date): Promise<RevocationOutcome[]> {
  const outcomes: RevocationOutcome[] = [];
  for (;;) {
    const claimed = ledger.claimDue(now.toISOString(), Date.now());
    if (!claimed) return outcomes;
    const { certificate: c, claim } = claimed;
    const reason = c.revocationReason ?? 'superseded';
    try {
      const result = await revokeAtCa(await session(), directoryUrl, c, reason);
      ledger.revocationDone(c.id, claim, now.toISOString(), reason, answerWords(result));
      outcomes.push({ id: c.id, serial: c.serial, result: result === 'already' ? 'already' : 'revoked' });
    } catch (e) {
      const detail = recordedFailure(e);
      ledger.revocationFailed(c.id, claim, detail);
      outcomes.push({ id: c.id, serial: c.serial, result: 'failed', detail: failureText(detail, c.keyLocation) ?? detail });
      // The next due copy is tried on the next run: one failure (the CA down) would fail them all.
      return outcomes;
    }
  }
}
