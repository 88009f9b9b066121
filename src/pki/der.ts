// A small, strict DER reader for the CSR check's hot path. @peculiar/x509's schema parser costs
// about 4-15x one signature verification per CSR (measured for issue 7), so the checker walks the
// few fields it needs here, with bounds checks on every length. The same parse serves the checks
// and the issuance (the CA re-encodes the parsed key, see spki.ts).

export class DerError extends Error {
  override name = 'DerError';
  constructor(
    message: string,
    /** True when a length runs past the end of the input: the data was cut short. */
    readonly truncated = false,
    /** The part of the structure the damage is in ("the subject alternative names"), when known. */
    readonly where: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Runs `read` over one part of a complete structure: any damage found is reported as damage in
 * `where`, never as truncation (that part's bytes are all present; only their content is wrong).
 */
export function inPart<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DerError) throw new DerError(e.message, false, e.where ?? where);
    throw e;
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: `tag` (single-byte tags only), header start, value start and end (exclusive). */
export interface Tlv {
  tag: number;
  start: number;
  valueStart: number;
  end: number;
}

/** Reads the element at `pos`; it must end at or before `limit`. */
export function readTlv(buf: Uint8Array, pos: number, limit: number = buf.length): Tlv {
  if (pos >= limit) throw new DerError('an element is missing', limit >= buf.length);
  const tag = buf[pos]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in a CSR');
  if (pos + 1 >= limit) throw new DerError('an element header is cut short', limit >= buf.length);
  let len = buf[pos + 1]!;
  let valueStart = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite lengths are not DER');
    if (n > 4) throw new DerError('an element length is too large');
    if (valueStart + n > limit) throw new DerError('an element header is cut short', limit >= buf.length);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[valueStart + i]!;
    if (buf[valueStart] === 0 || len < 0x80) throw new DerError('an element length is not in minimal form');
    valueStart += n;
  }
  const end = valueStart + len;
  if (end > limit) {
    throw new DerError(`an element declares ${len} bytes but only ${limit - valueStart} are present`, limit >= buf.length);
  }
  return { tag, start: pos, valueStart, end };
}

/** Reads the element at `pos` and checks its tag. */
export function expectTlv(buf: Uint8Array, pos: number, limit: number, tag: number, what: string): Tlv {
  const t = readTlv(buf, pos, limit);
  if (t.tag !== tag) throw new DerError(`${what} has the wrong type`);
  return t;
}

/** The direct children of a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = parent.valueStart;
  while (pos < parent.end) {
    const t = readTlv(buf, pos, parent.end);
    out.push(t);
    pos = t.end;
  }
  return out;
}

export function value(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.valueStart, t.end);
}

export function whole(buf: Uint8Array, t: Tlv): Uint8Array {
  return buf.subarray(t.start, t.end);
}

/** Dotted form of an OBJECT IDENTIFIER's value. */
export function decodeOid(v: Uint8Array): string {
  if (v.length === 0 || v.length > 64) throw new DerError('an object identifier is malformed');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    if (n === 0 && b === 0x80) throw new DerError('an object identifier is malformed');
    n = n * 128 + (b & 0x7f);
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new DerError('an object identifier is malformed');
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    } else if (i === v.length - 1) throw new DerError('an object identifier is malformed');
  }
  const first = parts[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts.slice(1)].join('.');
}

/** Content of a BIT STRING with no unused bits (keys and signatures). */
export function bitStringBytes(buf: Uint8Array, t: Tlv, what: string): Uint8Array {
  if (t.tag !== TAG.BIT_STRING || t.end === t.valueStart) throw new DerError(`${what} is not a bit string`);
  if (buf[t.valueStart] !== 0) throw new DerError(`${what} has unused bits`);
  return buf.subarray(t.valueStart + 1, t.end);
}

/** Checks DER's minimal INTEGER encoding: no 00 before a clear high bit, no FF before a set one. */
export function minimalInteger(v: Uint8Array, what: string): Uint8Array {
  if (v.length === 0) throw new DerError(`${what} is an empty integer`);
  if (v.length > 1 && ((v[0] === 0x00 && !(v[1]! & 0x80)) || (v[0] === 0xff && v[1]! & 0x80))) {
    throw new DerError(`${what} is an integer with superfluous leading bytes (not minimal DER)`);
  }
  return v;
}

/** Bit length of a positive INTEGER value. */
export function integerBits(v: Uint8Array): number {
  let i = 0;
  while (i < v.length && v[i] === 0) i++;
  if (i === v.length) return 0;
  return (v.length - i - 1) * 8 + (32 - Math.clz32(v[i]!));
}

/** A small non-negative INTEGER (version numbers). */
export function smallInteger(v: Uint8Array): number {
  if (v.length === 0 || v.length > 4) throw new DerError('an integer is out of range');
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/**
 * The children of a SET OF, which DER (X.690 11.6) sorts by their encodings compared as octet
 * strings (the shorter padded with zero octets). Throws naming `what` when they are out of order.
 */
export function setOfChildren(buf: Uint8Array, set: Tlv, what: string): Tlv[] {
  const items = children(buf, set);
  for (let i = 1; i < items.length; i++) {
    if (compareEncodings(whole(buf, items[i - 1]!), whole(buf, items[i]!)) > 0) throw new DerError(`${what} are not in DER order (a SET OF must be sorted)`);
  }
  return items;
}

function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
