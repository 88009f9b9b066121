// How the double reads a CSR sent to reissueCertificate: parsed with @peculiar/x509, signature
// checked, subject attributes, DNS names and the public key's family and size taken out. Any
// failure is reported as "not a CSR" (Certum's errorCode 2097) or "bad signature" (2125).
import { describeSpki, doubleCrypto, x509 } from './test-ca.js';

export interface CsrFacts {
  commonName: string | null;
  organization: string | null;
  locality: string | null;
  state: string | null;
  country: string | null;
  dnsNames: string[];
  spki: Uint8Array;
  spkiHex: string;
  key: ReturnType<typeof describeSpki>;
}

export type CsrReading = { ok: true; csr: CsrFacts } | { ok: false; problem: 'unreadable' | 'signature' };

const OIDS = { CN: '2.5.4.3', O: '2.5.4.10', L: '2.5.4.7', ST: '2.5.4.8', C: '2.5.4.6' } as const;

export async function readCsr(text: string): Promise<CsrReading> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    const body = text.trim();
    if (!body) return { ok: false, problem: 'unreadable' };
    csr = body.includes('-----BEGIN') ? new x509.Pkcs10CertificateRequest(body) : new x509.Pkcs10CertificateRequest(Buffer.from(body, 'base64'));
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  let signed = false;
  try {
    signed = await csr.verify(doubleCrypto);
  } catch {
    signed = false;
  }
  if (!signed) return { ok: false, problem: 'signature' };
  const first = (oid: string): string | null => csr.subjectName.getField(oid)[0] ?? null;
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const dnsNames = san ? san.names.items.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()) : [];
  const spki = new Uint8Array(csr.publicKey.rawData);
  return {
    ok: true,
    csr: {
      commonName: first(OIDS.CN),
      organization: first(OIDS.O),
      locality: first(OIDS.L),
      state: first(OIDS.ST),
      country: first(OIDS.C),
      dnsNames,
      spki,
      spkiHex: Buffer.from(spki).toString('hex'),
      key: describeSpki(spki),
    },
  };
}
