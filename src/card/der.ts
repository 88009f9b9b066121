// Just enough DER reading for the card layer: the raw issuer, subject and serial of a certificate
// (CKA_ISSUER / CKA_SUBJECT / CKA_SERIAL_NUMBER must be the exact encoded bytes), its public key
// (to find the matching key on the card), a CSR's subject and the OCTET STRING around an EC point. Re-encoding
// through a parser could change string types; slicing can't (and keeps @peculiar/x509 out of the
// card worker).
import { children, DerError, readTlv, type Tlv } from '../pki/der.js';

export interface CertificateFields {
  /** The full DER INTEGER (tag, length, value). */
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  /** SubjectPublicKeyInfo. */
  spki: Uint8Array;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, sigAlg, issuer, validity, subject, spki, ... }, sigAlg, signature } */
export function certificateFields(der: Uint8Array): CertificateFields {
  try {
    const cert = readTlv(der, 0);
    const [tbs, sigAlg, signature] = cert.tag === 0x30 ? children(der, cert) : [];
    if (!tbs || tbs.tag !== 0x30 || sigAlg?.tag !== 0x30 || signature?.tag !== 0x03) throw new Error('DER: not a certificate');
    const fields = children(der, tbs);
    const first = fields[0]?.tag === 0xa0 ? 1 : 0;
    const [serial, alg, issuer, validity, subject, spki] = fields.slice(first);
    const isSeq = (t: Tlv | undefined): t is Tlv => t?.tag === 0x30;
    if (serial?.tag !== 0x02 || !isSeq(alg) || !isSeq(issuer) || !isSeq(validity) || !isSeq(subject) || !isSeq(spki)) throw new Error('DER: not a certificate');
    const raw = (t: Tlv) => der.slice(t.start, t.end);
    return { serial: raw(serial), issuer: raw(issuer), subject: raw(subject), spki: raw(spki) };
  } catch (e) {
    if (e instanceof DerError) throw new Error(e.truncated ? 'DER: truncated' : 'DER: not a certificate');
    throw e;
  }
}

/** CKA_EC_POINT is usually an OCTET STRING around 04‖X‖Y, but some tokens return the raw point. */
export function unwrapEcPoint(value: Uint8Array, coordinateBytes: number): Uint8Array {
  if (value.length === 1 + 2 * coordinateBytes && value[0] === 0x04) return value;
  const t = readTlv(value, 0);
  if (t.tag !== 0x04 || t.end !== value.length) throw new Error('EC point: unexpected encoding');
  return value.slice(t.valueStart, t.end);
}

/** The subject Name (DER) of a CSR: CertificationRequest { info { version, subject, … } }. */
export function csrSubjectDer(csrDer: Uint8Array): Uint8Array {
  const info = children(csrDer, readTlv(csrDer, 0))[0];
  const subject = info && children(csrDer, info)[1];
  if (!subject) throw new Error('CSR without a subject');
  return csrDer.slice(subject.start, subject.end);
}
