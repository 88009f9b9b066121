// `reissue serve` on PostgreSQL, two instances on one database behind two ports (sharing the
// data directory's CA files): concurrent reissues of one certificate spread over both issue
// exactly one copy, the others get the named conflict, a retry on the other instance answers the
// first copy, and an account created through one instance works on the other.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { openPortalService } from '../../src/server/service.js';
import { startCluster, type TestCluster } from '../helpers/postgres.js';
import { csrFor, reissuable } from './helpers.js';

let cluster: TestCluster;
let db: { url: string; drop(): Promise<void> };
let dir: string;
let servers: RunningServer[] = [];
let token: string;

beforeAll(async () => {
  cluster = await startCluster();
  db = await cluster.createDatabase();
  dir = await mkdtemp(join(tmpdir(), 'reissue-pg-serve-'));
  const admin = await openPortalService({ dataDir: dir, store: db.url, clock: { now: () => new Date() } });
  try {
    token = await admin.createToken('demo');
  } finally {
    await admin.settle();
    admin.close();
  }
  servers = await Promise.all([0, 1].map(() => startServer({ host: '127.0.0.1', port: 0, dataDir: dir, store: db.url, clock: { now: () => new Date() } })));
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(servers.map((s) => s.close()));
  await db?.drop();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('20 concurrent reissues of one certificate over two instances: one copy, 19 already-replaced; a retry elsewhere answers the first copy', async () => {
  const [a, b] = servers.map((s) => createHttpPortal({ url: s.url, token }));
  const cert = reissuable((await a!.list({ limit: 100 })).items);
  const csrs = await Promise.all(Array.from({ length: 20 }, () => csrFor(cert)));
  const outcomes = await Promise.all(
    csrs.map((csr, i) =>
      (i % 2 ? b! : a!).reissue(cert.id, { keySource: 'csr', csr }, `race-${i}`).then(
        (r) => ({ ok: r.certificate.id, key: `race-${i}`, csr }),
        (e: unknown) => ({ code: isReissueError(e) ? e.code : String(e) }),
      ),
    ),
  );
  const won = outcomes.filter((o): o is { ok: string; key: string; csr: Uint8Array } => 'ok' in o);
  expect(won).toHaveLength(1);
  expect(outcomes.filter((o) => 'code' in o).map((o) => (o as { code: string }).code)).toEqual(Array(19).fill('already-replaced'));
  // The same request again, on either instance: the first copy, nothing new.
  for (const p of [a!, b!]) expect((await p.reissue(cert.id, { keySource: 'csr', csr: won[0]!.csr }, won[0]!.key)).certificate.id).toBe(won[0]!.ok);
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM certificates WHERE replaces = $1', [cert.id]);
    expect(rows[0]!.n).toBe(1);
    const mails = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE kind = 'certificate-issued' AND related_id = $1`, [cert.id]);
    expect(mails.rows[0]!.n).toBe(1);
  } finally {
    await c.end();
  }
  await Promise.all([a!.close(), b!.close()]);
}, 120_000);

it('a database that cannot be reached, or does not exist, is a portal error naming it without its password, in English and Polish', async () => {
  const clock = { now: () => new Date() };
  const port = new URL(db.url).port;
  const unreachable = await openPortalService({ dataDir: dir, store: 'postgres://someone:hunter2@127.0.0.1:1/reissue', clock }).catch((e: unknown) => e);
  expect(unreachable).toMatchObject({ kind: 'portal', code: 'store-unreachable', message: expect.not.stringContaining('hunter2') });
  const missing = await openPortalService({ dataDir: dir, store: `postgres://reissue_test@127.0.0.1:${port}/no_such_db`, clock }).catch((e: unknown) => e);
  expect(missing).toMatchObject({ kind: 'portal', code: 'store-missing', message: expect.stringContaining('no_such_db') });
  const pl = translator('pl');
  expect(localizedError(unreachable as ReissueError, pl).message).toMatch(/^Nie można połączyć się z bazą danych portalu postgres:\/\/someone@127\.0\.0\.1:1\/reissue: /);
  expect(localizedError(unreachable as ReissueError, pl).message).not.toContain('hunter2');
  expect(localizedError(missing as ReissueError, pl)).toEqual({
    message: `Baza danych portalu postgres://reissue_test@127.0.0.1:${port}/no_such_db nie istnieje.`,
    hint: 'Utwórz ją (createdb NAZWA) albo popraw nazwę w --store.',
  });
});
