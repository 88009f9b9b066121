// 4. Scale and 6. Memory, on a portal with 100,000 certificates (cached under bench/.cache,
// keyed by the bundled bulk loader's hash, so a change to the store or the loader rebuilds it).
//  - `reissue list --query TEXT --json` against the sqlite3 CLI running the same query on the
//    same file;
//  - wizard keystroke → frame, in-process (the real runWizard on a fake 80×24 terminal);
//  - peak RSS (VmHWM) of the real `reissue` in a pty while it scrolls and filters.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, CACHE, ROOT, entryPath, runEntry } from './lib/env.mjs';
import { memoryOf, startInPty } from './lib/pty.mjs';
import { interleave, percentile, summary } from './lib/stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The cached populated portal directory (created on first use). */
export function cachedPortal({ count, entries, log }) {
  const populate = entryPath(entries, 'populate');
  const dir = join(CACHE, `portal-${count}-${entries.hash.populate}`);
  if (existsSync(join(dir, 'portal.sqlite'))) return dir;
  // Portals of the same size built by an older loader are stale: make room.
  for (const old of readdirSync(CACHE)) if (old.startsWith(`portal-${count}-`)) rmSync(join(CACHE, old), { recursive: true, force: true });
  log(`  populating a portal with ${count.toLocaleString('en-US')} certificates (cached in ${dir})`);
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const r = runEntry(populate, [staging, count], { timeoutMs: 900_000 });
  log(`  populated in ${(r.ms / 1000).toFixed(1)} s`);
  renameSync(staging, dir);
  return dir;
}

/** A private copy of the cached portal (tests may write to it; the cache stays pristine). */
export function copyPortal(dir, prefix = 'reissue-bench-portal-') {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

function sqlFor(query) {
  const q = query.replace(/'/g, "''").toLowerCase();
  // The statement `reissue list` runs, written out for the sqlite3 CLI: visible accounts, text
  // match on the search column, newest first, the default limit of 1000, and the total count.
  const visible = `c.account_id IN (SELECT id FROM accounts WHERE id = (SELECT id FROM accounts WHERE name = 'demo') OR partner_id = (SELECT id FROM accounts WHERE name = 'demo'))`;
  return `
    SELECT c.id, c.serial, c.common_name, c.domains, c.order_id, p.name AS product, p.category, p.key_sources, p.algorithms,
           c.not_before, c.not_after, c.replaces, c.replaced_by, c.revocation_date, c.revoked, c.revocation_reason,
           c.subscriber, c.organization, c.authorization_method, a.name AS account
    FROM certificates c JOIN products p ON p.id = c.product_id JOIN accounts a ON a.id = c.account_id
    WHERE ${visible} AND instr(c.search, '${q}') > 0
    ORDER BY c.issued_at DESC, c.search DESC, c.rowid DESC LIMIT 1000;
    SELECT count(*) AS total FROM certificates c WHERE ${visible} AND instr(c.search, '${q}') > 0;`;
}

export async function benchListQuery({ runs, dataDir, queries, env, log }) {
  const out = {};
  const db = join(dataDir, 'portal.sqlite');
  for (const query of queries) {
    const ours = () => {
      const t = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'list', '--query', query, '--json'], { env: { ...env, REISSUE_DATA_DIR: dataDir }, cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
      const ms = performance.now() - t;
      if (r.status !== 0) throw new Error(`reissue list failed: ${r.stderr}`);
      out[query] ??= {};
      out[query].rows = JSON.parse(r.stdout).length;
      return ms;
    };
    const sqlite = () => {
      const t = performance.now();
      const r = spawnSync('sqlite3', ['-readonly', '-json', db, sqlFor(query)], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const ms = performance.now() - t;
      if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr}`);
      return ms;
    };
    log(`  list --query ${query}`);
    ours();
    sqlite();
    out[query] = { ...out[query], ...(await interleave(runs, ours, sqlite)) };
  }
  return out;
}

export function benchWizardKeys({ dataDir, entries, gapMs, repeat, env, log }) {
  log('  wizard keystroke → frame (in-process), and a minimal Ink list of the same size');
  const wizardEnv = { ...env };
  delete wizardEnv.CI; // Ink renders only the last frame when it thinks it runs in CI
  const stat = (xs) => {
    const ok = xs.filter(Number.isFinite);
    return { p50: percentile(ok, 50), p95: percentile(ok, 95), max: Math.max(...ok), n: ok.length, noFrame: xs.length - ok.length };
  };
  const figures = (r) => ({ filterFirst: stat(r.filter.first), filterRows: stat(r.filterRows), filterLast: stat(r.filter.last), scrollFirst: stat(r.scroll.first), scrollLast: stat(r.scroll.last) });
  // Alternating, so load hits both alike; the samples of both runs of each side are pooled.
  const runs = { wizard: [], minimal: [] };
  for (let i = 0; i < 2; i++) {
    for (const side of ['wizard', 'minimal']) {
      runs[side].push(runEntry(entryPath(entries, side === 'wizard' ? 'wizard-keys-ui' : 'minimal-list-ui'), [dataDir, gapMs, repeat], { env: wizardEnv, timeoutMs: 300_000 }));
    }
  }
  const pooled = (rs) => ({
    filter: { first: rs.flatMap((r) => r.filter.first), last: rs.flatMap((r) => r.filter.last) },
    filterRows: rs.flatMap((r) => r.filterRows),
    scroll: { first: rs.flatMap((r) => r.scroll.first), last: rs.flatMap((r) => r.scroll.last) },
  });
  const wizard = figures(pooled(runs.wizard));
  const minimal = figures(pooled(runs.minimal));
  const ratio = Object.fromEntries(Object.keys(wizard).map((k) => [k, wizard[k].p95 / minimal[k].p95]));
  return {
    ...wizard,
    minimal,
    ratio,
    typedFiltersWithLostKeys: runs.wizard.reduce((n, r) => n + r.lostKeys, 0),
    minimalLostKeys: runs.minimal.reduce((n, r) => n + r.lostKeys, 0),
    memoryInProcessMiB: runs.wizard[0].memory,
  };
}

/** Peak RSS of the real wizard on the portal while it lists, scrolls and filters. */
export async function benchMemory({ runs, dataDir, env, log, bin = BIN }) {
  log('  wizard peak RSS in a pty');
  const wizardEnv = { ...env, REISSUE_DATA_DIR: dataDir };
  delete wizardEnv.CI;
  const samples = [];
  const baseline = [];
  let lostKeys = 0;
  for (let i = 0; i < runs; i++) {
    const p = startInPty([process.execPath, bin], { env: wizardEnv, cwd: ROOT });
    try {
      await p.waitFor(/\d of [\d,]+\)/, 60_000);
      const pid = p.programPid();
      const keys = ['\u001B[6~', '\u001B[6~', '\u001B[6~', '\u001B[B', '\u001B[B', '\u001B[F', '\u001B[5~', '\u001B[H'];
      for (const k of keys) {
        p.send(k);
        await sleep(120);
      }
      p.send('/');
      await p.waitFor('type to filter', 10_000); // the filter field has the keyboard
      await sleep(100);
      for (const ch of 'b0000') {
        p.send(ch);
        await sleep(150);
      }
      // A key typed while the wizard is busy may be lost (reported, not fatal for this figure).
      await p.waitFor(/Filter: b0000/, 10_000).catch(() => lostKeys++);
      for (let k = 0; k < 5; k++) {
        p.send('\u007F');
        await sleep(150);
      }
      p.send('\u001B');
      await sleep(400);
      const mem = memoryOf(pid);
      if (!mem) throw new Error('the wizard exited before its memory was read');
      samples.push(mem.hwmKiB / 1024);
    } finally {
      await p.stop('q');
    }
    // The same bare node in the same pty, for scale.
    const b = startInPty([process.execPath, '-e', "process.stdout.write('ready\\n'); setTimeout(() => {}, 2000)"], { env: wizardEnv, cwd: ROOT });
    await b.waitFor('ready');
    const m = memoryOf(b.programPid());
    if (m) baseline.push(m.hwmKiB / 1024);
    await b.stop(null, 0);
  }
  return { peakMiB: summary(samples), nodeBaselineMiB: summary(baseline), runsWithLostKeys: lostKeys };
}

export function sqliteVersion() {
  return execFileSync('sqlite3', ['--version'], { encoding: 'utf8' }).split(' ')[0];
}
