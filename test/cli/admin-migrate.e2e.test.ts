// `reissue admin migrate`: applies the portal database's migrations (PostgreSQL with --store, else
// the data directory's SQLite file) without making a CA or demo data, and says what it applied.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { postgresServeFixture } from '../helpers/postgres-serve.js';

const pgs = postgresServeFixture('reissue-migrate-');

it('admin migrate --store postgres://…: applies every migration once, then says it is up to date; no CA, no demo data', async () => {
  const first = await runCli(['admin', 'migrate', '--store', pgs.url, '--data-dir', pgs.dir]);
  expect(first.code, first.stderr).toBe(0);
  const m = /^Applied migrations ([\d, ]+) to (\S+); its schema is at version (\d+)\.$/.exec(first.stdout.trim());
  expect(m, first.stdout).not.toBeNull();
  expect(m![2]).toBe(pgs.url);
  const versions = (await pgs.sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);
  expect(m![1]!.split(', ').map(Number)).toEqual(versions);
  expect(versions.at(-1)).toBe(Number(m![3]));
  expect((await pgs.sql<{ n: number }>('SELECT count(*)::int AS n FROM accounts'))[0]!.n).toBe(0);
  expect(existsSync(join(pgs.dir, 'ca-key.pem'))).toBe(false);

  const again = await runCli(['admin', 'migrate', '--json', '--data-dir', pgs.dir], { env: { REISSUE_STORE: pgs.url } });
  expect(again.code, again.stderr).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual({ applied: [], version: versions.at(-1) });

  const secret = await runCli(['admin', 'migrate', '--store', pgs.url.replace('reissue_test@', 'reissue_test:hunter2@'), '--data-dir', pgs.dir]);
  expect(secret.code).toBe(2);
  expect(secret.stdout + secret.stderr).not.toContain('hunter2');
});

it('admin migrate on a data directory: the SQLite file made and migrated, then up to date', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reissue-migrate-sqlite-'));
  try {
    const first = await runCli(['admin', 'migrate', '--data-dir', dir]);
    expect(first.code, first.stderr).toBe(0);
    const version = Number(execFileSync('sqlite3', [join(dir, 'portal.sqlite'), 'PRAGMA user_version;']).toString().trim());
    expect(version).toBeGreaterThan(0);
    expect(first.stdout.trim()).toBe(`Applied migrations ${Array.from({ length: version }, (_, i) => i + 1).join(', ')} to ${dir}/portal.sqlite; its schema is at version ${version}.`);
    const again = await runCli(['admin', 'migrate', '--data-dir', dir]);
    expect(again.stdout.trim()).toBe(`${dir}/portal.sqlite is up to date (schema version ${version}); nothing applied.`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
