// Distinguished names and GeneralNames read with the DER reader, and a display guard: every string
// taken from a CSR passes through `displaySafe` before it reaches a terminal or a message, so a
// request cannot move the cursor, change colours or reorder text.
import { DerError, TAG, children, decodeOid, readTlv, setOfChildren, value, type Tlv } from './der.js';

export interface NameAttribute {
  /** Short name (CN, O, ...) or the dotted OID. */
  type: string;
  value: string;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
// TextDecoder has a fixed cost per call that dominates for short names; Latin-1 is 1 byte/char.
const latin1 = { decode: (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1') };

/** The text of a directory string (UTF8String, PrintableString, IA5String, BMPString, ...). */
export function decodeString(buf: Uint8Array, t: Tlv): string {
  const v = value(buf, t);
  switch (t.tag) {
    case 0x0c: // UTF8String
      try {
        return utf8.decode(v);
      } catch {
        throw new DerError('a name contains invalid UTF-8');
      }
    case 0x12: // NumericString
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
    case 0x14: // TeletexString (treated as Latin-1, as most tools do)
      return latin1.decode(v);
    case 0x1e: {
      // BMPString: UTF-16BE
      if (v.length % 2) throw new DerError('a name contains an odd-length BMPString');
      let s = '';
      for (let i = 0; i < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      if (v.length % 4) throw new DerError('a name contains an odd-length UniversalString');
      let s = '';
      for (let i = 0; i < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        if (cp > 0x10ffff) throw new DerError('a name contains an invalid character');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      throw new DerError('a name contains a value that is not a string');
  }
}

/** The attributes of a Name (RDNSequence), in encoded order. */
export function readName(buf: Uint8Array, name: Tlv): NameAttribute[] {
  if (name.tag !== TAG.SEQUENCE) throw new DerError('the subject is not a name');
  const out: NameAttribute[] = [];
  for (const rdn of children(buf, name)) {
    if (rdn.tag !== TAG.SET) throw new DerError('the subject is malformed');
    // RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
    if (rdn.end === rdn.valueStart) throw new DerError('the subject has an empty RDN (a set with no attribute in it)');
    for (const atv of setOfChildren(buf, rdn, 'the attributes of a multi-valued RDN')) {
      if (atv.tag !== TAG.SEQUENCE) throw new DerError('the subject is malformed');
      const oid = readTlv(buf, atv.valueStart, atv.end);
      if (oid.tag !== TAG.OID) throw new DerError('the subject is malformed');
      const val = readTlv(buf, oid.end, atv.end);
      if (val.end !== atv.end) throw new DerError('the subject is malformed');
      const dotted = decodeOid(value(buf, oid));
      out.push({ type: SHORT_NAMES[dotted] ?? dotted, value: decodeString(buf, val) });
    }
  }
  return out;
}

/** "CN=example.com, O=Example" — RFC 4514 escaping, encoded order, made display-safe. */
export function formatName(attrs: NameAttribute[]): string {
  return attrs.map((a) => `${a.type}=${escapeDnValue(displaySafe(a.value))}`).join(', ');
}

function escapeDnValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

export interface GeneralName {
  kind: 'dns' | 'ip' | 'email' | 'uri' | 'other';
  value: string;
}

/** Entries of a GeneralNames SEQUENCE (the SAN extension's value). */
export function readGeneralNames(buf: Uint8Array, seq: Tlv): GeneralName[] {
  if (seq.tag !== TAG.SEQUENCE) throw new DerError('the subject alternative names are malformed');
  const out: GeneralName[] = [];
  for (const gn of children(buf, seq)) {
    const v = value(buf, gn);
    switch (gn.tag) {
      case 0x82:
        out.push({ kind: 'dns', value: latin1.decode(v) });
        break;
      case 0x81:
        out.push({ kind: 'email', value: latin1.decode(v) });
        break;
      case 0x86:
        out.push({ kind: 'uri', value: latin1.decode(v) });
        break;
      case 0x87:
        out.push({ kind: 'ip', value: formatIp(v) });
        break;
      default:
        out.push({ kind: 'other', value: `[tag ${gn.tag & 0x1f}]` });
    }
  }
  return out;
}

function formatIp(v: Uint8Array): string {
  if (v.length === 4) return Array.from(v).join('.');
  if (v.length === 16) {
    const groups: number[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((v[i]! << 8) | v[i + 1]!);
    // RFC 5952: compress the longest run (2+) of zero groups.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && groups[j] === 0) j++;
      if (j - i > bestLen) [best, bestLen] = [i, j - i];
      i = j === i ? i + 1 : j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best < 0) return hex.join(':');
    return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
  }
  return `[${v.length}-byte address]`;
}

// C0/C1 controls, DEL, bidi overrides/isolates, zero-width and line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** Escapes characters that could steer a terminal and caps the length. */
export function displaySafe(s: string, max = 256): string {
  const escaped = s.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
