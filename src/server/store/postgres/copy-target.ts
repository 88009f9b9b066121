// The PostgreSQL side of `reissue admin copy`: the target database migrated, then every write and
// every check in ONE transaction with the portal's tables locked (EXCLUSIVE: an instance started
// meanwhile waits instead of making a portal of its own), committed only when the checks pass.
import pg from 'pg';
import { COPIED_TABLES, type CertificateDigest, type CopiedTable, type CopyTarget, type CopyWriter } from '../copy.js';
import { inputError, ReissueError } from '../../../domain/errors.js';
import { NewerPortalDatabase } from '../schema-errors.js';
import { displayUrl, postgresFailure } from './failure.js';
import { migratePostgres } from './migrations.js';

/** A column that numbers rows (an identity): its sequence continues after the copied values. */
const NUMBERED: readonly (readonly [CopiedTable, string])[] = [
  ['accounts', 'id'],
  ['products', 'id'],
  ['outbox', 'id'],
  ['certificates', 'seq'],
];

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 65_000;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function openPostgresCopyTarget(url: string): Promise<CopyTarget> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end();
    throw postgresFailure(e, url);
  }
  const close = async () => {
    client.release();
    await pool.end();
  };
  try {
    await migratePostgres(client);
  } catch (e) {
    await close();
    if (e instanceof NewerPortalDatabase) {
      throw inputError('copy-target-newer', `The target database ${displayUrl(url)} was written by a newer version of reissue (${e.message}). Nothing was copied.`, 'Copy with that newer version, or name another database in --to.', { target: displayUrl(url) });
    }
    throw postgresFailure(e, url);
  }
  return {
    close,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        await client.query(`LOCK TABLE ${COPIED_TABLES.join(', ')} IN EXCLUSIVE MODE`);
        const result = await fn(writer(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e instanceof ReissueError ? e : postgresFailure(e, url);
      }
    },
  };
}

function writer(client: pg.PoolClient): CopyWriter {
  const count = async (table: CopiedTable) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  return {
    count,
    async nonEmpty() {
      const found: { table: CopiedTable; rows: number }[] = [];
      for (const table of COPIED_TABLES) {
        const n = await count(table);
        if (n > 0) found.push({ table, rows: n });
      }
      return found;
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
      // certificates.seq is GENERATED ALWAYS: the source's order is kept by giving it explicitly.
      const overriding = table === 'certificates' ? ' OVERRIDING SYSTEM VALUE' : '';
      for (let start = 0; start < rows.length; start += perStatement) {
        const chunk = rows.slice(start, start + perStatement);
        const values: unknown[] = [];
        const tuples = chunk.map((row) => `(${columns.map((c) => `$${values.push(row[c] ?? null)}`).join(', ')})`);
        await client.query(`INSERT INTO ${table} (${columns.map(quote).join(', ')})${overriding} VALUES ${tuples.join(', ')}`, values);
      }
    },
    async link(links) {
      if (links.length === 0) return;
      await client.query(
        `UPDATE certificates c SET replaces = l.replaces, replaced_by = l.replaced_by
         FROM unnest($1::text[], $2::text[], $3::text[]) AS l (id, replaces, replaced_by) WHERE c.id = l.id`,
        [links.map((l) => l.id), links.map((l) => l.replaces), links.map((l) => l.replacedBy)],
      );
    },
    async continueSequences() {
      for (const [table, column] of NUMBERED) {
        // Empty table: the sequence starts at 1; else the next value follows the highest copied one.
        await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), coalesce(max(${column}), 1), max(${column}) IS NOT NULL) FROM ${table}`);
      }
    },
    async digests(after, limit) {
      const { rows } = await client.query<CertificateDigest>(`SELECT id, encode(sha256(der), 'hex') AS sha256 FROM certificates WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit]);
      return rows;
    },
  };
}
