// Several real node processes on one data directory: creating the portal at the same moment,
// reissuing the same certificate at the same moment, and being killed in the middle of reissues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { bundleForTest } from '../helpers/bundle.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService } from '../../src/server/service.js';
import { tempDir } from './helpers.js';

const NOW = '2026-06-01T10:00:00.000Z';
let tmp: ReturnType<typeof tempDir>;
let worker: string;

beforeAll(async () => {
  tmp = tempDir('reissue-xproc-');
  worker = join(tmp.path, 'portal-worker.mjs');
  await bundleForTest({ entryPoints: [fileURLToPath(new URL('./fixtures/portal-worker.ts', import.meta.url))], outfile: worker });
});
afterAll(() => tmp?.remove());

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: unknown[];
  stderr: string;
}

function run(job: Record<string, unknown>, killAfterLines?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, JSON.stringify({ now: NOW, ...job })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterLines !== undefined && out.split('\n').length - 1 >= killAfterLines) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stderr, lines: out.split('\n').filter((l) => l.trim() && l.startsWith('{')).map((l) => JSON.parse(l) as unknown) }),
    );
  });
}

describe('two processes', () => {
  it('opening the same empty data directory at once end with one seeded, consistent portal', async () => {
    const dataDir = join(tmp.path, 'seed-race');
    const startAt = Date.now() + 1500;
    const runs = await Promise.all([run({ mode: 'open', dataDir, startAt }), run({ mode: 'open', dataDir, startAt })]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [a, b] = runs.map((r) => r.lines[0] as { ca: string; ids: string[]; created: boolean });
    // Exactly one of them created the portal; the other opened that one.
    expect([a!.created, b!.created].sort()).toEqual([false, true]);
    expect(a!.ca).toBe(b!.ca);
    expect(a!.ids).toEqual(b!.ids);
    expect(a!.ids).toHaveLength(9);
    expect(readdirSync(dataDir).filter((f) => !f.startsWith('portal.sqlite')).sort()).toEqual(['ca-key.pem', 'ca.pem']);
    const db = new Database(join(dataDir, 'portal.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 3 });
      expect(db.prepare('SELECT count(*) AS n FROM certificates').get()).toEqual({ n: 9 });
    } finally {
      db.close();
    }
  });

  it('reissuing the same certificate at once issue exactly one new copy', async () => {
    const dataDir = join(tmp.path, 'reissue-race');
    (await openPortalService({ dataDir, clock: { now: () => new Date(NOW) } })).close();
    const startAt = Date.now() + 2000;
    const job = { mode: 'race', dataDir, startAt, orderId: DEMO.manualOrderId, count: 10 };
    const runs = await Promise.all([run({ ...job, tag: 'a' }), run({ ...job, tag: 'b' })]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const outcomes = runs.flatMap((r) => (r.lines[0] as { outcomes: { ok: boolean; id?: string; code?: string; newestCopyId?: string }[] }).outcomes);
    expect(outcomes).toHaveLength(20);
    const winners = outcomes.filter((o) => o.ok);
    expect(winners).toHaveLength(1);
    for (const o of outcomes.filter((x) => !x.ok)) expect(o).toMatchObject({ code: 'already-replaced', newestCopyId: winners[0]!.id });
    const db = new Database(join(dataDir, 'portal.sqlite'), { readonly: true });
    try {
      const copies = db.prepare('SELECT id, replaces, replaced_by FROM certificates WHERE order_id = ?').all(DEMO.manualOrderId) as { id: string; replaces: string | null; replaced_by: string | null }[];
      expect(copies).toHaveLength(2);
      expect(copies.find((c) => c.replaces)?.id).toBe(winners[0]!.id);
    } finally {
      db.close();
    }
  });

  it('killed with SIGKILL during a burst of reissues, leave every issued copy linked and every replaced copy scheduled', async () => {
    const dataDir = join(tmp.path, 'kill');
    (await openPortalService({ dataDir, clock: { now: () => new Date(NOW) } })).close();
    const startAt = Date.now() + 1000;
    const job = { mode: 'chain', dataDir, startAt, orderId: DEMO.manualOrderId };
    // One writer is killed after a few reissues while the other keeps going and is killed later.
    const runs = await Promise.all([run({ ...job, tag: 'a' }, 5), run({ ...job, tag: 'b' }, 12)]);
    for (const r of runs) expect(r.signal, r.stderr).toBe('SIGKILL');
    const reported = runs.flatMap((r) => r.lines.map((l) => (l as { issued: string }).issued));
    expect(reported.length).toBeGreaterThanOrEqual(17);

    const db = new Database(join(dataDir, 'portal.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const copies = db.prepare('SELECT id, replaces, replaced_by, revocation_date, revocation_reason, revoked FROM certificates WHERE order_id = ?').all(DEMO.manualOrderId) as {
        id: string;
        replaces: string | null;
        replaced_by: string | null;
        revocation_date: string | null;
        revocation_reason: string | null;
      }[];
      const byId = new Map(copies.map((c) => [c.id, c]));
      // Every copy a process reported as issued was kept (nothing answered is lost).
      for (const id of reported) expect(byId.has(id), id).toBe(true);
      // One chain: each new copy is linked both ways, each replaced copy has its revocation scheduled.
      const heads = copies.filter((c) => !c.replaced_by);
      expect(heads).toHaveLength(1);
      for (const c of copies) {
        if (c.replaces) expect(byId.get(c.replaces)?.replaced_by).toBe(c.id);
        if (c.replaced_by) {
          expect(byId.get(c.replaced_by)?.replaces).toBe(c.id);
          expect(c.revocation_date).not.toBeNull();
          expect(c.revocation_reason).toBe('superseded');
        }
      }
      const idempotency = db.prepare('SELECT count(*) AS n FROM idempotency').get() as { n: number };
      expect(idempotency.n).toBe(copies.length - 1);
    } finally {
      db.close();
    }
  });
});
