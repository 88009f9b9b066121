// Two real `reissue serve` processes on one PostgreSQL database; kill -9 of one in the middle of
// a burst of reissues (each with its own idempotency key) spread over both. Afterwards every
// reissue is all or nothing (checked in SQL: no copy without its link, its scheduled revocation,
// its idempotency row and its e-mail; no row pointing at nothing), and a retry of every key on the
// surviving instance answers the first copy or makes a single fresh one.
import { expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { postgresServeFixture } from '../helpers/postgres-serve.js';
import { exited, serve, type Served } from '../helpers/serve.js';
import { csrFor } from './helpers.js';

const pgs = postgresServeFixture('reissue-pg-kill-');

interface Attempt {
  token: string;
  certId: string;
  csr: Uint8Array;
  key: string;
  issued?: string;
}

it('kill -9 of one of two instances mid-burst: every reissue all or nothing, every key retried on the survivor answers one copy', async () => {
  const tokens = [await pgs.token('demo-partner'), await pgs.token('acme')];
  pgs.served.push(await serve(pgs.dir, {}, ['--store', pgs.url]), await serve(pgs.dir, {}, ['--store', pgs.url]));
  const [survivor, victim] = pgs.served as [Served, Served];
  // The seeded data has reissues of its own (no keys, no mails): only the burst's copies are checked.
  const [{ seq: seeded }] = (await pgs.sql<{ seq: string }>('SELECT max(seq)::text AS seq FROM certificates')) as [{ seq: string }];
  // No client retries: a request cut off by the kill must show up as failed here.
  const clients = tokens.map((token) => [survivor, victim].map((s) => createHttpPortal({ url: s.url, token, retries: 0 })));
  const attempts: Attempt[] = [];
  let stop = false;
  try {
    const heads: { who: number; cert: Certificate }[] = [];
    for (const [who, [viewer]] of clients.entries()) {
      for (const c of (await viewer!.list({ limit: 1000 })).items) if (c.state === 'valid' && !c.replacedBy && c.keySources.includes('csr')) heads.push({ who, cert: c });
    }
    expect(heads.length).toBeGreaterThanOrEqual(3);
    let n = 0;
    const chains = heads.map(async ({ who, cert }) => {
      let current = cert;
      while (!stop) {
        const attempt: Attempt = { token: tokens[who]!, certId: current.id, csr: await csrFor(current), key: crypto.randomUUID() };
        attempts.push(attempt);
        try {
          // Spread over both instances, request by request.
          const r = await clients[who]![n++ % 2]!.reissue(current.id, { keySource: 'csr', csr: attempt.csr }, attempt.key);
          attempt.issued = r.certificate.id;
          current = r.certificate;
        } catch {
          return;
        }
      }
    });
    while (attempts.filter((a) => a.issued).length < 8) await new Promise((r) => setTimeout(r, 5));
    victim.child.kill('SIGKILL');
    await exited(victim.child);
    stop = true;
    await Promise.all(chains);
  } finally {
    await Promise.all(clients.flat().map((c) => c.close()));
  }
  const unanswered = attempts.filter((a) => !a.issued);
  expect(unanswered.length).toBeGreaterThan(0);

  // All or nothing, in SQL: every copy that replaces another is linked both ways, has the old
  // copy's revocation scheduled, one idempotency row and one e-mail; nothing points at nothing.
  const broken = await pgs.sql<{ id: string; why: string }>(`
    SELECT n.id, 'no back link or no revocation date' AS why FROM certificates n JOIN certificates o ON o.id = n.replaces
      WHERE o.replaced_by IS DISTINCT FROM n.id OR o.revocation_date IS NULL
    UNION ALL SELECT o.id, 'replaced_by without a copy replacing it' FROM certificates o
      WHERE o.replaced_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.id = o.replaced_by AND n.replaces = o.id)
    UNION ALL SELECT n.id, 'idempotency rows: ' || (SELECT count(*) FROM idempotency i WHERE i.new_certificate_id = n.id AND i.certificate_id = n.replaces)
      FROM certificates n WHERE n.replaces IS NOT NULL AND n.seq > ${seeded} AND (SELECT count(*) FROM idempotency i WHERE i.new_certificate_id = n.id AND i.certificate_id = n.replaces) <> 1
    UNION ALL SELECT i.key, 'idempotency row for no reissue' FROM idempotency i
      WHERE NOT EXISTS (SELECT 1 FROM certificates n WHERE n.id = i.new_certificate_id AND n.replaces = i.certificate_id)
    UNION ALL SELECT n.id, 'issued mails: ' || (SELECT count(*) FROM outbox m WHERE m.kind = 'certificate-issued' AND m.certificate_id = n.id)
      FROM certificates n WHERE n.replaces IS NOT NULL AND n.seq > ${seeded} AND (SELECT count(*) FROM outbox m WHERE m.kind = 'certificate-issued' AND m.certificate_id = n.id) <> 1
    UNION ALL SELECT n.order_id, 'newest copies: ' || count(*) FROM certificates n WHERE n.replaced_by IS NULL GROUP BY n.order_id HAVING count(*) <> 1`);
  expect(broken).toEqual([]);

  // Every key again, on the survivor: the first copy where it was answered; else whatever the
  // cut-off request left (its copy if it committed, a fresh one if not), never two.
  const again = tokens.map((token) => createHttpPortal({ url: survivor.url, token }));
  try {
    for (const a of attempts) {
      const r = await again[tokens.indexOf(a.token)]!.reissue(a.certId, { keySource: 'csr', csr: a.csr }, a.key);
      if (a.issued) expect(r.certificate.id).toBe(a.issued);
      const rows = await pgs.sql<{ id: string }>(`SELECT id FROM certificates WHERE replaces = '${a.certId}'`);
      expect(rows.map((x) => x.id)).toEqual([r.certificate.id]);
    }
  } finally {
    await Promise.all(again.map((c) => c.close()));
  }
  expect(await pgs.sql(`SELECT key FROM idempotency WHERE NOT EXISTS (SELECT 1 FROM certificates n WHERE n.id = new_certificate_id AND n.replaces = certificate_id)`)).toEqual([]);
}, 180_000);
