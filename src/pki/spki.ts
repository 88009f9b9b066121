// The one encoding of a public key the CA puts into a certificate, rebuilt from the parsed key
// so that no byte a customer chose (odd parameters, a compressed point) reaches a certificate:
// RSA: rsaEncryption + NULL, RSAPublicKey { n, e } (RFC 3279); EC: id-ecPublicKey + named
// curve, uncompressed point (RFC 5480).
import { ECDH } from 'node:crypto';
import { bitString, nullValue, oid, sequence, unsignedInteger } from './der-write.js';
import { parseSpki, type PublicKeyInfo } from './csr-parse.js';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OPENSSL_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1' };

/** DER SubjectPublicKeyInfo in canonical form. Throws for keys the portal does not certify. */
export function canonicalSpki(key: PublicKeyInfo): Uint8Array {
  if (key.type === 'RSA' && key.rsa) {
    const rsaPublicKey = sequence(unsignedInteger(key.rsa.modulus), unsignedInteger(key.rsa.exponent));
    return sequence(sequence(oid(RSA_ENCRYPTION), nullValue()), bitString(rsaPublicKey));
  }
  const curve = key.curve ? OPENSSL_CURVES[key.curve] : undefined;
  if (key.type === 'EC' && key.curveOid && curve) {
    // Compressed points (RFC 5480 allows them in requests) are expanded; convertKey also
    // refuses a point that is not on the curve.
    const point = new Uint8Array(ECDH.convertKey(Buffer.from(key.keyBytes), curve, undefined, undefined, 'uncompressed') as Buffer);
    return sequence(sequence(oid(EC_PUBLIC_KEY), oid(key.curveOid)), bitString(point));
  }
  throw new Error(`no canonical encoding for a ${key.type} key`);
}

/**
 * The canonical form of a DER SubjectPublicKeyInfo (an earlier copy's key), for comparing keys
 * whatever their encoding; null when it cannot be read or is not a key the portal certifies.
 */
export function canonicalSpkiOf(spki: Uint8Array): Uint8Array | null {
  try {
    return canonicalSpki(parseSpki(spki));
  } catch {
    return null;
  }
}
