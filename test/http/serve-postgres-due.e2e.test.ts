// Eight real `reissue serve` processes on one PostgreSQL database reaching a date at once
// (REISSUE_NOW moved; each carries out what is due when it starts, and again before every read):
// first the reminders' date (3 days before), then the revocation date (14 days after the
// reissues). Each reminder is queued and delivered once, each revocation carried out once.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { postgresServeFixture } from '../helpers/postgres-serve.js';
import { exited, serve, type Served } from '../helpers/serve.js';
import { csrFor } from './helpers.js';

const DAY_MS = 86_400_000;
const pgs = postgresServeFixture('reissue-pg-due-');

async function until(what: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const unsent = async () => (await pgs.sql<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL'))[0]!.n === 0;

/** Eight instances at `now`, started at once; each reads once; all delivered; all stopped. */
async function eightAt(now: Date, token: string): Promise<Served[]> {
  const eight = await Promise.all(Array.from({ length: 8 }, () => serve(pgs.dir, { REISSUE_NOW: now.toISOString() }, ['--store', pgs.url])));
  pgs.served.push(...eight);
  const clients = eight.map((s) => createHttpPortal({ url: s.url, token }));
  await Promise.all(clients.map((c) => c.list({ limit: 10 })));
  await until(unsent);
  await Promise.all(clients.map((c) => c.close()));
  for (const s of eight) s.child.kill('SIGTERM');
  await Promise.all(eight.map((s) => exited(s.child)));
  return eight;
}

it('8 instances reaching the reminder date and then the revocation date at once: each e-mail queued and sent once, each revocation carried out once', async () => {
  const token = await pgs.token('demo-partner');

  // Today: three reissues on one instance, their e-mails delivered.
  const first = await serve(pgs.dir, {}, ['--store', pgs.url]);
  pgs.served.push(first);
  const portal = createHttpPortal({ url: first.url, token });
  const heads = (await portal.list({ limit: 1000 })).items.filter((c) => c.state === 'valid' && !c.replacedBy && c.keySources.includes('csr')).slice(0, 3);
  expect(heads).toHaveLength(3);
  for (const c of heads) await portal.reissue(c.id, { keySource: 'csr', csr: await csrFor(c) }, crypto.randomUUID());
  await until(unsent);
  await portal.close();
  first.child.kill('SIGTERM');
  await exited(first.child);
  const ids = heads.map((c) => c.id);
  const [{ at }] = (await pgs.sql<{ at: string }>('SELECT max(revocation_date) AS at FROM certificates WHERE id = ANY($1)', [ids])) as [{ at: string }];
  const revocation = new Date(at);

  // Two days before the revocation date: one reminder per replaced copy, sent once. The file
  // transport would hide a second sending (its file exists), so a trigger (the test's) records
  // every claim of a message for sending.
  await pgs.sql(`CREATE TABLE email_claims (outbox_id INTEGER NOT NULL)`);
  await pgs.sql(`CREATE FUNCTION note_claim() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO email_claims VALUES (NEW.id); RETURN NEW; END $$`);
  await pgs.sql(`CREATE TRIGGER note_claim AFTER UPDATE OF next_attempt_at ON outbox FOR EACH ROW WHEN (NEW.sent_at IS NULL) EXECUTE FUNCTION note_claim()`);
  await eightAt(new Date(revocation.getTime() - 2 * DAY_MS), token);
  const reminders = await pgs.sql<{ certificate_id: string; n: number; attempts: number }>(
    `SELECT certificate_id, count(*)::int AS n, max(attempts)::int AS attempts FROM outbox WHERE kind = 'revocation-reminder' GROUP BY certificate_id`,
  );
  for (const id of ids) expect(reminders.find((r) => r.certificate_id === id)).toMatchObject({ n: 1, attempts: 1 });
  const claims = await pgs.sql<{ id: number; claims: number; sent: boolean }>(
    `SELECT o.id, (SELECT count(*)::int FROM email_claims c WHERE c.outbox_id = o.id) AS claims, o.sent_at IS NOT NULL AND o.last_error IS NULL AS sent
       FROM outbox o WHERE o.kind = 'revocation-reminder' ORDER BY o.id`,
  );
  expect(claims.length).toBeGreaterThanOrEqual(3);
  expect(claims).toEqual(claims.map((c) => ({ id: c.id, claims: 1, sent: true })));
  const rows = (await pgs.sql<{ n: number }>('SELECT count(*)::int AS n FROM outbox'))[0]!.n;
  // One file per message (each written exclusively), no message written under two names.
  expect((await readdir(join(pgs.dir, 'outbox'))).length).toBe(rows);

  // A day after the revocation date: every due revocation carried out by exactly one instance. A
  // trigger (the test's, not the product's) records every write that marks a copy revoked.
  await pgs.sql(`CREATE TABLE revocation_writes (certificate_id TEXT NOT NULL, was INTEGER NOT NULL)`);
  await pgs.sql(`CREATE FUNCTION note_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO revocation_writes VALUES (NEW.id, OLD.revoked); RETURN NEW; END $$`);
  await pgs.sql(`CREATE TRIGGER note_revocation AFTER UPDATE OF revoked ON certificates FOR EACH ROW WHEN (NEW.revoked = 1) EXECUTE FUNCTION note_revocation()`);
  const after = new Date(revocation.getTime() + DAY_MS);
  const dueIds = (await pgs.sql<{ id: string }>('SELECT id FROM certificates WHERE revoked = 0 AND revocation_date <= $1 ORDER BY id', [after.toISOString()])).map((r) => r.id);
  await eightAt(after, token);
  expect(dueIds.length).toBeGreaterThanOrEqual(3);
  const writes = await pgs.sql<{ certificate_id: string; was: number }>('SELECT certificate_id, was FROM revocation_writes ORDER BY certificate_id');
  expect(writes).toEqual(dueIds.map((id) => ({ certificate_id: id, was: 0 })));
  expect((await pgs.sql<{ n: number }>('SELECT count(*)::int AS n FROM certificates WHERE id = ANY($1) AND revoked = 1', [ids]))[0]!.n).toBe(3);
  expect((await pgs.sql<{ n: number }>('SELECT count(*)::int AS n FROM outbox'))[0]!.n).toBe(rows);
  expect((await readdir(join(pgs.dir, 'outbox'))).length).toBe(rows);
}, 240_000);
