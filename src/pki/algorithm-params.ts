// What an AlgorithmIdentifier's parameters must be, exactly as each algorithm's RFC says, and a
// plain description of what a CSR carries instead. Pure: no I/O, no crypto.
import { DerError, TAG, readTlv } from './der.js';

/**
 * - 'null': exactly NULL (rsaEncryption keys, RFC 3279 2.3.1).
 * - 'null-or-absent': NULL, or absent (RSA PKCS#1 v1.5 signatures: RFC 4055 section 5 requires
 *   NULL from signers and acceptance of both from verifiers).
 * - 'absent': no parameters at all (ECDSA RFC 5758 3.2, EdDSA RFC 8410 3, DSA RFC 3279 2.2.2).
 * - 'named-curve': exactly one OBJECT IDENTIFIER (id-ecPublicKey keys in PKIX, RFC 5480 2.1.1).
 * - 'sequence': exactly one SEQUENCE (RSASSA-PSS-params, RFC 4055 3.1; its fields are read by
 *   resolveSignatureAlgorithm).
 */
export type ParamsRule = 'null' | 'null-or-absent' | 'absent' | 'named-curve' | 'sequence';

const NULL = Uint8Array.of(TAG.NULL, 0);

/** True when `params` (the bytes after the OID, null when none) are exactly what `rule` allows. */
export function paramsAllowed(rule: ParamsRule, params: Uint8Array | null): boolean {
  switch (rule) {
    case 'absent':
      return params === null;
    case 'null':
      return params !== null && Buffer.from(params).equals(NULL);
    case 'null-or-absent':
      return params === null || Buffer.from(params).equals(NULL);
    case 'named-curve':
      return singleElement(params)?.tag === TAG.OID;
    case 'sequence':
      return singleElement(params)?.tag === TAG.SEQUENCE;
  }
}

/** What `rule` asks for, for messages. */
export function expectedText(rule: ParamsRule): string {
  return {
    null: 'NULL parameters',
    'null-or-absent': 'NULL parameters',
    absent: 'no parameters',
    'named-curve': 'the named curve only',
    sequence: 'the RSASSA-PSS parameter structure',
  }[rule];
}

const TAG_NAMES: Record<number, string> = {
  0x01: 'a BOOLEAN',
  0x02: 'an INTEGER',
  0x03: 'a BIT STRING',
  0x04: 'an OCTET STRING',
  0x05: 'NULL',
  0x06: 'an OBJECT IDENTIFIER',
  0x0c: 'a UTF8String',
  0x13: 'a PrintableString',
  0x16: 'an IA5String',
  0x30: 'a SEQUENCE',
  0x31: 'a SET',
};

/** "no parameters", "a UTF8String", "NULL with content", "2 elements", ... */
export function describeParams(params: Uint8Array | null): string {
  if (params === null) return 'no parameters';
  const one = singleElement(params);
  if (!one) return elementCount(params) > 1 ? `${elementCount(params)} elements` : 'damaged bytes';
  if (one.tag === TAG.NULL) return one.end > one.valueStart ? 'NULL with content' : 'NULL';
  const name = TAG_NAMES[one.tag] ?? `an element with tag 0x${one.tag.toString(16).padStart(2, '0')}`;
  return one.end === one.valueStart ? `an empty ${name.replace(/^an? /, '')}` : name;
}

/** The one DER element `params` consist of, or null (absent, several, or unreadable). */
function singleElement(params: Uint8Array | null): { tag: number; valueStart: number; end: number } | null {
  if (!params) return null;
  try {
    const t = readTlv(params, 0);
    return t.end === params.length ? t : null;
  } catch (e) {
    if (e instanceof DerError) return null;
    throw e;
  }
}

function elementCount(params: Uint8Array): number {
  let n = 0;
  try {
    for (let pos = 0; pos < params.length; n++) pos = readTlv(params, pos).end;
  } catch {
    return 0;
  }
  return n;
}
