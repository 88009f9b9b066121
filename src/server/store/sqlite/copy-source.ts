// The SQLite side of `reissue admin copy`: the portal file opened read-only, read as one snapshot
// (a read transaction from open to close: a `serve` still writing to it changes nothing we see),
// in batches by rowid, so a large portal is never held in memory at once.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { inputError } from '../../../domain/errors.js';
import type { CertificateDigest, CopiedTable, CopySource, Row } from '../copy.js';
import { sqliteFailure, BUSY_TIMEOUT_MS, type Db } from './db.js';
import { MIGRATIONS } from './migrations.js';

const POSITION = '__copy_position';

export function openSqliteCopySource(path: string): CopySource {
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const portal = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'certificates')`).get() as { n: number };
    if (portal.n !== 2) throw notAPortal(path);
    if (version !== MIGRATIONS.length) {
      throw inputError(
        'copy-source-version',
        `${path} is at schema version ${version}; this reissue copies version ${MIGRATIONS.length}. Nothing was copied.`,
        version < MIGRATIONS.length ? 'Bring it up to date first: reissue admin migrate --data-dir DIR (its data directory).' : 'Copy it with the newer reissue that wrote it.',
        { path, version, expected: MIGRATIONS.length },
      );
    }
    return new SqliteCopySource(db, path);
  } catch (e) {
    db?.close();
    // A file that is not an SQLite database at all: the wrong file was named.
    if ((e as { code?: unknown }).code === 'SQLITE_NOTADB') throw notAPortal(path);
    throw sqliteFailure(e, path);
  }
}

const notAPortal = (path: string) =>
  inputError('copy-source-not-portal', `${path} is not a reissue portal database. Nothing was copied.`, 'Name the portal.sqlite of a reissue data directory (or the directory itself) in --from.', { path });

class SqliteCopySource implements CopySource {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    readonly where: string,
  ) {
    // The snapshot starts with the first read after BEGIN and lasts until close().
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM meta').get();
  }

  private statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  count(table: CopiedTable): number {
    return (this.statement(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  batch(table: CopiedTable, after: number | null, limit: number): { rows: Row[]; position: number | null } {
    const sql =
      table === 'certificates'
        ? `SELECT c.rowid AS ${POSITION}, c.*, p.name AS product_name FROM certificates c JOIN products p ON p.id = c.product_id
           WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?`
        : `SELECT rowid AS ${POSITION}, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`;
    const rows = this.statement(sql).all(after ?? -1, limit) as Row[];
    const position = rows.length ? (rows.at(-1)![POSITION] as number) : null;
    for (const row of rows) {
      if (table === 'certificates') row.seq = row[POSITION];
      delete row[POSITION];
    }
    return { rows, position };
  }

  digests(after: string, limit: number): CertificateDigest[] {
    const rows = this.statement(`SELECT id, der FROM certificates WHERE id > ? ORDER BY id LIMIT ?`).all(after, limit) as { id: string; der: Buffer }[];
    return rows.map((r) => ({ id: r.id, sha256: createHash('sha256').update(r.der).digest('hex') }));
  }

  close(): void {
    try {
      this.db.exec('COMMIT');
    } finally {
      this.db.close();
    }
  }
}
