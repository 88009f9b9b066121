// Reissue with a key pair "stored in the cloud" (reference manual, step 1: "Key pair for
// certificates stored in the cloud will be generated automatically."): no CSR and no card; the
// portal generates the key pair in its own key store and issues the copy. The CLI's
// `submit --key-source cloud` and the wizard's step 1 both come here.
import { t } from '../i18n/i18n.js';
import { portalError } from '../domain/errors.js';
import { capabilityMissing } from '../portal/capability.js';
import { productRefusal } from '../domain/policy.js';
import type { Algorithm, Certificate, ReissueOutcome } from '../domain/types.js';
import type { FlowDeps, OnFlowEvent } from './flow.js';
import { ignoreEvents } from './flow.js';
import { submitReissue } from './reissue.js';

export interface CloudReissueRequest {
  certificateId: string;
  /** Default: the product's first algorithm. */
  algorithm?: Algorithm;
}

/** The algorithm a cloud reissue of `cert` uses; refuses a product without cloud keys or an algorithm it does not allow. */
export function cloudAlgorithm(cert: Certificate, requested?: Algorithm): Algorithm {
  if (!cert.keySources.includes('cloud')) {
    throw portalError(
      'key-source-not-allowed',
      t('flows.notCloud', { product: cert.product }),
      cert.keySources.includes('csr') ? t('flows.useSubmit', { id: cert.id }) : t('flows.useCardKeygen', { id: cert.id, algorithm: cert.algorithms[0] ?? 'ALG' }),
    );
  }
  // Every product names at least one algorithm; the portal refuses a missing one as a bad request.
  const algorithm = (requested ?? cert.algorithms[0]) as Algorithm;
  const refusal = productRefusal(cert, { keySource: 'cloud', algorithm });
  if (refusal) throw refusal;
  return algorithm;
}

export async function reissueInCloud(deps: Pick<FlowDeps, 'portal'>, req: CloudReissueRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<ReissueOutcome> {
  const portal = await deps.portal();
  // Only a portal with its own key store makes key pairs; said before the certificate is even read.
  if (!portal.capabilities.includes('cloudKeys')) throw capabilityMissing(portal, 'cloudKeys');
  const cert = await portal.get(req.certificateId);
  const algorithm = cloudAlgorithm(cert, req.algorithm);
  return submitReissue(deps, { certificateId: cert.id, request: { keySource: 'cloud', algorithm } }, onEvent);
}
