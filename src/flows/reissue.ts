// Reissue with a CSR: check it against the order, submit it (with the one idempotency-key rule),
// and the software key pair + CSR made here for it.
import { algorithmLabel } from '../domain/algorithms.js';
import { inputError, portalError } from '../domain/errors.js';
import type { Algorithm, Certificate, CsrReport, ReissueRequest, ReissueResult } from '../domain/types.js';
import { FORCE_HINT, checkOutputs, writeNewFile } from '../util/files.js';
import type { FlowDeps, OnFlowEvent } from './flow.js';
import { ignoreEvents } from './flow.js';
import { idempotencyKeyForRequest } from './idempotency.js';

export interface SubmitRequest {
  certificateId: string;
  /** Where the key pair comes from (products may allow only some sources) and what goes with it. */
  request: ReissueRequest;
}

export async function submitReissue(deps: Pick<FlowDeps, 'portal'>, req: SubmitRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<ReissueResult> {
  onEvent({ type: 'submitting', certificateId: req.certificateId });
  const portal = await deps.portal();
  const result = await portal.reissue(req.certificateId, req.request, idempotencyKeyForRequest(req.certificateId, req.request));
  onEvent({ type: 'issued', result });
  return result;
}

/** Every CSR check, against the certificate's order when one is named. */
export async function checkCsrFor(deps: Pick<FlowDeps, 'portal'>, certificateId: string, csr: Uint8Array): Promise<CsrReport> {
  return (await deps.portal()).checkCsr(certificateId, csr);
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

/** Refuses a product that takes no CSR, or an algorithm it does not allow. */
export function assertCsrAlgorithm(cert: Certificate, algorithm: Algorithm): void {
  if (!cert.keySources.includes('csr')) {
    if (cert.keySources.includes('cloud')) {
      throw portalError('key-source-not-allowed', `The product "${cert.product}" does not accept a CSR; the portal generates its keys in the cloud key store.`, `Use: reissue submit ${cert.id} --key-source cloud --algorithm ${cert.algorithms[0] ?? 'ALG'}`);
    }
    throw portalError('key-source-not-allowed', `The product "${cert.product}" does not accept a CSR; its keys are generated on a card.`, `Use: reissue card keygen --for ${cert.id} --algorithm ${cert.algorithms[0] ?? 'ALG'}`);
  }
  if (!cert.algorithms.includes(algorithm)) {
    throw inputError('algorithm-not-allowed', `The product "${cert.product}" does not allow ${algorithmLabel(algorithm)}.`, `Choose one of: ${cert.algorithms.join(', ')}.`);
  }
}

/**
 * Checked before a passphrase is asked or a key made: a key file is never overwritten, the CSR
 * replaces an existing file only with `overwriteCsr`, and the two are never the same file.
 */
export function assertNewKeyOutputsFree(keyPath: string, csrOut?: string, overwriteCsr = false): Promise<void> {
  return checkOutputs([
    { path: keyPath, what: 'The private key file', existsHint: 'Choose another file name: a private key file is never replaced.' },
    ...(csrOut ? [{ path: csrOut, what: 'The CSR file', replace: overwriteCsr, existsHint: FORCE_HINT }] : []),
  ]);
}

/** A new software key pair (written 0600, never over an existing file) and its CSR. */
export async function newKeyAndCsr(req: NewKeyRequest): Promise<{ csrPem: string; keyPath: string }> {
  assertCsrAlgorithm(req.certificate, req.algorithm);
  await assertNewKeyOutputsFree(req.keyPath, req.csrOut, req.overwriteCsr);
  const { generateCsrWithNewKey, writePrivateKey, subjectForCertificate } = await import('../pki/software-key.js');
  const made = await generateCsrWithNewKey({ algorithm: req.algorithm, subject: subjectForCertificate(req.certificate), passphrase: req.passphrase });
  await writePrivateKey(req.keyPath, made.privateKeyPem);
  if (req.csrOut) await writeNewFile(req.csrOut, made.csrPem, { overwrite: req.overwriteCsr, existsHint: FORCE_HINT });
  return { csrPem: made.csrPem, keyPath: req.keyPath };
}
