// Signature algorithms a CSR can name, and verifying a CSR's self-signature with node:crypto.
// Keys are imported the cheapest way node offers (RSA as PKCS#1 DER, P-256/P-384 as a raw point
// through WebCrypto): generic SPKI import runs every OpenSSL decoder and costs ~5x a verification.
import { KeyObject, constants, createPublicKey, verify, webcrypto } from 'node:crypto';
import { DerError, TAG, children, decodeOid, minimalInteger, readTlv, smallInteger, value, type Tlv } from './der.js';
import type { PublicKeyInfo } from './csr-parse.js';
import { paramsAllowed, type ParamsRule } from './algorithm-params.js';

export interface SignatureAlgorithm {
  /** The name openssl prints, e.g. sha256WithRSAEncryption. */
  name: string;
  /** Key type the algorithm needs. */
  keyType: 'RSA' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA';
  /** node:crypto digest name; null for Ed25519/Ed448 (no pre-hash). */
  hash: string | null;
  pss?: boolean;
  /** What its AlgorithmIdentifier's parameters must be. */
  params: ParamsRule;
}

const ALGS: Record<string, SignatureAlgorithm> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', keyType: 'RSA', hash: 'md2', params: 'null-or-absent' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', keyType: 'RSA', hash: 'md5', params: 'null-or-absent' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', keyType: 'RSA', hash: 'sha1', params: 'null-or-absent' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', keyType: 'RSA', hash: 'sha1', params: 'null-or-absent' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', keyType: 'RSA', hash: 'sha224', params: 'null-or-absent' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', keyType: 'RSA', hash: 'sha256', params: 'null-or-absent' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', keyType: 'RSA', hash: 'sha384', params: 'null-or-absent' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', keyType: 'RSA', hash: 'sha512', params: 'null-or-absent' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', keyType: 'RSA', hash: 'sha1', pss: true, params: 'sequence' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', keyType: 'EC', hash: 'sha1', params: 'absent' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', keyType: 'EC', hash: 'sha224', params: 'absent' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', keyType: 'EC', hash: 'sha256', params: 'absent' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', keyType: 'EC', hash: 'sha384', params: 'absent' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', keyType: 'EC', hash: 'sha512', params: 'absent' },
  '1.3.101.112': { name: 'ED25519', keyType: 'Ed25519', hash: null, params: 'absent' },
  '1.3.101.113': { name: 'ED448', keyType: 'Ed448', hash: null, params: 'absent' },
  '1.2.840.10040.4.3': { name: 'dsa_with_SHA1', keyType: 'DSA', hash: 'sha1', params: 'absent' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', keyType: 'DSA', hash: 'sha256', params: 'absent' },
};

const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MGF1 = '1.2.840.113549.1.1.8';

export const WEAK_HASHES = new Set(['md2', 'md5', 'sha1']);

/** Human name of a digest for messages: "MD5", "SHA-1". */
export function hashLabel(hash: string): string {
  return hash.startsWith('sha') ? `SHA-${hash.slice(3)}` : hash.toUpperCase();
}

export interface ResolvedSignature extends SignatureAlgorithm {
  saltLength?: number;
}

/** The algorithm behind an OID, or null when unknown. */
export function signatureAlgorithm(oid: string): SignatureAlgorithm | null {
  return ALGS[oid] ?? null;
}

/**
 * The algorithm behind an OID (and RSASSA-PSS parameters); null when unknown or when the PSS
 * parameters use a combination node cannot verify (MGF1 hash different from the message hash).
 * Throws DerError when PSS parameters are not the DER RFC 4055 defines.
 */
export function resolveSignatureAlgorithm(oid: string, params: Uint8Array | null): ResolvedSignature | null {
  const alg = ALGS[oid];
  if (!alg) return null;
  if (!alg.pss) return alg;
  // RSASSA-PSS-params: every field is optional; the defaults are SHA-1, MGF1-SHA-1, salt 20.
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  if (!params) throw new DerError('the RSASSA-PSS parameters are missing');
  const seq = readTlv(params, 0);
  if (seq.tag !== TAG.SEQUENCE || seq.end !== params.length) throw new DerError('the RSASSA-PSS parameters are malformed');
  let lastTag = 0;
  for (const field of children(params, seq)) {
    // [0] hash, [1] mask generation, [2] salt length, [3] trailer: in this order, each at most once.
    if (field.tag < 0xa0 || field.tag > 0xa3 || field.tag <= lastTag) throw new DerError('the RSASSA-PSS parameters are malformed');
    lastTag = field.tag;
    const inner = readTlv(params, field.valueStart, field.end);
    if (inner.end !== field.end) throw new DerError('the RSASSA-PSS parameters are malformed');
    if (field.tag === 0xa0) hash = hashOf(params, inner);
    else if (field.tag === 0xa1) {
      if (inner.tag !== TAG.SEQUENCE) throw new DerError('the RSASSA-PSS mask generation function is malformed');
      const mgfOid = readTlv(params, inner.valueStart, inner.end);
      if (mgfOid.tag !== TAG.OID || decodeOid(value(params, mgfOid)) !== MGF1) return null;
      const mgfParams = readTlv(params, mgfOid.end, inner.end);
      if (mgfParams.end !== inner.end) throw new DerError('the RSASSA-PSS mask generation function is malformed');
      mgfHash = hashOf(params, mgfParams);
    } else if (field.tag === 0xa2) {
      if (inner.tag !== TAG.INTEGER) throw new DerError('the RSASSA-PSS salt length is malformed');
      saltLength = smallInteger(minimalInteger(value(params, inner), 'the RSASSA-PSS salt length'));
    } else {
      if (inner.tag !== TAG.INTEGER || smallInteger(minimalInteger(value(params, inner), 'the RSASSA-PSS trailer')) !== 1) {
        throw new DerError('the RSASSA-PSS trailer field is not 1');
      }
    }
  }
  if (hash !== mgfHash) return null;
  return { ...alg, name: `rsassaPss (${hashLabel(hash)})`, hash, saltLength };
}

/** A hash AlgorithmIdentifier inside PSS parameters: a known OID with NULL or absent parameters (RFC 5754 2). */
function hashOf(buf: Uint8Array, algId: Tlv): string {
  if (algId.tag !== TAG.SEQUENCE) throw new DerError('a hash algorithm is malformed');
  const oid = readTlv(buf, algId.valueStart, algId.end);
  if (oid.tag !== TAG.OID) throw new DerError('a hash algorithm is malformed');
  if (!paramsAllowed('null-or-absent', oid.end < algId.end ? buf.subarray(oid.end, algId.end) : null)) {
    throw new DerError('a hash algorithm has parameters other than NULL');
  }
  const name = HASHES[decodeOid(value(buf, oid))];
  if (!name) throw new DerError('the hash algorithm is not supported');
  return name;
}

const WEBCRYPTO_CURVES = new Set(['P-256', 'P-384']);

/** A node KeyObject for the CSR's public key; throws when node cannot load it. */
export async function importPublicKey(key: PublicKeyInfo): Promise<KeyObject> {
  if (key.type === 'RSA') {
    return createPublicKey({ key: Buffer.from(key.keyBytes.buffer, key.keyBytes.byteOffset, key.keyBytes.byteLength), format: 'der', type: 'pkcs1' });
  }
  if (key.type === 'EC' && key.curve && WEBCRYPTO_CURVES.has(key.curve)) {
    const k = await webcrypto.subtle.importKey('raw', key.keyBytes, { name: 'ECDSA', namedCurve: key.curve }, true, ['verify']);
    return KeyObject.from(k);
  }
  return createPublicKey({ key: Buffer.from(key.spki), format: 'der', type: 'spki' });
}

/** True when `signature` over `data` verifies with `key` under `alg`. Throws when node cannot try. */
export function verifySignature(alg: ResolvedSignature, key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  if (alg.pss) {
    return verify(alg.hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength ?? 20 }, signature);
  }
  if (alg.keyType === 'EC' || alg.keyType === 'DSA') return verify(alg.hash, data, { key, dsaEncoding: 'der' }, signature);
  return verify(alg.hash, data, key, signature);
}
