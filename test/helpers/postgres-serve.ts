// One throw-away PostgreSQL database and data directory per test file, for `reissue serve`
// processes sharing them; every process still running is killed and everything removed after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from './cli.js';
import { startCluster, type TestCluster } from './postgres.js';
import { exited, type Served } from './serve.js';

export interface PostgresServeFixture {
  /** The database's URL and data directory (set in beforeAll). */
  url: string;
  dir: string;
  /** Processes to kill after the file's tests. */
  served: Served[];
  /** One query on its own connection. */
  sql<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** A new API token for `account`, made by `reissue admin token create … --store URL`. */
  token(account: string): Promise<string>;
}

export function postgresServeFixture(prefix: string): PostgresServeFixture {
  let cluster: TestCluster | undefined;
  let db: { url: string; drop(): Promise<void> } | undefined;
  const f: PostgresServeFixture = {
    url: '',
    dir: '',
    served: [],
    async token(account) {
      const r = await runCli(['admin', 'token', 'create', account, '--data-dir', f.dir, '--store', f.url]);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim().split('\n')[0]!.trim();
    },
    async sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
      const c = new pg.Client({ connectionString: f.url });
      await c.connect();
      try {
        return (await c.query<T>(text, values)).rows;
      } finally {
        await c.end();
      }
    },
  };
  beforeAll(async () => {
    cluster = await startCluster();
    db = await cluster.createDatabase();
    f.url = db.url;
    f.dir = await mkdtemp(join(tmpdir(), prefix));
  }, 120_000);
  afterAll(async () => {
    for (const s of f.served) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(f.served.map((s) => exited(s.child)));
    await db?.drop();
    await cluster?.stop();
    if (f.dir) await rm(f.dir, { recursive: true, force: true });
  });
  return f;
}
