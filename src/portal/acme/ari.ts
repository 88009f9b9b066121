// ACME Renewal Information (RFC 9773): the certificate identifier a CA knows a copy by (its
// Authority Key Identifier and serial number, each base64url) and the renewal window the CA
// suggests for it. Only used when the directory names a `renewalInfo` resource.
import { x509 } from '../../pki/x509.js';

/** RFC 9773 §4.1: base64url(AKI keyIdentifier) "." base64url(serial number DER content octets). */
export function ariCertId(cert: x509.X509Certificate): string | null {
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  if (!aki?.keyId) return null;
  return `${Buffer.from(aki.keyId, 'hex').toString('base64url')}.${Buffer.from(serialOctets(cert.serialNumber)).toString('base64url')}`;
}

/** The serial's DER INTEGER content octets: a leading zero byte when the top bit is set. */
export function serialOctets(serialHex: string): Uint8Array {
  let hex = serialHex.replace(/^(00)+(?=[0-9a-f]{2})/i, '');
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export interface RenewalWindow {
  start: string;
  end: string;
  explanationUrl: string | null;
}

/** The suggested window from a renewalInfo answer, or null when it is not one. */
export function parseRenewalInfo(body: unknown): RenewalWindow | null {
  const w = (body as { suggestedWindow?: { start?: unknown; end?: unknown } } | null)?.suggestedWindow;
  if (!w || typeof w.start !== 'string' || typeof w.end !== 'string' || Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end))) return null;
  const url = (body as { explanationURL?: unknown }).explanationURL;
  return { start: new Date(w.start).toISOString(), end: new Date(w.end).toISOString(), explanationUrl: typeof url === 'string' ? url : null };
}

export interface NewOrderPayload {
  identifiers: { type: 'dns'; value: string }[];
  replaces?: string;
}

/**
 * The newOrder body for a reissue: the old copy's names, and (RFC 9773 §5) the copy it replaces
 * when the directory offers renewalInfo and the old copy has an identifier.
 */
export function newOrderPayload(domains: string[], directory: Record<string, unknown>, replacesCertId: string | null): NewOrderPayload {
  const identifiers = domains.map((value) => ({ type: 'dns' as const, value }));
  return typeof directory.renewalInfo === 'string' && replacesCertId ? { identifiers, replaces: replacesCertId } : { identifiers };
}
