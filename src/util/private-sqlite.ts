// A small SQLite file of this program's own (a ledger in the data directory): its folder made
// 0700 and the file 0600 whatever the umask (SQLite gives its -wal and -shm files the same mode),
// WAL so readers never wait for the writer, a busy timeout so processes take turns instead of
// failing, synchronous=FULL so what was recorded survives a crash, foreign keys on, and the
// schema brought up to date by `user_version`, one migration per step, each in one BEGIN
// IMMEDIATE transaction (two processes opening a new file together: the second finds it made).
// The caller maps the errors (NewerSqliteFile, or SQLite's own) to its own words.
import { closeSync, fchmodSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { makePrivateDir } from './private-dir.js';

export interface PrivateSqliteOptions {
  /** migrations[i] takes the file from user_version i to i + 1. */
  migrations: readonly (readonly string[])[];
  busyTimeoutMs?: number;
}

/** The file was written by a newer version of this program (a schema this one does not know). */
export class NewerSqliteFile extends Error {
  constructor(
    readonly path: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(`${path}: schema version ${version}, this program knows up to ${known}`);
  }
}

export function openPrivateSqlite(path: string, opts: PrivateSqliteOptions): Database.Database {
  const busyMs = opts.busyTimeoutMs ?? 10_000;
  makePrivateDir(dirname(path));
  createPrivately(path);
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${busyMs}`);
    // Reading the header first: a file that is not a database fails here, before anything writes.
    db.pragma('schema_version');
    switchToWal(db, busyMs);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, path, opts.migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Database.Database, path: string, migrations: PrivateSqliteOptions['migrations']): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > migrations.length) throw new NewerSqliteFile(path, version(), migrations.length);
  while (version() < migrations.length) {
    db.transaction(() => {
      // Read again under the write lock: another process may have taken this step meanwhile.
      const v = version();
      if (v >= migrations.length) return;
      for (const sql of migrations[v]!) db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

/** Creates the file with mode 0600 whatever the umask (SQLite gives its -wal and -shm files the same mode); an existing one is left as it is. */
export function createPrivately(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch {
    return; // it exists, or SQLite is about to say why it cannot be opened
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/**
 * The switch to WAL needs the file to itself, and SQLite answers SQLITE_BUSY at once (without
 * the busy handler) while another connection reads it, as when two processes open a new file
 * together: wait here, within the busy timeout.
 */
export function switchToWal(db: Database.Database, busyMs: number): void {
  const deadline = Date.now() + busyMs;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      const code = String((e as { code?: unknown }).code ?? '');
      if (!/^SQLITE_(BUSY|LOCKED)/.test(code) || Date.now() >= deadline) throw e;
      Atomics.wait(sleeper, 0, 0, 10 + Math.random() * 20);
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
