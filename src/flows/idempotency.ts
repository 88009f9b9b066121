// The one idempotency-key rule: the same CSR for the same certificate gets the same key, so a
// submission retried after a network error, an interrupted run or a second `reissue submit` of
// the same CSR returns the first result instead of issuing a second copy.
// A cloud reissue has no CSR: the same algorithm for the same certificate is the same request.
import { createHash } from 'node:crypto';
import type { ReissueRequest } from '../domain/types.js';

export function idempotencyKeyFor(certId: string, csr: Uint8Array): string {
  return createHash('sha256').update(certId).update('\0').update(csr).digest('hex').slice(0, 32);
}

export function idempotencyKeyForRequest(certId: string, request: ReissueRequest): string {
  return idempotencyKeyFor(certId, request.keySource === 'cloud' ? new TextEncoder().encode(`cloud:${request.algorithm}`) : request.csr);
}
