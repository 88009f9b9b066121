import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isReissueError } from '../../src/domain/errors.js';
import { openDatabase } from '../../src/server/store/sqlite/db.js';
import { MIGRATIONS, migrate } from '../../src/server/store/sqlite/migrations.js';
import { tempDir } from './helpers.js';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

function dbPath(): string {
  const t = tempDir();
  cleanup.push(t.remove);
  return join(t.path, 'portal.sqlite');
}

function tables(db: Database.Database): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

describe('migrations', () => {
  it('bring a new database to the latest version with WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(dbPath());
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
      // 2 MiB of page cache (negative: KiB), not better-sqlite3's 16 MiB.
      expect(db.pragma('cache_size', { simple: true })).toBe(-2048);
      expect(tables(db)).toEqual(expect.arrayContaining(['accounts', 'api_tokens', 'certificates', 'idempotency', 'meta', 'products']));
    } finally {
      db.close();
    }
  });

  it('are applied once: reopening changes nothing', () => {
    const path = dbPath();
    openDatabase(path).close();
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('roll a failing migration back entirely and keep the earlier ones', () => {
    const path = dbPath();
    const steps = ['CREATE TABLE a (x INTEGER) STRICT;', 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO a VALUES (1); THIS IS NOT SQL;'];
    const db = new Database(path);
    try {
      expect(() => migrate(db, steps)).toThrow();
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(tables(db)).toEqual(['a']);
      expect(db.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 0 });
      // Fixed, the second one applies on the next open.
      expect(migrate(db, [steps[0]!, 'CREATE TABLE b (x INTEGER) STRICT;'])).toBe(2);
      expect(tables(db)).toEqual(['a', 'b']);
    } finally {
      db.close();
    }
  });

  it('index the certificates of a portal written before the trigram index when it is opened', () => {
    const path = dbPath();
    openDatabase(path, MIGRATIONS.slice(0, 1)).close();
    const v1 = new Database(path);
    v1.exec(`
      INSERT INTO accounts (id, name, role, created_at) VALUES (1, 'demo', 'customer', '2026-01-01T00:00:00Z');
      INSERT INTO products (id, name, category, key_sources, algorithms) VALUES (1, 'Trusted SSL', 'SSL (TLS)', '["csr"]', '["ec-p256"]');
      INSERT INTO certificates (id, serial, order_id, account_id, product_id, common_name, domains, subscriber, authorization_method,
        not_before, not_after, der, public_key_sha256, issued_at, search)
      VALUES ('crt-old0000001', '7f01', 'ORDER/1/po', 1, 1, 'Gdańsk.example', '["gdańsk.example"]', '{}', 'manual',
        '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', x'3000', 'ab', '2026-01-01T00:00:00.000Z',
        'crt-old0000001 gdańsk.example gdańsk.example order/1/po 7f01 trusted ssl');
    `);
    v1.close();
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const found = db.prepare(`SELECT rowid FROM certificates_search WHERE certificates_search MATCH '"ańs" AND "gda"'`).all();
      expect(found).toEqual([{ rowid: 1 }]);
    } finally {
      db.close();
    }
  });

  it('record the card keys of a portal written before card_keys when it is opened (first copy wins)', () => {
    const path = dbPath();
    openDatabase(path, MIGRATIONS.slice(0, 4)).close();
    const v4 = new Database(path);
    const card = (serial: string, keyId: string) => JSON.stringify({ serial, token: 't', manufacturer: 'm', model: 'x', module: 'libsofthsm2.so', keyId });
    v4.exec(`
      INSERT INTO accounts (id, name, role, created_at) VALUES (1, 'demo', 'customer', '2026-01-01T00:00:00Z');
      INSERT INTO products (id, name, category, key_sources, algorithms) VALUES (1, 'Code Signing', 'Code Signing', '["card"]', '["ec-p256"]');
    `);
    const insert = v4.prepare(`INSERT INTO certificates (id, serial, order_id, account_id, product_id, common_name, domains, subscriber, authorization_method,
        not_before, not_after, der, public_key_sha256, issued_at, search, key_source, card_evidence)
      VALUES (?, ?, 'ORDER/1/po', 1, 1, 'Org', '[]', '{}', 'manual', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', x'3000', ?, ?, ?, 'card', ?)`);
    insert.run('crt-a', '7f01', 'sha-a', '2026-01-01T00:00:00.000Z', 'a', card('s1', 'aa'));
    insert.run('crt-b', '7f02', 'sha-b', '2026-02-01T00:00:00.000Z', 'b', card('s1', 'aa'));
    insert.run('crt-c', '7f03', 'sha-c', '2026-03-01T00:00:00.000Z', 'c', null);
    v4.close();
    const db = openDatabase(path);
    try {
      expect(db.prepare(`SELECT card_serial, key_id, public_key_sha256, certificate_id FROM card_keys`).all()).toEqual([
        { card_serial: 's1', key_id: 'aa', public_key_sha256: 'sha-a', certificate_id: 'crt-a' },
      ]);
    } finally {
      db.close();
    }
  });

  it('leave a second connection that migrates the same file nothing to do', () => {
    const path = dbPath();
    const one = new Database(path);
    const two = new Database(path);
    try {
      migrate(one, MIGRATIONS);
      expect(migrate(two, MIGRATIONS)).toBe(MIGRATIONS.length);
    } finally {
      one.close();
      two.close();
    }
  });

  it('wait for another process that is about to write a new file before switching it to WAL', async () => {
    // Two processes opening one new data directory: while one holds the write lock of the new
    // file (switching it to WAL), SQLite answers the other's switch with SQLITE_BUSY at once,
    // without its busy handler. Seen as a flaky "portal-busy" when two processes created a portal.
    const path = dbPath();
    new Database(path).close(); // an empty file in rollback mode, as a second opener finds it
    const writer = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); console.log('locked'); setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, 400);`, path],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [first] = (await once(writer.stdout, 'data')) as [Buffer];
    expect(first.toString()).toContain('locked');
    const db = openDatabase(path);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
    await once(writer, 'close');
  });

  it('refuse an SQLite file of another program, naming it and leaving it alone', () => {
    const path = dbPath();
    const other = new Database(path);
    other.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'keep me\')');
    other.close();
    const e = catchError(() => openDatabase(path));
    expect(isReissueError(e) && e.kind).toBe('unexpected');
    expect((e as Error).message).toContain(path);
    const check = new Database(path);
    expect(tables(check)).toEqual(['notes']);
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();
  });

  it('refuse a database written by a newer version', () => {
    const path = dbPath();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const e = catchError(() => openDatabase(path));
    expect(isReissueError(e) && e.code).toBe('portal-data-damaged');
    expect((e as Error).message).toMatch(/newer version/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
