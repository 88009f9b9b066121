// How a key pair is named, on the card and off it. CKA_ID = SHA-1 of the public key (RFC 5280 key
// identifier, method 1, as OpenSC and p11tool make it); SHA-256 of the SubjectPublicKeyInfo is
// what a manifest line records and how a CSR or certificate is matched to a card key; one label
// per key pair, shared by its certificate. Pure (node:crypto only): the main thread uses these
// without loading the PKCS#11 addon.
import { createHash } from 'node:crypto';
import { bitStringBytes, children, readTlv } from '../pki/der.js';

/** SubjectPublicKeyInfo → the SHA-1 of its subjectPublicKey bits (the usual Subject Key Identifier). */
export function keyIdOf(spki: Uint8Array): Buffer {
  const outer = readTlv(spki, 0);
  const [, key] = children(spki, outer);
  if (!key) throw new Error('SubjectPublicKeyInfo without a key');
  return createHash('sha1').update(bitStringBytes(spki, key, 'the public key')).digest();
}

/** SHA-256 of the SubjectPublicKeyInfo DER, hex. */
export const publicKeySha256 = (spki: Uint8Array) => createHash('sha256').update(spki).digest('hex');

/**
 * The label a new key pair and, later, its certificate share: what it is for, when it was made and
 * the start of its key id, so two reissues on one card never share a label.
 */
export function keyPairLabel(purpose: string, keyId: string, at: Date): string {
  return `${purpose} ${at.toISOString().slice(0, 10)} ${keyId.slice(0, 8)}`;
}
