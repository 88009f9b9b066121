// A minimal DER writer: just what a PKCS#10 request needs (SEQUENCE, SET, OID, INTEGER, strings,
// BIT / OCTET STRING). Building the request by hand instead of through @peculiar/x509 keeps its
// ~800 KB ASN.1 stack (50 ms to load) out of the card worker and the CSR commands.

/** One element: tag, definite length (short or long form), then the concatenated parts. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let len = 0;
  for (const p of parts) len += p.length;
  const head = lengthHeader(tag, len);
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function lengthHeader(tag: number, len: number): number[] {
  if (len < 0x80) return [tag, len];
  const bytes: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [tag, 0x80 | bytes.length, ...bytes];
}

export const sequence = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
/** A SET of one element (DER sorts the members of a larger SET OF; we never write one). */
export const setOfOne = (member: Uint8Array) => tlv(0x31, member);
export const nullValue = () => tlv(0x05);
export const octetString = (v: Uint8Array) => tlv(0x04, v);
/** BIT STRING with no unused bits (keys, signatures). */
export const bitString = (v: Uint8Array) => tlv(0x03, Uint8Array.of(0), v);

export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [];
  for (const arc of [a! * 40 + b!, ...rest]) {
    const groups = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) groups.unshift((n & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** INTEGER from an unsigned big-endian magnitude: leading zeros dropped, 0x00 added before a high bit. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const v = magnitude.subarray(i);
  return v.length && v[0]! & 0x80 ? tlv(0x02, Uint8Array.of(0), v) : tlv(0x02, v.length ? v : Uint8Array.of(0));
}

export const smallInteger = (n: number) => unsignedInteger(Uint8Array.of(n));

const utf8 = new TextEncoder();
/** PrintableString's characters (X.680): letters, digits, space and '()+,-./:=? */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** A directory string: PrintableString when every character allows it, UTF8String otherwise. */
export function directoryString(s: string): Uint8Array {
  return PRINTABLE.test(s) ? tlv(0x13, utf8.encode(s)) : tlv(0x0c, utf8.encode(s));
}

/** A context-specific tag: [n] IMPLICIT primitive, or [n] constructed. */
export const contextPrimitive = (n: number, v: Uint8Array) => tlv(0x80 | n, v);
export const contextConstructed = (n: number, ...parts: Uint8Array[]) => tlv(0xa0 | n, ...parts);
export const ascii = (s: string) => utf8.encode(s);
