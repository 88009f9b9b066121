// A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, its own port on
// 127.0.0.1, its own superuser (trust, loopback only), fsync off (unless durable), stopped and deleted by stop().
// initdb refuses to run as root, so as root the cluster runs as the `postgres` system user that
// Debian's package creates. scripts/test.sh installs postgresql when it is missing.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_USER = 'reissue_test';

export interface TestCluster {
  /** A connection URL for `database` in this cluster. */
  url(database: string): string;
  /** A new empty database; its URL and how to drop it. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/test.sh, or apt-get install postgresql');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** `durable`: fsync on, as a production server runs (the benchmark); tests run with fsync off. */
export async function startCluster(opts: { durable?: boolean } = {}): Promise<TestCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'reissue-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '-N']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${opts.durable ? '' : ' -c fsync=off'} -c max_connections=200`, 'start']);
  const url = (database: string) => `postgres://${PG_USER}@127.0.0.1:${port}/${database}`;
  let n = 0;
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url('postgres') });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  return {
    url,
    async createDatabase() {
      const name = `contract_${process.pid}_${++n}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      return { url: url(name), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
