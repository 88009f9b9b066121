// Builds and signs a PKCS#10 request for a certificate's subject and domains. The crypto is
// passed in: node's WebCrypto for software keys, or the card's signer for on-card keys; only
// exportKey('spki') and sign() are called on it. The DER is written here (der-write.ts) rather
// than through @peculiar/x509, whose ASN.1 stack costs ~50 ms to load: the card worker and the CSR
// commands load only this.
import {
  ascii,
  bitString,
  contextConstructed,
  contextPrimitive,
  directoryString,
  nullValue,
  octetString,
  oid,
  sequence,
  setOfOne,
  smallInteger,
  unsignedInteger,
} from './der-write.js';
import { isDnsName } from '../domain/names.js';
import { encodePem } from './pem.js';
import { softwareCrypto } from './software-crypto.js';

export interface CsrSubject {
  commonName: string;
  domains: string[];
  organization?: { name: string; country: string; stateOrProvince: string; locality: string } | null;
}

const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  countryName: '2.5.4.6',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
} as const;

interface SigningAlgorithm {
  /** What crypto.subtle.sign() is called with. */
  params: { name: 'ECDSA'; hash: 'SHA-256' | 'SHA-384' } | { name: 'RSASSA-PKCS1-v1_5' };
  /** The CSR's signatureAlgorithm (AlgorithmIdentifier DER). */
  identifier: Uint8Array;
  /** Turns what sign() returned into the BIT STRING's content. */
  encode: (signature: Uint8Array) => Uint8Array;
}

/** RSA PKCS#1 v1.5 with SHA-256; ECDSA with the curve's hash (SHA-384 for P-384). */
function signingAlgorithmFor(key: CryptoKey): SigningAlgorithm {
  const alg = key.algorithm as { name: string; namedCurve?: string };
  if (alg.name === 'ECDSA') {
    const p384 = alg.namedCurve === 'P-384';
    return {
      params: { name: 'ECDSA', hash: p384 ? 'SHA-384' : 'SHA-256' },
      identifier: sequence(oid(p384 ? OID.ecdsaWithSHA384 : OID.ecdsaWithSHA256)),
      encode: ecdsaSignatureDer,
    };
  }
  return { params: { name: 'RSASSA-PKCS1-v1_5' }, identifier: sequence(oid(OID.sha256WithRSAEncryption), nullValue()), encode: (s) => s };
}

/** WebCrypto (and the card) return ECDSA signatures as r‖s; X.509 wants SEQUENCE { r INTEGER, s INTEGER }. */
function ecdsaSignatureDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2) throw new Error(`ECDSA signature of odd length ${raw.length}`);
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

/** One RDN per attribute, in the order CN, O, L, ST, C. */
function subjectName(s: CsrSubject): Uint8Array {
  const rdn = (type: string, value: string) => setOfOne(sequence(oid(type), directoryString(value)));
  const rdns = [rdn(OID.commonName, s.commonName)];
  const o = s.organization;
  if (o) {
    rdns.push(rdn(OID.organizationName, o.name), rdn(OID.localityName, o.locality), rdn(OID.stateOrProvinceName, o.stateOrProvince), rdn(OID.countryName, countryCode(o.country)));
  }
  return sequence(...rdns);
}

/** [0] attributes: an extensionRequest with a (non-critical) subjectAltName of dNSNames, or nothing. */
function attributes(domains: string[]): Uint8Array {
  if (!domains.length) return contextConstructed(0);
  const san = sequence(...domains.map((d) => contextPrimitive(2, ascii(d))));
  const extensions = sequence(sequence(oid(OID.subjectAltName), octetString(san)));
  return contextConstructed(0, sequence(oid(OID.extensionRequest), setOfOne(extensions)));
}

const asBytes = (b: ArrayBuffer) => new Uint8Array(b);

export async function buildCsr(subject: CsrSubject, keys: CryptoKeyPair, crypto: Crypto = softwareCrypto): Promise<string> {
  // A CN that is not a host name (code signing: an organisation) must not become a dNSName, nor
  // may any other name that is not one.
  const domains = subject.domains.length ? subject.domains : isDnsName(subject.commonName) ? [subject.commonName] : [];
  const bad = domains.find((d) => !isDnsName(d));
  if (bad !== undefined) throw new Error(`"${bad}" is not a DNS name and cannot go into a subjectAltName`);
  const alg = signingAlgorithmFor(keys.privateKey);
  const spki = asBytes(await crypto.subtle.exportKey('spki', keys.publicKey));
  const info = sequence(smallInteger(0), subjectName(subject), spki, attributes(domains));
  const signature = alg.encode(asBytes(await crypto.subtle.sign(alg.params, keys.privateKey, info)));
  return encodePem('CERTIFICATE REQUEST', sequence(info, alg.identifier, bitString(signature)));
}

// Countries as the portal stores them ("Poland") → ISO 3166 alpha-2 for the C attribute.
const COUNTRY_CODES: Record<string, string> = { poland: 'PL', germany: 'DE', 'united kingdom': 'GB', 'united states': 'US', france: 'FR', czechia: 'CZ' };
export function countryCode(country: string): string {
  if (/^[A-Z]{2}$/.test(country)) return country;
  return COUNTRY_CODES[country.toLowerCase()] ?? country.slice(0, 2).toUpperCase();
}
