// The PostgreSQL schema history: applied once however many instances start together, and a
// database from a newer version refused.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NewerPortalDatabase } from '../../src/server/store/schema-errors.js';
import { PG_MIGRATIONS } from '../../src/server/store/postgres/migrations.js';
import { openPostgresStore } from '../../src/server/store/postgres/postgres-store.js';
import { startCluster, type TestCluster } from '../helpers/postgres.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(() => cluster?.stop());

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

it('six instances opening one new database at once apply each migration once, in order', async () => {
  const db = await cluster.createDatabase();
  try {
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore(db.url)));
    await Promise.all(stores.map((s) => s.close()));
    const rows = await query<{ version: number }>(db.url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    expect(await query(db.url, `SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`)).toHaveLength(1);
  } finally {
    await db.drop();
  }
});

it('a database written by a newer version is refused, and left as it is', async () => {
  const db = await cluster.createDatabase();
  try {
    await (await openPostgresStore(db.url)).close();
    await query(db.url, 'INSERT INTO schema_migrations (version) VALUES (99)');
    await expect(openPostgresStore(db.url)).rejects.toBeInstanceOf(NewerPortalDatabase);
    expect((await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM schema_migrations'))[0]!.n).toBe(PG_MIGRATIONS.length + 1);
  } finally {
    await db.drop();
  }
});
