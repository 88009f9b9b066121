// Shared set-up for the portal service tests: temp data directories, a clock the test moves,
// CSRs made by openssl, and a look at the certificates through openssl.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Clock } from '../../src/domain/clock.js';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { openPortalService } from '../../src/server/service.js';
import type { LocalPortalService } from '../../src/server/service.js';
import { openssl, opensslCsr } from '../helpers/openssl.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TestClock extends Clock {
  set(at: Date | string): void;
  advanceDays(days: number): void;
}

export function testClock(start: Date | string = '2026-06-01T10:00:00Z'): TestClock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (at) => {
      t = new Date(at).getTime();
    },
    advanceDays: (days) => {
      t += days * DAY_MS;
    },
  };
}

/** A fresh temp folder; remove() deletes it. */
export function tempDir(prefix = 'reissue-server-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A seeded portal in a new temp data directory; `cleanup` closes it and deletes the folder. */
export async function seededService(clock: Clock = testClock()): Promise<{ service: LocalPortalService; dir: string; cleanup(): void }> {
  const tmp = tempDir();
  const dir = join(tmp.path, 'data');
  const service = await openPortalService({ dataDir: dir, clock });
  return {
    service,
    dir,
    cleanup: () => {
      service.close();
      tmp.remove();
    },
  };
}

/** A new key pair and CSR made by openssl; returns the CSR bytes (PEM) and the paths. */
export function makeCsr(
  dir: string,
  name: string,
  opts: { key?: 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384' | 'rsa-1024'; cn: string; sans?: string[]; md?: string },
): { pem: Uint8Array; csrPath: string; keyPath: string } {
  const { csrPath, keyPath } = opensslCsr(dir, name, { key: opts.key ?? 'ec-p256', cn: opts.cn, sans: opts.sans ?? [opts.cn], md: opts.md });
  return { pem: new Uint8Array(readFileSync(csrPath)), csrPath, keyPath };
}

/** Writes bytes to a file in `dir` and returns its path (for openssl). */
export function writeTemp(dir: string, name: string, data: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

/** openssl's view of a certificate file: subject, SANs, validity, serial, public key (DER hex). */
export function opensslCertificate(path: string): { subject: string; sans: string[]; notBefore: Date; notAfter: Date; serial: string; publicKey: string } {
  const text = openssl(['x509', '-in', path, '-noout', '-subject', '-serial', '-dates', '-ext', 'subjectAltName', '-nameopt', 'RFC2253,-esc_msb']);
  const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix))?.slice(prefix.length).trim() ?? '';
  const sanLine = text.split('\n').findIndex((l) => l.includes('Subject Alternative Name'));
  const sans = sanLine >= 0 ? text.split('\n')[sanLine + 1]!.trim().split(', ').map((s) => s.replace(/^DNS:/, '')) : [];
  const pub = openssl(['x509', '-in', path, '-noout', '-pubkey']);
  return {
    subject: line('subject='),
    sans,
    notBefore: new Date(line('notBefore=')),
    notAfter: new Date(line('notAfter=')),
    serial: line('serial=').toLowerCase(),
    publicKey: pemPublicKeyHex(pub),
  };
}

export function pemPublicKeyHex(pem: string): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('hex');
}

export function csrPublicKeyHex(csrPath: string): string {
  return pemPublicKeyHex(openssl(['req', '-in', csrPath, '-noout', '-pubkey']));
}

/** Every row of every table (the trigram index's own tables too), in a comparable form. */
export function snapshot(db: Database.Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  for (const { name } of names) {
    // Sorted here: some of those tables are WITHOUT ROWID, so there is no common ORDER BY.
    out[name] = (db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('hex') : v])))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** The ReissueError a promise rejects with (anything else fails the test). */
export async function rejection(p: Promise<unknown>): Promise<ReissueError> {
  try {
    await p;
  } catch (e) {
    if (isReissueError(e)) return e;
    throw e;
  }
  throw new Error('expected a ReissueError');
}
