// The one idempotency-key rule: the same CSR for the same certificate gets the same key, so a
// submission retried after a network error, an interrupted run or a second `reissue submit` of
// the same CSR returns the first result instead of issuing a second copy.
import { createHash } from 'node:crypto';

export function idempotencyKeyFor(certId: string, csr: Uint8Array): string {
  return createHash('sha256').update(certId).update('\0').update(csr).digest('hex').slice(0, 32);
}
