// Opens the portal's SQLite file: WAL (readers never block the writer), a busy timeout so two
// processes take turns instead of failing, foreign keys on, synchronous=FULL so a reissue that
// was answered survives a crash, a small page cache, and the schema migrated. Every SQLite failure here becomes a
// ReissueError naming the file.
import Database from 'better-sqlite3';
import { portalError, ReissueError } from '../../../domain/errors.js';
import { damagedPortal } from '../../datadir.js';
import { createPrivately, switchToWal } from '../../../util/private-sqlite.js';
import { migrate, NewerPortalDatabase, NotAPortalDatabase } from './migrations.js';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;
export const CACHE_KIB = 2048;

export function openDatabase(path: string, migrations?: readonly string[], applied?: (version: number) => void): Db {
  let db: Db | undefined;
  try {
    createPrivately(path);
    db = new Database(path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Reading the header first: a file that is not a database fails here, before anything writes.
    db.pragma('schema_version');
    switchToWal(db, BUSY_TIMEOUT_MS);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // 2 MiB of page cache (SQLite's default, which better-sqlite3 raises to 16 MiB): the covering
    // index and the trigram index keep reads small, and a full scan would otherwise fill 16 MiB.
    db.pragma(`cache_size = -${CACHE_KIB}`);
    migrate(db, migrations, applied);
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof NotAPortalDatabase) throw damagedPortal(path, 'The portal database is not a reissue portal database: ' + e.message);
    if (e instanceof NewerPortalDatabase) {
      throw damagedPortal(path, `The portal database was written by a newer version of reissue (${e.message})`, 'Use that newer version, or choose another --data-dir.');
    }
    throw sqliteFailure(e, path);
  }
}

function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

function isBusy(e: unknown): boolean {
  const code = sqliteCode(e);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Maps an SQLite error to a ReissueError that names the file; anything else passes through. */
export function sqliteFailure(e: unknown, path: string): unknown {
  if (e instanceof ReissueError) return e;
  const code = sqliteCode(e);
  if (code === undefined) return e;
  // A broken constraint is a bug in this program, not damage to the user's data: keep it as is.
  if (code.startsWith('SQLITE_CONSTRAINT')) return e;
  const detail = (e as Error).message;
  if (isBusy(e)) {
    return portalError('portal-busy', `The portal database is busy: another process has held it locked for over ${BUSY_TIMEOUT_MS / 1000} s (${path}).`, 'Try again in a moment.', { seconds: BUSY_TIMEOUT_MS / 1000, path });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return damagedPortal(path, `The portal database cannot be written: ${detail}`, 'Check the permissions of the data directory and its files, or choose another --data-dir.');
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return damagedPortal(path, `The portal database cannot be opened: ${detail}`, 'Check that the data directory exists and is readable and writable, or choose another --data-dir.');
  }
  if (code.startsWith('SQLITE_FULL')) return damagedPortal(path, 'The disk holding the portal database is full', 'Free some space and try again.');
  // NOTADB, CORRUPT, IOERR and friends: the file is damaged.
  return damagedPortal(path, `The portal database is damaged or unreadable: ${detail}`);
}
