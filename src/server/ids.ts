// Certificate ids: short, lower case, URL-safe, easy to type, and never mistaken for a hex serial
// (they contain a dash and letters beyond f).
import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no i, l, o, 0, 1

export function newCertificateId(): string {
  let s = 'crt-';
  for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/**
 * What a user may type for a certificate: its id, or its serial in hex in any case, with or
 * without colons. Returns both readings; the store matches either.
 */
export function certificateKey(input: string): { id: string; serial: string } {
  const id = input.trim().toLowerCase();
  const hex = id.replace(/:/g, '');
  return { id, serial: /^[0-9a-f]+$/.test(hex) ? hex.replace(/^0+(?=.)/, '') : '' };
}
