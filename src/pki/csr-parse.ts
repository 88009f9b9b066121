// Reads a PKCS#10 request (RFC 2986) into just what the checks need, with the DER reader, and
// tells other DER structures apart (certificate, private key, CRL, ...) for the "what is it
// instead" message. Never looks inside private-key material beyond its outer shape.
import {
  DerError,
  TAG,
  bitStringBytes,
  children,
  decodeOid,
  expectTlv,
  inPart,
  integerBits,
  minimalInteger,
  readTlv,
  setOfChildren,
  smallInteger,
  value,
  whole,
  type Tlv,
} from './der.js';
import { readGeneralNames, readName, type GeneralName, type NameAttribute } from './name.js';

export interface PublicKeyInfo {
  /** 'RSA', 'EC', 'Ed25519', 'DSA', ... or the dotted OID when unknown. */
  type: string;
  /** The key algorithm's OID. */
  algorithmOid: string;
  /** The bytes after the OID in the key's AlgorithmIdentifier (its parameters), or null when absent. */
  algorithmParams: Uint8Array | null;
  /** RSA modulus bits, EC curve bits; 0 when unknown. */
  bits: number;
  /** Curve name (P-256, secp256k1, ...) or its OID; null for non-EC keys. */
  curve: string | null;
  /** The named curve's OID; null for non-EC keys and explicit parameters. */
  curveOid: string | null;
  /** RSA only: the modulus and public exponent (minimal DER integer contents). */
  rsa: { modulus: Uint8Array; exponent: Uint8Array } | null;
  /** The DER SubjectPublicKeyInfo as given (never copied into a certificate: see spki.ts). */
  spki: Uint8Array;
  /** The subjectPublicKey bit string's bytes (RSAPublicKey DER, EC point, raw Ed25519 key). */
  keyBytes: Uint8Array;
}

export interface ParsedCsr {
  tbs: Uint8Array;
  subject: NameAttribute[];
  key: PublicKeyInfo;
  sans: GeneralName[];
  signatureAlgorithmOid: string;
  /** The bytes after the OID in the signature AlgorithmIdentifier (its parameters), or null when absent. */
  signatureParams: Uint8Array | null;
  signature: Uint8Array;
}

const KEY_TYPES: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10046.2.1': 'DH',
};

const CURVES: Record<string, { name: string; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'P-192', bits: 192 },
  '1.3.132.0.33': { name: 'P-224', bits: 224 },
  '1.3.36.3.3.2.8.1.1.7': { name: 'brainpoolP256r1', bits: 256 },
  '1.3.36.3.3.2.8.1.1.11': { name: 'brainpoolP384r1', bits: 384 },
  '1.3.36.3.3.2.8.1.1.13': { name: 'brainpoolP512r1', bits: 512 },
};

const EXTENSION_REQUEST = new Set(['1.2.840.113549.1.9.14', '1.3.6.1.4.1.311.2.1.14']);
const SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * Parses a DER CertificationRequest. Throws DerError: `truncated` only when the request's outer
 * element runs past the end of the input (the data ends early); damage inside complete data
 * names the part it is in (`where`).
 */
export function parseCsrDer(buf: Uint8Array): ParsedCsr {
  const outer = readTlv(buf, 0);
  if (outer.tag !== TAG.SEQUENCE) throw new DerError('the data does not start with a DER SEQUENCE');
  if (outer.end !== buf.length) throw new DerError('there are extra bytes after the request');
  const [info, sigAlg, sig, ...rest] = inPart('the request structure', () => children(buf, outer));
  if (!info || !sigAlg || !sig || rest.length) throw new DerError('the request does not have the three parts of a CSR');
  if (info.tag !== TAG.SEQUENCE || sigAlg.tag !== TAG.SEQUENCE) throw new DerError('the request does not have the three parts of a CSR');
  const signature = inPart('the signature', () => bitStringBytes(buf, sig, 'the signature'));

  const parts = inPart('the request information', () => children(buf, info));
  const [version, subject, spki, attrs, ...extra] = parts;
  if (!version || !subject || !spki || extra.length) throw new DerError('the request information is incomplete');
  inPart('the version', () => {
    if (version.tag !== TAG.INTEGER || smallInteger(minimalInteger(value(buf, version), 'the version')) !== 0) throw new DerError('the request version is not 1');
  });
  const key = inPart('the public key', () => readPublicKey(buf, spki));
  const sans = attrs ? inPart('the request attributes', () => readAttributes(buf, attrs)) : [];
  const subjectName = inPart('the subject', () => readName(buf, subject));

  const { oid: sigOid, params } = inPart('the signature algorithm', () => readAlgorithm(buf, sigAlg));
  return {
    tbs: whole(buf, info),
    subject: subjectName,
    key,
    sans,
    signatureAlgorithmOid: sigOid,
    signatureParams: params,
    signature,
  };
}

/** An AlgorithmIdentifier: its OID and the raw bytes after it (null when there are none). */
function readAlgorithm(buf: Uint8Array, alg: Tlv): { oid: string; params: Uint8Array | null; paramsTlv: Tlv | null } {
  if (alg.tag !== TAG.SEQUENCE) throw new DerError('the algorithm identifier is not a SEQUENCE');
  const oidTlv = expectTlv(buf, alg.valueStart, alg.end, TAG.OID, 'the algorithm identifier');
  const paramsTlv = oidTlv.end < alg.end ? readTlv(buf, oidTlv.end, alg.end) : null;
  return { oid: decodeOid(value(buf, oidTlv)), params: paramsTlv ? buf.subarray(oidTlv.end, alg.end) : null, paramsTlv };
}

/** A DER SubjectPublicKeyInfo on its own (an earlier copy's key). Throws DerError. */
export function parseSpki(spki: Uint8Array): PublicKeyInfo {
  const outer = readTlv(spki, 0);
  if (outer.end !== spki.length) throw new DerError('there are extra bytes after the public key');
  return readPublicKey(spki, outer);
}

function readPublicKey(buf: Uint8Array, spki: Tlv): PublicKeyInfo {
  if (spki.tag !== TAG.SEQUENCE) throw new DerError('the public key is malformed');
  const [alg, bits, ...extra] = children(buf, spki);
  if (!alg || !bits || extra.length || alg.tag !== TAG.SEQUENCE) throw new DerError('the public key is malformed');
  const { oid, params, paramsTlv } = readAlgorithm(buf, alg);
  const keyBytes = bitStringBytes(buf, bits, 'the public key');
  const type = KEY_TYPES[oid] ?? oid;
  const info: PublicKeyInfo = { type, algorithmOid: oid, algorithmParams: params, bits: 0, curve: null, curveOid: null, rsa: null, spki: whole(buf, spki), keyBytes };
  if (type === 'RSA' || type === 'RSA-PSS') {
    const rsa = readTlv(keyBytes, 0);
    if (rsa.tag !== TAG.SEQUENCE || rsa.end !== keyBytes.length) throw new DerError('the RSA public key is malformed');
    const [n, e, ...more] = children(keyBytes, rsa);
    if (!n || !e || more.length || n.tag !== TAG.INTEGER || e.tag !== TAG.INTEGER) throw new DerError('the RSA public key is malformed');
    const modulus = minimalInteger(value(keyBytes, n), 'the RSA modulus');
    const exponent = minimalInteger(value(keyBytes, e), 'the RSA public exponent');
    if (modulus[0]! & 0x80 || exponent[0]! & 0x80) throw new DerError('the RSA public key is negative');
    info.bits = integerBits(modulus);
    info.rsa = { modulus, exponent };
  } else if (type === 'EC') {
    if (!paramsTlv) throw new DerError('the EC public key names no curve');
    if (paramsTlv.tag === TAG.OID) {
      const curveOid = decodeOid(value(buf, paramsTlv));
      const curve = CURVES[curveOid];
      info.curveOid = curveOid;
      info.curve = curve?.name ?? curveOid;
      info.bits = curve?.bits ?? 0;
    } else if (paramsTlv.tag === TAG.SEQUENCE) {
      info.curve = 'explicit parameters';
    } // anything else: no curve; the checker names the wrong parameters
  } else if (type === 'Ed25519' || type === 'X25519') {
    info.bits = 256;
  } else if (type === 'Ed448' || type === 'X448') {
    info.bits = 448;
  }
  return info;
}

// Names for the OIDs a refusal may mention; others are shown dotted.
const OID_NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.14': 'extensionRequest',
  '1.3.6.1.4.1.311.2.1.14': 'extensionRequest (Microsoft)',
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.15': 'keyUsage',
  '2.5.29.37': 'extKeyUsage',
  '2.5.29.14': 'subjectKeyIdentifier',
};
const oidName = (oid: string) => (OID_NAMES[oid] ? `${OID_NAMES[oid]} (${oid})` : oid);

/**
 * The request attributes, held to DER: a SET OF in sorted order, each attribute an OID and a
 * non-empty, sorted SET of values with nothing after it, no attribute type twice. Returns the
 * dNSName, iPAddress, ... entries of the subjectAltName in the extensionRequest attribute.
 */
function readAttributes(buf: Uint8Array, attrs: Tlv): GeneralName[] {
  if (attrs.tag !== 0xa0) throw new DerError('the request attributes are malformed');
  const out: GeneralName[] = [];
  const seen = new Set<string>();
  for (const attr of setOfChildren(buf, attrs, 'the request attributes')) {
    if (attr.tag !== TAG.SEQUENCE) throw new DerError('the request attributes are malformed');
    const oid = expectTlv(buf, attr.valueStart, attr.end, TAG.OID, 'an attribute');
    const type = decodeOid(value(buf, oid));
    const values = expectTlv(buf, oid.end, attr.end, TAG.SET, `the attribute ${oidName(type)}`);
    if (values.end !== attr.end) throw new DerError(`the attribute ${oidName(type)} has an extra element after its set of values`);
    if (seen.has(type)) throw new DerError(`the attribute ${oidName(type)} appears more than once`);
    seen.add(type);
    // Attribute values: SET SIZE (1..MAX) (RFC 2986); walking them also rejects bad tags/lengths.
    const items = setOfChildren(buf, values, `the values of the attribute ${oidName(type)}`);
    if (!items.length) throw new DerError(`the attribute ${oidName(type)} has no values`);
    if (!EXTENSION_REQUEST.has(type)) continue;
    // extensionRequest is single-valued (RFC 2985).
    if (items.length > 1) throw new DerError('the extension request holds more than one list of extensions');
    out.push(...inPart('the requested extensions', () => readExtensions(buf, items[0]!)));
  }
  return out;
}

/** Extensions, held to DER (no extension twice, critical only as an explicit TRUE); the SANs. */
function readExtensions(buf: Uint8Array, exts: Tlv): GeneralName[] {
  if (exts.tag !== TAG.SEQUENCE) throw new DerError('the requested extensions are malformed');
  const out: GeneralName[] = [];
  const seen = new Set<string>();
  for (const ext of children(buf, exts)) {
    if (ext.tag !== TAG.SEQUENCE) throw new DerError('the requested extensions are malformed');
    const extParts = children(buf, ext);
    const [extOid, critical] = extParts;
    const extValue = extParts[extParts.length - 1];
    if (!extOid || !extValue || extOid.tag !== TAG.OID || extValue.tag !== TAG.OCTET_STRING || extParts.length > 3 || extParts.length < 2) {
      throw new DerError('the requested extensions are malformed');
    }
    const type = decodeOid(value(buf, extOid));
    if (seen.has(type)) throw new DerError(`the extension ${oidName(type)} appears more than once`);
    seen.add(type);
    if (extParts.length === 3) {
      if (critical!.tag !== TAG.BOOLEAN || critical!.end - critical!.valueStart !== 1) throw new DerError(`the extension ${oidName(type)} has a malformed critical flag`);
      const flag = buf[critical!.valueStart];
      // critical BOOLEAN DEFAULT FALSE: DER leaves a default value out, and writes TRUE as FF.
      if (flag === 0x00) throw new DerError(`the extension ${oidName(type)} encodes critical FALSE explicitly; DER leaves a DEFAULT value out`);
      if (flag !== 0xff) throw new DerError(`the extension ${oidName(type)} has a critical flag that is not DER (TRUE is the byte FF)`);
    }
    if (type !== SUBJECT_ALT_NAME) continue;
    const inner = value(buf, extValue);
    out.push(
      ...inPart('the subject alternative names', () => {
        const seq = readTlv(inner, 0);
        if (seq.end !== inner.length) throw new DerError('there are extra bytes after the names');
        return readGeneralNames(inner, seq);
      }),
    );
  }
  return out;
}

export type DerKind = 'certificate' | 'private-key' | 'public-key' | 'crl' | 'pkcs7' | 'csr-like' | 'other';

/**
 * What a DER structure looks like from its outer shape. Used only after parseCsrDer failed, to
 * say what the input is instead; never throws, never decodes key material.
 */
export function classifyDer(buf: Uint8Array): DerKind {
  try {
    const outer = readTlv(buf, 0);
    if (outer.tag !== TAG.SEQUENCE) return 'other';
    const c = children(buf, outer);
    const tags = c.map((t) => t.tag);
    const [c0, c1, c2] = c;
    if (c.length === 3 && tags[0] === TAG.SEQUENCE && tags[1] === TAG.SEQUENCE && tags[2] === TAG.BIT_STRING) {
      const tbs = children(buf, c0!).map((t) => t.tag);
      if (tbs[0] === 0xa0) return 'certificate';
      if (tbs[0] === TAG.INTEGER && tbs[1] === TAG.SEQUENCE && tbs[2] === TAG.SEQUENCE && (tbs[3] === 0x17 || tbs[3] === 0x18)) return 'crl';
      if (tbs[0] === TAG.SEQUENCE && tbs[1] === TAG.SEQUENCE && (tbs[2] === 0x17 || tbs[2] === 0x18)) return 'crl';
      if (tbs.length >= 6 && tbs[0] === TAG.INTEGER) return 'certificate';
      return 'csr-like';
    }
    if (c0?.tag === TAG.INTEGER && c1?.tag === TAG.SEQUENCE && c2?.tag === TAG.OCTET_STRING) return 'private-key'; // PKCS#8
    if (c.length === 2 && c0?.tag === TAG.SEQUENCE && c1?.tag === TAG.OCTET_STRING) return 'private-key'; // encrypted PKCS#8
    if (c.length === 9 && tags.every((t) => t === TAG.INTEGER)) return 'private-key'; // PKCS#1 RSA
    if (c.length === 6 && tags.every((t) => t === TAG.INTEGER)) return 'private-key'; // DSA
    if (c0?.tag === TAG.INTEGER && c1?.tag === TAG.OCTET_STRING && c.length <= 4) return 'private-key'; // SEC1 EC
    if (c.length === 2 && c0?.tag === TAG.SEQUENCE && c1?.tag === TAG.BIT_STRING) return 'public-key';
    if (c0?.tag === TAG.OID && decodeOid(value(buf, c0)).startsWith('1.2.840.113549.1.7.')) return 'pkcs7';
    return 'other';
  } catch {
    return 'other';
  }
}
