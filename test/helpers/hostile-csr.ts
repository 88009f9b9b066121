// CSRs built byte by byte and signed with node:crypto, so each part can be made wrong on purpose:
// AlgorithmIdentifier parameters, integer encodings, lengths, trailing bytes. Every hostile CSR
// is correctly self-signed over its own (hostile) request information, so only the checker's
// strictness can refuse it.
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { oid, tlv } from '../pki/helpers.js';

export const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const P256 = '1.2.840.10045.3.1.7';
export const SHA256_RSA = '1.2.840.113549.1.1.11';
export const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
export const RSASSA_PSS = '1.2.840.113549.1.1.10';

export const NULL = Buffer.from([0x05, 0x00]);
export const seq = (...parts: Uint8Array[]) => tlv(0x30, Buffer.concat(parts));
export const int = (bytes: number[] | Uint8Array) => tlv(0x02, Buffer.from(bytes));

export interface TestKey {
  kind: 'rsa' | 'ec';
  privateKey: KeyObject;
  /** RSA: modulus and exponent magnitudes (no sign byte). */
  n?: Buffer;
  e?: Buffer;
  /** EC: the uncompressed point. */
  point?: Buffer;
}

export function rsaKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kind: 'rsa', privateKey, n: Buffer.from(jwk.n!, 'base64url'), e: Buffer.from(jwk.e!, 'base64url') };
}

export function ecKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { kind: 'ec', privateKey, point: Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]) };
}

/** A positive INTEGER's content: 00 prepended when the high bit is set. */
export const positive = (m: Buffer) => (m[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), m]) : m);

export interface CsrParts {
  /** Bytes after the key algorithm OID (undefined: the standard ones). */
  keyParams?: Buffer;
  /** RSA: content of the modulus / exponent INTEGERs (default: minimal). */
  modulus?: Buffer;
  exponent?: Buffer;
  /** EC: the point (default: uncompressed). */
  point?: Buffer;
  /** The version INTEGER's content (default 00). */
  version?: Buffer;
  /** Bytes after the signature algorithm OID (undefined: the standard ones). */
  sigParams?: Buffer;
  /** Signature algorithm OID (default sha256WithRSAEncryption / ecdsa-with-SHA256). */
  sigOid?: string;
  /** PSS salt length when sigOid is RSASSA-PSS. */
  pssSalt?: number;
  cn?: string;
  /** Rewrites the encoded request information before it is signed. */
  editInfo?: (info: Buffer) => Buffer;
  /** Rewrites the whole CSR after signing. */
  editCsr?: (csr: Buffer) => Buffer;
}

export function spkiOf(key: TestKey, parts: CsrParts = {}): Buffer {
  if (key.kind === 'rsa') {
    const rsa = seq(int(parts.modulus ?? positive(key.n!)), int(parts.exponent ?? positive(key.e!)));
    return seq(seq(oid(RSA_ENCRYPTION), parts.keyParams ?? NULL), tlv(0x03, Buffer.concat([Buffer.from([0]), rsa])));
  }
  return seq(seq(oid(EC_PUBLIC_KEY), parts.keyParams ?? oid(P256)), tlv(0x03, Buffer.concat([Buffer.from([0]), parts.point ?? key.point!])));
}

/** A DER CSR for `key`, with the given parts replaced; self-signed with the key. */
export function hostileCsr(key: TestKey, parts: CsrParts = {}): Buffer {
  const subject = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(parts.cn ?? 'assecodata.pl')))));
  let info = seq(tlv(0x02, parts.version ?? Buffer.from([0])), subject, spkiOf(key, parts), Buffer.from([0xa0, 0x00]));
  if (parts.editInfo) info = parts.editInfo(info);
  const sigOid = parts.sigOid ?? (key.kind === 'rsa' ? SHA256_RSA : ECDSA_SHA256);
  let signature: Buffer;
  let defaultParams: Buffer;
  if (sigOid === RSASSA_PSS) {
    const salt = parts.pssSalt ?? 32;
    signature = sign('sha256', info, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt });
    const sha256 = seq(oid('2.16.840.1.101.3.4.2.1'));
    defaultParams = seq(tlv(0xa0, sha256), tlv(0xa1, seq(oid('1.2.840.113549.1.1.8'), sha256)), tlv(0xa2, int([salt])));
  } else {
    signature = sign('sha256', info, key.kind === 'ec' ? { key: key.privateKey, dsaEncoding: 'der' } : key.privateKey);
    defaultParams = key.kind === 'rsa' ? NULL : Buffer.alloc(0);
  }
  const algId = seq(oid(sigOid), parts.sigParams ?? defaultParams);
  const csr = seq(info, algId, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return parts.editCsr ? parts.editCsr(csr) : csr;
}

export function toPem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** Re-encodes the length of the element at `pos` in a non-minimal long form (BER, not DER). */
export function berLength(der: Buffer, pos: number): Buffer {
  const len = der[pos + 1]!;
  if (len & 0x80) throw new Error('only short lengths are rewritten');
  return Buffer.concat([der.subarray(0, pos + 1), Buffer.from([0x81, len]), der.subarray(pos + 2)]);
}
