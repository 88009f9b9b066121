// PKCS#11 URIs (RFC 7512): the names p11tool, openssl's pkcs11 engine/provider and p11-kit use for
// a token, a key or a certificate. Formatted for everything the card layer shows; parsed wherever
// a token or key is chosen. Pure.
import { usageError } from '../domain/errors.js';
import type { ObjectType, Pkcs11Uri } from './card.js';

const PATH_NAMES: Record<string, keyof Pkcs11Uri> = {
  token: 'token',
  manufacturer: 'manufacturer',
  serial: 'serial',
  model: 'model',
  'slot-id': 'slotId',
  object: 'object',
  id: 'id',
  type: 'type',
  'library-manufacturer': 'libraryManufacturer',
  'library-description': 'libraryDescription',
};
// Recognised but not used for matching: the library version, slot description and manufacturer.
const PATH_IGNORED = new Set(['library-version', 'slot-description', 'slot-manufacturer']);
const QUERY_NAMES: Record<string, keyof Pkcs11Uri> = { 'module-path': 'modulePath', 'module-name': 'moduleName' };
const TYPES = ['private', 'public', 'cert', 'secret-key', 'data'];

export const isPkcs11Uri = (s: string) => /^pkcs11:/i.test(s.trim());

// RFC 7512 pchar minus the separators: unreserved characters stay, everything else is %XX (UTF-8),
// upper-case hex as RFC 3986 asks and as p11tool prints, so the same object has one URI.
const pct = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
const encode = (s: string) => Array.from(Buffer.from(s, 'utf8'), (b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : pct(b))).join('');
const encodeBytes = (hex: string) => Array.from(Buffer.from(hex, 'hex'), pct).join('');

export interface TokenIdentity {
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
}

/** `pkcs11:model=…;manufacturer=…;serial=…;token=…` — the attribute order p11tool prints. */
export function tokenUri(t: TokenIdentity): string {
  return `pkcs11:model=${encode(t.model)};manufacturer=${encode(t.manufacturer)};serial=${encode(t.serial)};token=${encode(t.label)}`;
}

/** A key or certificate on a token: by CKA_ID (hex), CKA_LABEL and object class. */
export function objectUri(t: TokenIdentity, o: { id: string; label: string; type: ObjectType }): string {
  return `${tokenUri(t)};id=${encodeBytes(o.id)};object=${encode(o.label)};type=${o.type}`;
}

function decode(raw: string, what: string): Buffer {
  if (/%(?![0-9a-fA-F]{2})/.test(raw)) throw badUri(`"${what}" has a "%" not followed by two hex digits`);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '%') {
      out.push(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(raw[i]!, 'utf8'));
  }
  return Buffer.from(out);
}

function badUri(why: string) {
  return usageError('bad-pkcs11-uri', `Not a usable PKCS#11 URI: ${why}.`, 'Copy the URI `reissue card list` prints, e.g. pkcs11:token=NAME;id=%01%02;type=private');
}

export function parsePkcs11Uri(text: string): Pkcs11Uri {
  const s = text.trim();
  if (!isPkcs11Uri(s)) throw badUri('it does not start with "pkcs11:"');
  const [path = '', query = ''] = s.slice('pkcs11:'.length).split('?', 2);
  const out: Pkcs11Uri = {};
  const take = (part: string, names: Record<string, keyof Pkcs11Uri>, ignored: Set<string>, sep: string) => {
    for (const attr of part.split(sep)) {
      if (!attr) continue;
      const eq = attr.indexOf('=');
      if (eq < 1) throw badUri(`"${attr}" is not name=value`);
      const name = attr.slice(0, eq).toLowerCase();
      const raw = attr.slice(eq + 1);
      const key = names[name];
      if (!key) {
        if (ignored.has(name) || name.startsWith('x-')) continue;
        throw badUri(`"${name}" is not a PKCS#11 URI attribute`);
      }
      if (out[key] !== undefined) throw badUri(`"${name}" is given twice`);
      const bytes = decode(raw, name);
      if (key === 'id') out.id = bytes.toString('hex');
      else if (key === 'type') {
        const v = bytes.toString('utf8');
        if (!TYPES.includes(v)) throw badUri(`type "${v}" is not one of ${TYPES.join(', ')}`);
        out.type = v as ObjectType;
      } else (out as Record<string, string>)[key] = bytes.toString('utf8');
    }
  };
  take(path, PATH_NAMES, PATH_IGNORED, ';');
  // pin-value / pin-source are never taken: a PIN is typed or read with --pin-stdin.
  if (/(^|&)pin-(value|source)=/i.test(query)) {
    throw usageError('pin-in-uri', 'A PIN in the URI (pin-value / pin-source) is not accepted: it would show in the process list and shell history.', 'Remove it from the URI; type the PIN when asked, or use --pin-stdin.');
  }
  take(query, QUERY_NAMES, new Set(), '&');
  return out;
}

/** Does this URI name this token? (Only the token attributes count.) */
export function uriMatchesToken(u: Pkcs11Uri, t: TokenIdentity): boolean {
  return (
    (u.token === undefined || u.token === t.label) &&
    (u.serial === undefined || u.serial === t.serial) &&
    (u.manufacturer === undefined || u.manufacturer === t.manufacturer) &&
    (u.model === undefined || u.model === t.model)
  );
}

/** Does this URI name this module (library-* and module-path / module-name)? */
export function uriMatchesModule(u: Pkcs11Uri, m: { path: string; manufacturer: string | null; description: string | null }): boolean {
  const base = m.path.split('/').pop() ?? m.path;
  return (
    (u.libraryManufacturer === undefined || u.libraryManufacturer === m.manufacturer) &&
    (u.libraryDescription === undefined || u.libraryDescription === m.description) &&
    (u.modulePath === undefined || u.modulePath === m.path) &&
    (u.moduleName === undefined || base === u.moduleName || base.replace(/\.so(\.\d+)*$/, '') === u.moduleName)
  );
}
