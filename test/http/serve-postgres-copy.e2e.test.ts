// `reissue admin copy --from sqlite:FILE --to postgres://…` on a sandbox made and used by the real
// binary (reissues with a CSR, a card key and a cloud key, pending revocations, a revoked copy,
// e-mails sent and reminders, a few thousand bulk certificates: several batches), into a real
// throw-away PostgreSQL cluster. Then `serve --store` on the copy answers as `serve` on the file
// (JSON and DER bytes), reissues and new accounts continue after the copied ids, and a target
// that is not empty, or that changes rows as they are written, leaves nothing written.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import type { Portal } from '../../src/portal/portal.js';
import { addSyntheticCertificates } from '../../src/server/bulk.js';
import { cardEvidenceFor } from '../helpers/card-evidence.js';
import { runCli } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';
import { startCluster, type TestCluster } from '../helpers/postgres.js';
import { exited, serve, tokenFor, type Served } from '../helpers/serve.js';
import { csrFor } from './helpers.js';

const DAY_MS = 86_400_000;
const BULK = 2500;
const TABLES = ['meta', 'accounts', 'api_tokens', 'products', 'certificates', 'idempotency', 'outbox', 'card_keys'];

let cluster: TestCluster;
let dir = '';
let dataDir = '';
let file = '';
let target: { url: string; drop(): Promise<void> };
let token = '';
const served: Served[] = [];

/** One query on its own connection to `url`. */
async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** The sqlite3 command-line tool on the portal file (an independent reader), JSON rows. */
function sqlite<T>(query: string): T[] {
  const out = execFileSync('sqlite3', ['-readonly', '-json', file, query], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return out.trim() ? (JSON.parse(out) as T[]) : [];
}

async function start(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const s = await serve(dataDir, env, args);
  served.push(s);
  return s;
}

async function stop(s: Served): Promise<void> {
  s.child.kill('SIGTERM');
  await exited(s.child);
}

async function until(what: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const unsentInFile = () => sqlite<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')[0]!.n === 0;

async function everything(portal: Portal): Promise<Certificate[]> {
  const all: Certificate[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await portal.list({ limit: 1000, offset });
    all.push(...page.items);
    if (page.items.length < 1000) return all;
  }
}

beforeAll(async () => {
  cluster = await startCluster();
  target = await cluster.createDatabase();
  dir = await mkdtemp(join(tmpdir(), 'reissue-pg-copy-'));
  dataDir = join(dir, 'data');

  // The sandbox, made by the binary; a few thousand bulk certificates through the bulk loader.
  const made = await runCli(['list', '--json', '--data-dir', dataDir]);
  expect(made.code, made.stderr).toBe(0);
  file = join(dataDir, 'portal.sqlite');
  expect(await addSyntheticCertificates(dataDir, BULK, 'demo', { batchSize: 1000 })).toBe(BULK);

  // Used through `serve` on the SQLite file: reissues by each key source, a revocation, the CRL.
  token = await tokenFor(dataDir, 'demo-partner');
  const s = await start();
  const portal = createHttpPortal({ url: s.url, token });
  const heads = (await portal.list({ limit: 1000, text: 'asseco' })).items.filter((c) => c.state === 'valid' && !c.replacedBy);
  const csr = heads.filter((c) => c.keySources.includes('csr'));
  expect(csr.length).toBeGreaterThanOrEqual(2);
  for (const c of csr.slice(0, 2)) await portal.reissue(c.id, { keySource: 'csr', csr: await csrFor(c) }, crypto.randomUUID());
  const card = heads.find((c) => c.keySources.includes('card') && !csr.slice(0, 2).includes(c))!;
  const cardCsr = await csrFor(card);
  await portal.reissue(card.id, { keySource: 'card', csr: cardCsr, card: cardEvidenceFor(cardCsr) }, crypto.randomUUID());
  const cloud = heads.find((c) => c.keySources.includes('cloud'))!;
  await portal.reissue(cloud.id, { keySource: 'cloud', algorithm: 'ec-p256' }, crypto.randomUUID());
  const bulkOne = (await portal.list({ limit: 1, text: 'bulk.example' })).items[0]!;
  await portal.revoke(bulkOne.id, 'keyCompromise');
  await portal.crl();
  await until(unsentInFile);
  await portal.close();
  await stop(s);

  // Twelve days later (the sandbox's clock): a reminder about each replaced copy, sent.
  const later = await start([], { REISSUE_NOW: new Date(Date.now() + 12 * DAY_MS).toISOString() });
  const latePortal = createHttpPortal({ url: later.url, token });
  await latePortal.list({ limit: 1 });
  await until(() => sqlite<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE kind = 'revocation-reminder'`)[0]!.n >= 4 && unsentInFile());
  await latePortal.close();
  await stop(later);
}, 240_000);

afterAll(async () => {
  for (const s of served) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(served.map((s) => exited(s.child)));
  await target?.drop();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('reissue admin copy', () => {
  it('copies every table in one go, and the checks it reports hold when read independently', async () => {
    // What the sandbox holds before the copy: each kind of row the copy must carry.
    const source = Object.fromEntries(TABLES.map((t) => [t, sqlite<{ n: number }>(`SELECT count(*) AS n FROM ${t}`)[0]!.n]));
    expect(source.certificates).toBeGreaterThan(BULK);
    for (const t of TABLES) expect(source[t], t).toBeGreaterThan(0);
    // The four copies replaced here await revocation; the demo's own replaced copy (11 days left) was
    // revoked when the sandbox's clock stood 12 days ahead.
    expect(sqlite<{ n: number }>(`SELECT count(*) AS n FROM certificates WHERE revoked = 0 AND revocation_date IS NOT NULL`)[0]!.n).toBe(4);
    expect(sqlite<{ n: number }>(`SELECT count(*) AS n FROM certificates WHERE revoked = 1`)[0]!.n).toBe(3);
    expect(sqlite<{ n: number }>(`SELECT count(*) AS n FROM certificates WHERE cloud_key IS NOT NULL`)[0]!.n).toBe(1);

    const r = await runCli(['admin', 'copy', '--from', `sqlite:${file}`, '--to', target.url, '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { from: string; to: string; tables: { table: string; source: number; target: number }[]; certificatesHashed: number };
    expect(report.from).toBe(file);
    expect(report.tables.map((t) => t.table)).toEqual(TABLES);
    for (const t of report.tables) expect(t, t.table).toEqual({ table: t.table, source: source[t.table], target: source[t.table] });
    expect(report.certificatesHashed).toBe(source.certificates);

    // Counted on the target by a plain query.
    for (const t of TABLES) expect((await sql<{ n: number }>(target.url, `SELECT count(*)::int AS n FROM ${t}`))[0]!.n, t).toBe(source[t]);
    // Every certificate's DER, hashed here from what each side returns.
    const fromFile = new Map(sqlite<{ id: string; der: string }>('SELECT id, hex(der) AS der FROM certificates').map((c) => [c.id, createHash('sha256').update(Buffer.from(c.der, 'hex')).digest('hex')]));
    const onServer = new Map((await sql<{ id: string; der: Buffer }>(target.url, 'SELECT id, der FROM certificates')).map((c) => [c.id, createHash('sha256').update(c.der).digest('hex')]));
    expect(onServer).toEqual(fromFile);
    // Every column of every certificate but the DER (compared above) and the search text, which both
    // stores make by the same rule: equal too, and so are the counters and named values.
    const columns = `id, serial, order_id, account_id, product_id, common_name, domains, subscriber, organization, authorization_method, not_before, not_after,
      public_key_sha256, replaces, replaced_by, revocation_date, revoked, revocation_reason, issued_at, search, key_source, cloud_key, downloaded_at, reminder_queued, card_evidence`;
    expect(await sql(target.url, `SELECT ${columns} FROM certificates ORDER BY seq`)).toEqual(sqlite(`SELECT ${columns} FROM certificates ORDER BY rowid`));
    expect(await sql(target.url, `SELECT key, value FROM meta ORDER BY key`)).toEqual(sqlite(`SELECT key, value FROM meta ORDER BY key`));
    expect(await sql(target.url, `SELECT * FROM outbox ORDER BY id`)).toEqual(sqlite(`SELECT * FROM outbox ORDER BY id`));
    expect(await sql(target.url, `SELECT * FROM card_keys ORDER BY card_serial, key_id`)).toEqual(sqlite(`SELECT * FROM card_keys ORDER BY card_serial, key_id`));
  }, 180_000);

  it('serve on the copy answers list, show, download, pending revocations and the CRL as serve on the SQLite file', async () => {
    const [onFile, onCopy] = await Promise.all([start(), start(['--store', target.url])]);
    const a = createHttpPortal({ url: onFile.url, token });
    const b = createHttpPortal({ url: onCopy.url, token });
    try {
      // The same token works on both: the API tokens came over.
      const listA = await everything(a);
      expect(listA.length).toBeGreaterThan(BULK);
      expect(await everything(b)).toEqual(listA);
      for (const text of ['asseco', 'b00000123', 'bulk.example', 'no-such-name']) expect(await b.list({ limit: 50, text }), text).toEqual(await a.list({ limit: 50, text }));
      expect(await b.pendingRevocations()).toEqual(await a.pendingRevocations());
      // Every copy that is not a bulk one, and a sample of the bulk ones: details, PEM, DER, chain.
      const some = [...listA.filter((c) => !c.commonName.endsWith('.bulk.example')), ...listA.filter((c) => c.commonName.endsWith('.bulk.example')).filter((_, i) => i % 250 === 0)];
      expect(some.length).toBeGreaterThan(15);
      for (const c of some) {
        expect(await b.get(c.id), c.id).toEqual(await a.get(c.id));
        expect(Buffer.from(await b.download(c.id, 'der'))).toEqual(Buffer.from(await a.download(c.id, 'der')));
        expect(Buffer.from(await b.download(c.id, 'pem', true))).toEqual(Buffer.from(await a.download(c.id, 'pem', true)));
        expect(await b.emails(c.id), c.id).toEqual(await a.emails(c.id));
      }
      // The CRLs (each signed when asked) revoke the same serials, read by openssl.
      const revoked = async (p: Portal) => [...openssl(['crl', '-inform', 'DER', '-noout', '-text'], Buffer.from(await p.crl())).matchAll(/Serial Number: (\S+)/g)].map((m) => m[1]).sort();
      const crlA = await revoked(a);
      expect(crlA.length).toBeGreaterThanOrEqual(2);
      expect(await revoked(b)).toEqual(crlA);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([stop(onFile), stop(onCopy)]);
    }
  }, 180_000);

  it('continues after the copied values: a reissue, its e-mail and a new account get new numbers', async () => {
    const [{ seq }] = (await sql<{ seq: string }>(target.url, 'SELECT max(seq)::text AS seq FROM certificates')) as [{ seq: string }];
    const [{ outbox }] = (await sql<{ outbox: number }>(target.url, 'SELECT max(id) AS outbox FROM outbox')) as [{ outbox: number }];
    const [{ crl }] = (await sql<{ crl: string }>(target.url, `SELECT value AS crl FROM meta WHERE key = 'crl_number'`)) as [{ crl: string }];
    const s = await start(['--store', target.url]);
    const portal = createHttpPortal({ url: s.url, token });
    try {
      const head = (await portal.list({ limit: 1000, text: 'bulk.example' })).items.find((c) => c.state === 'valid' && !c.replacedBy)!;
      const outcome = await portal.reissue(head.id, { keySource: 'csr', csr: await csrFor(head) }, crypto.randomUUID());
      expect('certificate' in outcome && outcome.replaced.id).toBe(head.id);
      const issued = 'certificate' in outcome ? outcome.certificate : null;
      expect((await sql<{ seq: string }>(target.url, 'SELECT seq::text AS seq FROM certificates WHERE id = $1', [issued!.id]))[0]!.seq).toBe(String(BigInt(seq) + 1n));
      await until(async () => (await portal.emails(issued!.id)).length === 1);
      expect((await portal.emails(issued!.id))[0]!.id).toBe(outbox + 1);
      // A revocation changes the CRL: it takes the number after the copied counter's.
      const other = (await portal.list({ limit: 1000, text: 'bulk.example' })).items.find((c) => c.state === 'valid' && c.id !== head.id)!;
      await portal.revoke(other.id, 'cessationOfOperation');
      const number = openssl(['crl', '-inform', 'DER', '-noout', '-crlnumber'], Buffer.from(await portal.crl())).trim();
      expect(number).toMatch(/^crlNumber=0x[0-9A-F]+$/);
      expect(Number.parseInt(number.slice('crlNumber=0x'.length), 16)).toBe(Number(crl) + 1);
    } finally {
      await portal.close();
      await stop(s);
    }
    const [{ id }] = (await sql<{ id: number }>(target.url, 'SELECT max(id) AS id FROM accounts')) as [{ id: number }];
    const created = await runCli(['admin', 'account', 'create', 'after-copy', '--role', 'customer', '--partner', 'demo-partner', '--data-dir', dataDir, '--store', target.url]);
    expect(created.code, created.stderr).toBe(0);
    expect((await sql<{ id: number }>(target.url, `SELECT id FROM accounts WHERE name = 'after-copy'`))[0]!.id).toBe(id + 1);
  }, 120_000);

  it('refuses a target that is not empty, and writes nothing to it', async () => {
    const before = await Promise.all(TABLES.map(async (t) => (await sql<{ n: number }>(target.url, `SELECT count(*)::int AS n FROM ${t}`))[0]!.n));
    const r = await runCli(['admin', 'copy', '--from', dataDir, '--to', target.url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/already holds a portal: meta \(\d+\), accounts \(\d+\)/);
    expect(r.stderr).toContain('Nothing was copied');
    expect(r.stderr).toContain('createdb');
    const after = await Promise.all(TABLES.map(async (t) => (await sql<{ n: number }>(target.url, `SELECT count(*)::int AS n FROM ${t}`))[0]!.n));
    expect(after).toEqual(before);
  }, 60_000);

  /** A new database, migrated by `reissue admin migrate`, with the test's `setup` SQL (a trigger) in it. */
  async function preparedTarget(setup: string): Promise<{ url: string; drop(): Promise<void> }> {
    const db = await cluster.createDatabase();
    const m = await runCli(['admin', 'migrate', '--data-dir', dataDir, '--store', db.url]);
    expect(m.code, m.stderr).toBe(0);
    await sql(db.url, setup);
    return db;
  }

  async function emptyEverywhere(url: string): Promise<void> {
    for (const t of TABLES) expect((await sql<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${t}`))[0]!.n, t).toBe(0);
  }

  it('a target that changes a certificate as it is written: the hash check fails, exit 5, nothing written', async () => {
    const [victim] = sqlite<{ id: string }>(`SELECT id FROM certificates ORDER BY rowid LIMIT 1 OFFSET 1500`);
    const db = await preparedTarget(`
      CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.id = '${victim!.id}' THEN NEW.der := NEW.der || '\\x00'::bytea; END IF; RETURN NEW; END $$;
      CREATE TRIGGER tamper BEFORE INSERT ON certificates FOR EACH ROW EXECUTE FUNCTION tamper();`);
    try {
      const r = await runCli(['admin', 'copy', '--from', `sqlite:${file}`, '--to', db.url], { timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain(`Certificate ${victim!.id} differs`);
      expect(r.stderr).toContain('nothing was written');
      expect(r.stdout).toBe('');
      await emptyEverywhere(db.url);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('a target that drops rows as they are written: the count check fails, exit 5, nothing written', async () => {
    const db = await preparedTarget(`
      CREATE FUNCTION drop_reminders() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.kind = 'revocation-reminder' THEN RETURN NULL; END IF; RETURN NEW; END $$;
      CREATE TRIGGER drop_reminders BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION drop_reminders();`);
    try {
      const reminders = sqlite<{ n: number }>(`SELECT count(*) AS n FROM outbox WHERE kind = 'revocation-reminder'`)[0]!.n;
      const all = sqlite<{ n: number }>(`SELECT count(*) AS n FROM outbox`)[0]!.n;
      const r = await runCli(['admin', 'copy', '--from', `sqlite:${file}`, '--to', db.url, '--json'], { timeoutMs: 120_000 });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain(`The row counts differ after copying`);
      expect(r.stderr).toContain(`outbox ${all} → ${all - reminders}`);
      expect(r.stdout).toBe('');
      await emptyEverywhere(db.url);
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('an instance started on the target while the copy runs waits for it, then serves the copied portal (no CA of its own)', async () => {
    // The copy is held inside its transaction (tables locked, every row but the card keys written,
    // nothing committed) by a trigger (the test's) that sleeps before its last table.
    const db = await preparedTarget(`
      CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
      CREATE TRIGGER slow BEFORE INSERT ON card_keys FOR EACH STATEMENT EXECUTE FUNCTION slow();`);
    try {
      const copying = runCli(['admin', 'copy', '--from', `sqlite:${file}`, '--to', db.url, '--json'], { timeoutMs: 120_000 });
      await until(async () => (await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'INSERT INTO card_keys%'`))[0]!.n === 1);
      const [starting, copied] = [serve(dataDir, {}, ['--store', db.url]), await copying];
      const s = await starting;
      served.push(s);
      expect(copied.code, copied.stderr).toBe(0);
      const meta = (url: string | null) =>
        url === null ? Object.fromEntries(sqlite<{ key: string; value: string }>(`SELECT key, value FROM meta`).map((m) => [m.key, m.value])) : sql<{ key: string; value: string }>(url, `SELECT key, value FROM meta`).then((rows) => Object.fromEntries(rows.map((m) => [m.key, m.value])));
      const [before, after] = [meta(null) as Record<string, string>, await meta(db.url)];
      // The instance took its turn at initialising after the copy, found the portal there and made no CA.
      expect(after.ca_sha256).toBe(before.ca_sha256);
      expect(Number(after.initialisations)).toBe(Number(before.initialisations) + 1);
      const portal = createHttpPortal({ url: s.url, token });
      try {
        const visible = sqlite<{ n: number }>(
          `SELECT count(*) AS n FROM certificates WHERE account_id IN (SELECT id FROM accounts WHERE name = 'demo-partner' OR partner_id = (SELECT id FROM accounts WHERE name = 'demo-partner'))`,
        )[0]!.n;
        expect((await portal.list({ limit: 1 })).total).toBe(visible);
      } finally {
        await portal.close();
        await stop(s);
      }
    } finally {
      await db.drop();
    }
  }, 120_000);

  it('refuses a password in --to (exit 2), and a source that is not there or not a portal (exit 3), in English and Polish', async () => {
    const withPassword = target.url.replace('reissue_test@', 'reissue_test:secret@');
    const p = await runCli(['admin', 'copy', '--from', file, '--to', withPassword]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('The --to URL holds a password');
    expect(p.stderr).toContain('~/.pgpass');
    expect(p.stderr).not.toContain('secret');
    const mysql = await runCli(['admin', 'copy', '--from', file, '--to', 'mysql://db/reissue']);
    expect(mysql.code).toBe(2);
    expect(mysql.stderr).toContain('--to must be a postgres:// or postgresql:// URL');
    const missing = join(dir, 'nowhere', 'portal.sqlite');
    const m = await runCli(['admin', 'copy', '--from', `sqlite:${missing}`, '--to', target.url]);
    expect(m.code).toBe(3);
    expect(m.stderr).toContain(`There is no ${missing} to copy from`);
    // The CA certificate named instead of the database; an SQLite database of another program.
    const notSqlite = await runCli(['admin', 'copy', '--from', join(dataDir, 'ca.pem'), '--to', target.url]);
    expect(notSqlite.code).toBe(3);
    expect(notSqlite.stderr).toContain(`${join(dataDir, 'ca.pem')} is not a reissue portal database`);
    const other = join(dir, 'other.sqlite');
    execFileSync('sqlite3', [other, 'CREATE TABLE notes (text TEXT);']);
    const o = await runCli(['admin', 'copy', '--from', `sqlite:${other}`, '--to', target.url]);
    expect(o.code).toBe(3);
    expect(o.stderr).toContain(`${other} is not a reissue portal database`);
    const pl = await runCli(['admin', 'copy', '--from', `sqlite:${missing}`, '--to', target.url, '--lang', 'pl']);
    expect(pl.code).toBe(3);
    expect(pl.stderr).toContain(`Nie ma ${missing}`);
  }, 60_000);
});
