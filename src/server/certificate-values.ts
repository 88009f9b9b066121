// Small values every issuing path needs (serials, key hashes, whole-second dates, what a leaf is
// for). Kept apart from ca.ts so that listing and showing certificates never load @peculiar/x509.
import { createHash, randomBytes } from 'node:crypto';

/** What a leaf certificate is for; decides KeyUsage and ExtendedKeyUsage. */
export type LeafUsage = 'tls-server' | 'code-signing';

/** A random positive 16-byte serial; the first byte is kept in 0x10–0x7f so the hex is always 32 digits. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x10 + (bytes[0]! % 0x70);
  return bytes.toString('hex');
}

/** SHA-256 of a SubjectPublicKeyInfo, hex: how the store matches keys ("same key" check, card install). */
export function publicKeyHash(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex');
}

/** X.509 dates carry whole seconds; rounding here keeps records and DER equal. */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export function leafUsageFor(productCategory: string): LeafUsage {
  return /code\s*signing/i.test(productCategory) ? 'code-signing' : 'tls-server';
}
