// A readable dump of a certificate for the wizard's "Certificate preview" and `show`-style views.
import { createHash, createPublicKey } from 'node:crypto';
import { inputError } from '../domain/errors.js';
import { DerError, TAG, children, decodeOid, readTlv, value } from './der.js';
import { displaySafe } from './name.js';
import { decodePemBlocks, looksLikePem } from './pem.js';
import { resolveSignatureAlgorithm } from './signature.js';
import { x509 } from './x509.js';

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS server authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS client authentication',
  '1.3.6.1.5.5.7.3.3': 'Code signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail protection',
  '1.3.6.1.5.5.7.3.8': 'Time stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP signing',
};

const KEY_USAGE_NAMES: [number, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'Digital signature'],
  [x509.KeyUsageFlags.nonRepudiation, 'Non-repudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'Key encipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'Data encipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'Key agreement'],
  [x509.KeyUsageFlags.keyCertSign, 'Certificate signing'],
  [x509.KeyUsageFlags.cRLSign, 'CRL signing'],
  [x509.KeyUsageFlags.encipherOnly, 'Encipher only'],
  [x509.KeyUsageFlags.decipherOnly, 'Decipher only'],
];

/** The certificate's DER from PEM (first CERTIFICATE block) or DER input. */
export function certificateDer(input: Uint8Array): Uint8Array {
  if (looksLikePem(input)) {
    const block = decodePemBlocks(Buffer.from(input).toString('latin1')).find((b) => b.label === 'CERTIFICATE');
    if (!block) throw inputError('cert-invalid', 'No certificate (BEGIN CERTIFICATE) was found in the input.', 'Give a certificate in PEM or DER form.');
    return block.der;
  }
  return input;
}

function parseCertificate(input: Uint8Array): { cert: x509.X509Certificate; der: Uint8Array } {
  const der = certificateDer(input);
  try {
    const copy = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
    return { cert: new x509.X509Certificate(copy), der };
  } catch {
    throw inputError('cert-invalid', 'The input is not a readable X.509 certificate.', 'Give a certificate in PEM or DER form.');
  }
}

/** The certificate's SubjectPublicKeyInfo (DER): to compare keys (CSR same-key check, card install). */
export function certificatePublicKeySpki(der: Uint8Array): Uint8Array {
  return new Uint8Array(parseCertificate(der).cert.publicKey.rawData);
}

/** Multi-line text: subject, issuer, serial, validity, SANs, key, signature, fingerprint, usages. */
export function describeCertificate(input: Uint8Array): string {
  const { cert, der } = parseCertificate(input);
  const lines: [string, string][] = [
    ['Subject', displaySafe(cert.subject, 400)],
    ['Issuer', displaySafe(cert.issuer, 400)],
    ['Serial number', cert.serialNumber.toLowerCase()],
    ['Valid from', cert.notBefore.toISOString()],
    ['Valid to', cert.notAfter.toISOString()],
  ];
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (san) lines.push(['Alternative names', san.names.toJSON().map((n) => displaySafe(n.type === 'dns' ? n.value : `${n.type}:${n.value}`)).join(', ')]);
  lines.push(['Public key', publicKeyText(cert)]);
  lines.push(['Signature algorithm', signatureAlgorithmName(der)]);
  lines.push(['SHA-256 fingerprint', createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':')]);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  if (ku) lines.push(['Key usage', KEY_USAGE_NAMES.filter(([flag]) => ku.usages & flag).map(([, name]) => name).join(', ')]);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  if (eku) lines.push(['Extended key usage', eku.usages.map((u) => EKU_NAMES[String(u)] ?? String(u)).join(', ')]);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (bc) lines.push(['Basic constraints', bc.ca ? `CA${bc.pathLength !== undefined ? `, path length ${bc.pathLength}` : ''}` : 'not a CA']);
  const width = Math.max(...lines.map(([k]) => k.length)) + 2;
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n');
}

function publicKeyText(cert: x509.X509Certificate): string {
  try {
    const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
    const d = key.asymmetricKeyDetails ?? {};
    if (key.asymmetricKeyType === 'rsa') return `RSA ${d.modulusLength} bits`;
    if (key.asymmetricKeyType === 'ec') return `EC ${curveName(d.namedCurve)}`;
    return String(key.asymmetricKeyType).toUpperCase();
  } catch {
    return 'unknown';
  }
}

function curveName(openssl: string | undefined): string {
  return openssl === 'prime256v1' ? 'P-256' : openssl === 'secp384r1' ? 'P-384' : openssl === 'secp521r1' ? 'P-521' : (openssl ?? 'unknown curve');
}

function signatureAlgorithmName(der: Uint8Array): string {
  try {
    const outer = readTlv(der, 0);
    const algId = children(der, outer)[1];
    if (!algId || algId.tag !== TAG.SEQUENCE) return 'unknown';
    const oidTlv = readTlv(der, algId.valueStart, algId.end);
    const oid = decodeOid(value(der, oidTlv));
    const params = oidTlv.end < algId.end ? der.subarray(oidTlv.end, algId.end) : null;
    return resolveSignatureAlgorithm(oid, params && params[0] !== TAG.NULL ? params : null)?.name ?? oid;
  } catch (e) {
    if (e instanceof DerError) return 'unknown';
    throw e;
  }
}
