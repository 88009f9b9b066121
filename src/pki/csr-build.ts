// Builds and signs a PKCS#10 request for a certificate's subject and domains. The crypto is
// passed in: node's WebCrypto for software keys, or the card's signer for on-card keys
// (@peculiar/x509 only calls exportKey('spki') and sign() on it).
import { x509, softwareCrypto } from './x509.js';

export interface CsrSubject {
  commonName: string;
  domains: string[];
  organization?: { name: string; country: string; stateOrProvince: string; locality: string } | null;
}

/** The signature algorithm used for a key: RSA PKCS#1 v1.5 SHA-256, ECDSA with the curve's hash. */
export function signingAlgorithmFor(key: CryptoKey): Algorithm | EcdsaParams {
  const alg = key.algorithm as { name: string; namedCurve?: string };
  if (alg.name === 'ECDSA') return { name: 'ECDSA', hash: alg.namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256' } as EcdsaParams;
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm;
}

export function subjectName(s: CsrSubject): x509.JsonName {
  const name: x509.JsonName = [{ CN: [s.commonName] }];
  const o = s.organization;
  if (o) {
    name.push({ O: [o.name] }, { L: [o.locality] }, { ST: [o.stateOrProvince] }, { C: [countryCode(o.country)] });
  }
  return name;
}

const HOST_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

export async function buildCsr(subject: CsrSubject, keys: CryptoKeyPair, crypto: Crypto = softwareCrypto): Promise<string> {
  // A CN that is not a host name (code signing: an organisation) must not become a dNSName.
  const domains = subject.domains.length ? subject.domains : HOST_NAME.test(subject.commonName) ? [subject.commonName] : [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subjectName(subject),
      keys,
      signingAlgorithm: signingAlgorithmFor(keys.privateKey),
      extensions: domains.length ? [new x509.SubjectAlternativeNameExtension(domains.map((d) => ({ type: 'dns' as const, value: d })))] : [],
    },
    crypto,
  );
  return csr.toString('pem').replace(/\r\n/g, '\n') + '\n';
}

// Countries as the portal stores them ("Poland") → ISO 3166 alpha-2 for the C attribute.
const COUNTRY_CODES: Record<string, string> = { poland: 'PL', germany: 'DE', 'united kingdom': 'GB', 'united states': 'US', france: 'FR', czechia: 'CZ' };
export function countryCode(country: string): string {
  if (/^[A-Z]{2}$/.test(country)) return country;
  return COUNTRY_CODES[country.toLowerCase()] ?? country.slice(0, 2).toUpperCase();
}
