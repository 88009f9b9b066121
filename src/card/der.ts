// Just enough DER reading for the card layer: the raw issuer, subject and serial of a certificate
// (CKA_ISSUER / CKA_SUBJECT / CKA_SERIAL_NUMBER must be the exact encoded bytes) and the OCTET
// STRING around an EC point. Re-encoding through a parser could change string types; slicing can't.

export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the value. */
  valueStart: number;
  /** Offset just after the value. */
  end: number;
}

export function readTlv(der: Uint8Array, offset = 0): Tlv {
  const tag = der[offset];
  let len = der[offset + 1];
  if (tag === undefined || len === undefined) throw new Error('DER: truncated');
  let valueStart = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[valueStart + i] ?? 0);
    valueStart += n;
  }
  const end = valueStart + len;
  if (end > der.length) throw new Error('DER: truncated');
  return { tag, start: offset, valueStart, end };
}

/** The TLVs directly inside a constructed TLV. */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const t = readTlv(der, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

export interface CertificateFields {
  /** The full DER INTEGER (tag, length, value). */
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, sigAlg, issuer, validity, subject, ... } ... } */
export function certificateFields(der: Uint8Array): CertificateFields {
  const cert = readTlv(der);
  const tbs = children(der, cert)[0];
  if (cert.tag !== 0x30 || !tbs || tbs.tag !== 0x30) throw new Error('DER: not a certificate');
  const fields = children(der, tbs);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, , subject] = fields.slice(first);
  if (!serial || serial.tag !== 0x02 || !issuer || !subject) throw new Error('DER: not a certificate');
  const raw = (t: Tlv) => der.slice(t.start, t.end);
  return { serial: raw(serial), issuer: raw(issuer), subject: raw(subject) };
}

/** CKA_EC_POINT is usually an OCTET STRING around 04‖X‖Y, but some tokens return the raw point. */
export function unwrapEcPoint(value: Uint8Array, coordinateBytes: number): Uint8Array {
  if (value.length === 1 + 2 * coordinateBytes && value[0] === 0x04) return value;
  const t = readTlv(value);
  if (t.tag !== 0x04 || t.end !== value.length) throw new Error('EC point: unexpected encoding');
  return value.slice(t.valueStart, t.end);
}
