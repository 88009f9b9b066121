// Reissue with a CSR: check it against the order and the product's rule, submit it (with the one
// idempotency-key rule; a card CSR with the card's evidence), and the software key pair + CSR made here for it.
import { t } from '../i18n/i18n.js';
import { csrProblemText } from '../domain/translate.js';
import { evidenceForKey } from '../card/evidence.js';
import { readManifest } from '../card/manifest.js';
import { inputError, isReissueError } from '../domain/errors.js';
import { productRefusal } from '../domain/policy.js';
import { isPendingReissue, type Algorithm, type CardEvidence, type Certificate, type CsrReport, type KeySource, type ReissueOutcome, type ReissueRequest } from '../domain/types.js';
import { FORCE_HINT, checkOutputs, writeOutputs, type PlannedOutput } from '../util/files.js';
import type { FlowDeps, OnFlowEvent } from './flow.js';
import { ignoreEvents } from './flow.js';
import { idempotencyKeyForRequest } from './idempotency.js';

export interface SubmitRequest {
  certificateId: string;
  /** Where the key pair comes from (products may allow only some sources) and what goes with it. */
  request: ReissueRequest;
}

/** The reissue requests that carry a CSR. */
export type CsrReissueRequest = Extract<ReissueRequest, { csr: Uint8Array }>;

export async function submitReissue(deps: Pick<FlowDeps, 'portal'>, req: SubmitRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<ReissueOutcome> {
  onEvent({ type: 'submitting', certificateId: req.certificateId });
  const portal = await deps.portal();
  return reported(await portal.reissue(req.certificateId, req.request, idempotencyKeyForRequest(req.certificateId, req.request)), onEvent);
}

/** Asks once more about a reissue the portal left pending: the new copy, or still pending. */
export async function resumeReissue(deps: Pick<FlowDeps, 'portal'>, orderRef: string, onEvent: OnFlowEvent = ignoreEvents): Promise<ReissueOutcome> {
  return reported(await (await deps.portal()).resumeReissue(orderRef), onEvent);
}

function reported(outcome: ReissueOutcome, onEvent: OnFlowEvent): ReissueOutcome {
  onEvent(isPendingReissue(outcome) ? { type: 'pending', pending: outcome.pending } : { type: 'issued', result: outcome });
  return outcome;
}

/**
 * A CSR made on a card earlier (`card keygen --csr-out`), submitted later: the product's rule
 * first (no card search for a product that takes no card keys), then the card's evidence from the
 * manifest `card keygen --manifest` wrote, or from the card holding the CSR's key.
 */
export async function cardRequestFor(deps: Pick<FlowDeps, 'portal' | 'card'>, certificateId: string, csr: Uint8Array, manifest?: string): Promise<CsrReissueRequest> {
  const refusal = productRefusal(await (await deps.portal()).get(certificateId), { keySource: 'card' });
  if (refusal) throw refusal;
  const { locateCsr } = await import('../pki/csr-input.js');
  const located = locateCsr(csr);
  if ('problems' in located) {
    throw inputError('csr-invalid', located.problems.map((p) => csrProblemText(p, t)).join(' '), t('flows.giveKeygenCsr'), { problems: located.problems });
  }
  return { keySource: 'card', csr, card: await cardEvidenceFor(deps, located.csr.key.spki, manifest) };
}

/** The card's evidence for a CSR's key, as submit sends it: from the manifest, or the card holding the key. */
async function cardEvidenceFor(deps: Pick<FlowDeps, 'card'>, spki: Uint8Array, manifest?: string): Promise<CardEvidence> {
  return evidenceForKey(spki, { ...(manifest ? { manifest: await readManifest(manifest) } : {}), card: deps.card });
}

/**
 * Every CSR check, against the certificate's order when one is named, and the product's rule for
 * `keySource`. For a card key the card's evidence is found as `submit` finds it (the manifest, or
 * the card holding the key) and the portal checks it as a reissue would: one rule for both.
 */
export async function checkCsrFor(deps: Pick<FlowDeps, 'portal' | 'card'>, certificateId: string, csr: Uint8Array, keySource?: KeySource, manifest?: string): Promise<CsrReport> {
  const portal = await deps.portal();
  if (keySource !== 'card') return portal.checkCsr(certificateId, csr, keySource);
  const { locateCsr } = await import('../pki/csr-input.js');
  const located = locateCsr(csr);
  // A CSR that does not parse, or a product that takes no card keys: the portal's report says so.
  if ('problems' in located || productRefusal(await portal.get(certificateId), { keySource: 'card' })) return portal.checkCsr(certificateId, csr, keySource);
  let card: CardEvidence;
  try {
    card = await cardEvidenceFor(deps, located.csr.key.spki, manifest);
  } catch (e) {
    if (!isReissueError(e) || e.code !== 'card-key-not-found') throw e;
    const report = await portal.checkCsr(certificateId, csr, keySource);
    return { ...report, ok: false, problems: [...report.problems.filter((p) => p.code !== 'card-evidence-missing'), { code: 'card-key-not-found', message: `${e.message} ${e.hint ?? ''}`.trim(), text: { key: 'csrProblem.cardKeyNotFound', values: e.details?.context === 'manifest' ? { context: 'manifest' } : {} } }] };
  }
  return portal.checkCsr(certificateId, csr, keySource, card);
}

export interface NewKeyRequest {
  certificate: Certificate;
  algorithm: Algorithm;
  keyPath: string;
  passphrase?: string;
  /** Also write the CSR here; `overwriteCsr` replaces an existing file (the key file never is). */
  csrOut?: string;
  overwriteCsr?: boolean;
}

/** Refuses a product that takes no CSR, or an algorithm it does not allow (the one product rule). */
export function assertCsrAlgorithm(cert: Certificate, algorithm: Algorithm): void {
  const refusal = productRefusal(cert, { keySource: 'csr', algorithm });
  if (refusal) throw refusal;
}

/**
 * Checked before a passphrase is asked or a key made: a key file is never overwritten, the CSR
 * replaces an existing file only with `overwriteCsr`, and the two are never the same file.
 */
export function assertNewKeyOutputsFree(keyPath: string, csrOut?: string, overwriteCsr = false): Promise<void> {
  const { key, csr } = newKeyOutputs(keyPath, csrOut, overwriteCsr);
  return checkOutputs(csr ? [key, csr] : [key]);
}

/** The key file (never replaced) and, when asked for, the CSR file (a CSR replaced with `overwriteCsr`). */
function newKeyOutputs(keyPath: string, csrOut?: string, overwriteCsr = false): { key: PlannedOutput; csr?: PlannedOutput } {
  return {
    key: { path: keyPath, what: t('flows.privateKeyFile'), kind: 'private-key', existsHint: t('flows.privateKeyExists') },
    ...(csrOut ? { csr: { path: csrOut, what: t('flows.csrFile'), kind: 'csr' as const, replace: overwriteCsr, existsHint: FORCE_HINT } } : {}),
  };
}

/** A new software key pair (written 0600, never over an existing file) and its CSR. */
export async function newKeyAndCsr(req: NewKeyRequest): Promise<{ csrPem: string; keyPath: string }> {
  assertCsrAlgorithm(req.certificate, req.algorithm);
  const { subjectForCertificate } = await import('../pki/software-key.js');
  return newKeyAndCsrFor({ ...req, subject: subjectForCertificate(req.certificate) });
}

/** The same for a bare subject (a first certificate, with no copy to reissue: `acme order`). */
export async function newKeyAndCsrFor(req: Omit<NewKeyRequest, 'certificate'> & { subject: { commonName: string; domains: string[] } }): Promise<{ csrPem: string; keyPath: string }> {
  await assertNewKeyOutputsFree(req.keyPath, req.csrOut, req.overwriteCsr);
  const { generateCsrWithNewKey } = await import('../pki/software-key.js');
  const made = await generateCsrWithNewKey({ algorithm: req.algorithm, subject: req.subject, passphrase: req.passphrase });
  // Both files or neither: a CSR that cannot be written takes the new key file away with it.
  const { key, csr } = newKeyOutputs(req.keyPath, req.csrOut, req.overwriteCsr);
  await writeOutputs([{ ...key, data: made.privateKeyPem, mode: 0o600 }, ...(csr ? [{ ...csr, data: made.csrPem }] : [])]);
  return { csrPem: made.csrPem, keyPath: req.keyPath };
}
