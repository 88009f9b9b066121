// The embedded portal's data directory: where each file lives, how it is created, and the one
// error every damaged or inconsistent directory gets. We never repair, re-seed or overwrite a
// portal that is already there: the user decides (restore a backup, or choose another folder).
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { access, chmod, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ReissueError } from '../domain/errors.js';
import { makePrivateDir } from '../util/private-dir.js';

export interface DataDirLayout {
  dir: string;
  db: string;
  caKey: string;
  caCert: string;
  /** Messages written as .eml files when no SMTP server is configured. */
  outbox: string;
}

export function dataDirLayout(dir: string): DataDirLayout {
  return { dir, db: join(dir, 'portal.sqlite'), caKey: join(dir, 'ca-key.pem'), caCert: join(dir, 'ca.pem'), outbox: join(dir, 'outbox') };
}

const RESTORE_HINT = 'Restore the data directory from a backup, or choose another one with --data-dir (an empty folder gets a fresh sandbox portal).';

/** A portal file is damaged, missing or unreadable: exit 1, and nothing was changed. */
export function damagedPortal(file: string, what: string, hint: string = RESTORE_HINT): ReissueError {
  return new ReissueError('unexpected', 'portal-data-damaged', `${what} (${file}). Nothing was changed.`, hint, { file });
}

/**
 * Creates the folder and its missing parents (mode 0700: it holds the CA key) when missing;
 * refuses a non-folder. An existing folder others can read or enter is tightened to 0700, or
 * refused with the reason when that cannot be done (another user's folder, a read-only one).
 */
export async function ensureDataDir(dir: string): Promise<void> {
  let made: string[];
  try {
    made = makePrivateDir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw damagedPortal(dir, 'The data directory is not a folder');
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw damagedPortal(dir, 'The data directory cannot be created', 'Choose a folder you can write to with --data-dir.');
    }
    throw e;
  }
  const s = await stat(dir);
  if (!s.isDirectory()) throw damagedPortal(dir, 'The data directory is not a folder');
  if (made.length > 0 || (s.mode & 0o077) === 0) return;
  try {
    await chmod(dir, 0o700);
  } catch (e) {
    const mode = (s.mode & 0o777).toString(8).padStart(4, '0');
    const why = (e as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : 'it belongs to another user';
    throw new ReissueError(
      'input',
      'data-dir-not-private',
      `The data directory ${dir} can be read by other users (mode ${mode}) and cannot be made private (${why}). Nothing was changed.`,
      `Make it private yourself (chmod 700 ${dir}), or choose a folder of your own with --data-dir.`,
      { dir, mode, why },
    );
  }
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes `data` to `path` only if `path` does not exist yet: the bytes go to a private temp file
 * (synced) that is then hard-linked into place, so `path` appears complete or not at all, and a
 * file someone else created in the meantime is never replaced. Returns false when `path` existed.
 * Synchronous on purpose: it runs inside the SQLite transaction that initialises the portal.
 */
export function createFileAtomically(path: string, data: string, mode: number): boolean {
  const tmp = join(path, '..', `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode); // the umask may have narrowed it
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}
