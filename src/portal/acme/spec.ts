// `--portal acme:https://ca.example/directory`: the ACME kind's spec, and where its files live.
// Pure: no file is touched here.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const PREFIX = /^acme:/i;

/** True when `spec` names an ACME directory (`acme:` then an http(s) URL). */
export function isAcmeSpec(spec: string): boolean {
  return PREFIX.test(spec) && /^https?:\/\/[^\s]+$/i.test(spec.replace(PREFIX, ''));
}

/** The directory URL of an `acme:` spec. */
export function directoryUrlOf(spec: string): string {
  return spec.replace(PREFIX, '');
}

/**
 * The folder of one directory URL inside the data directory: its host (readable in `ls`) and a
 * hash of the whole URL (two directories of one host, e.g. staging and production, stay apart).
 */
export function acmeFolder(dataDir: string, directoryUrl: string): string {
  const host = new URL(directoryUrl).host.replace(/[^A-Za-z0-9.-]+/g, '_');
  const hash = createHash('sha256').update(directoryUrl).digest('hex').slice(0, 12);
  return join(dataDir, 'acme', `${host}-${hash}`);
}

/** The account key file of one contact (per directory folder): contacts never share a key. */
export function accountKeyName(contact: string): string {
  return `account-${createHash('sha256').update(contact.toLowerCase()).digest('hex').slice(0, 12)}.key`;
}
