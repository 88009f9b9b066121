// Reissue with a key pair "stored in the cloud" (reference manual, step 1: "Key pair for
// certificates stored in the cloud will be generated automatically."): no CSR and no card; the
// portal generates the key pair in its own key store and issues the copy. The CLI's
// `submit --key-source cloud` and the wizard's step 1 both come here.
import { algorithmLabel } from '../domain/algorithms.js';
import { inputError, portalError } from '../domain/errors.js';
import type { Algorithm, Certificate, ReissueResult } from '../domain/types.js';
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
      `The product "${cert.product}" does not keep its keys in the cloud.`,
      cert.keySources.includes('csr') ? `Use: reissue submit ${cert.id} --csr FILE` : `Use: reissue card keygen --for ${cert.id} --algorithm ${cert.algorithms[0] ?? 'ALG'} --submit`,
    );
  }
  const algorithm = requested ?? cert.algorithms[0];
  if (!algorithm || !cert.algorithms.includes(algorithm)) {
    throw inputError('algorithm-not-allowed', `The product "${cert.product}" does not allow ${requested ? algorithmLabel(requested) : 'any algorithm'}.`, `Choose one of: ${cert.algorithms.join(', ')}.`);
  }
  return algorithm;
}

export async function reissueInCloud(deps: Pick<FlowDeps, 'portal'>, req: CloudReissueRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<ReissueResult> {
  const cert = await (await deps.portal()).get(req.certificateId);
  const algorithm = cloudAlgorithm(cert, req.algorithm);
  return submitReissue(deps, { certificateId: cert.id, request: { keySource: 'cloud', algorithm } }, onEvent);
}
