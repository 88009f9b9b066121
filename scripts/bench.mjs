// npm run bench: every benchmark of issue 7 side by side in one run, as ratios against a
// reference measured in the same run (medians of several runs, with min/max). Writes
// bench/results/latest.md and latest.json. See bench/README.md for what each figure means.
//
// Env: BENCH_QUICK=1 (about a minute, smaller counts), BENCH_SMOKE=1 (every section once at the
// smallest sizes, seconds each: checks the benchmarks still run, its figures mean nothing; nothing
// is written to bench/results/; `npm test` runs it), BENCH_ONLY=startup,card,csr,scale,service,service-pg,memory,
// BENCH_RUNS (runs per side), BENCH_SCALE_N (certificates, default 100000), BENCH_RSA4096=1,
// BENCH_SERVICE_N (timed reissues per run), BENCH_REBUILD=1 (rebuild dist/ first),
// BENCH_BIN (measure another launcher than bin/reissue, e.g. an experimental build),
// BENCH_OUT (result file name under bench/results/, default latest).
// Exits 1 when a section could not be measured (its row says NOT MEASURED), so a broken benchmark
// is never mistaken for a finished run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { benchAcme } from '../bench/acme.mjs';
import { benchCard } from '../bench/card.mjs';
import { benchCsrChecks } from '../bench/csr.mjs';
import { CACHE, ROOT, SMOKE, bundleEntries, ensureBuilt, ensureTools } from '../bench/lib/env.mjs';
import { renderMarkdown, rowsFor } from '../bench/report.mjs';
import { benchListQuery, benchMemory, benchWizardKeys, cachedPortal, copyPortal, sqliteVersion } from '../bench/scale.mjs';
import { benchService } from '../bench/service.mjs';
import { benchServicePostgres } from '../bench/service-pg.mjs';
import { benchStartup, listOnScreen } from '../bench/startup.mjs';

const smoke = SMOKE;
// The smoke run's own scratch folder goes when it ends, however it ends.
if (smoke && !process.env.BENCH_CACHE) process.on('exit', () => rmSync(CACHE, { recursive: true, force: true }));

const quick = process.env.BENCH_QUICK === '1';
/** A size: the env variable if set, else the full, quick or smoke default. */
const num = (name, full, q, s) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : smoke ? s : quick ? q : full;
};
const runs = (full, q) => num('BENCH_RUNS', full, q, 1);
const pick = (full, q, s) => (smoke ? s : quick ? q : full);
const config = {
  quick,
  smoke,
  startupRuns: runs(11, 3),
  cardRuns: runs(9, 2),
  cardAlgorithms: pick(['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384', ...(process.env.BENCH_RSA4096 === '1' ? ['rsa-4096'] : [])], ['ec-p256', 'rsa-2048'], ['ec-p256']),
  csrRounds: runs(9, 3),
  csrSliceMs: pick(300, 150, 20),
  csrPerKind: pick(8, 4, 1),
  scaleCount: num('BENCH_SCALE_N', 100_000, 20_000, 300),
  listRuns: runs(9, 3),
  // ~10 matches (one synthetic host-number prefix), all of them (1000 shown), none.
  listQueries: null,
  keyGapMs: pick(200, 200, 40),
  keyRepeat: pick(3, 1, 1),
  memoryRuns: runs(3, 1),
  serviceRuns: runs(5, 1),
  serviceCount: num('BENCH_SERVICE_N', 400, 80, 8),
  serviceWarmup: pick(16, 16, 2),
  concurrency: pick(8, 8, 2),
  acmeRuns: runs(7, 3),
};
{
  const host = String(Math.floor(config.scaleCount * 0.42)).padStart(9, '0');
  config.listQueries = [`b${host.slice(0, 8)}`, 'bulk.example', 'no-such-name'];
}
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const wanted = (name) => !only || only.has(name) || (name === 'keys' && only.has('scale'));

const started = Date.now();
const log = (line) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}\n`);

ensureTools(log);
ensureBuilt(log);
log('bundling bench entries');
const entries = await bundleEntries(['populate', 'csr-checks', 'make-csrs', 'inproc-reissue', 'wizard-keys-ui', 'minimal-list-ui', 'wizard-card-csr', 'pg-cluster', 'acme-issuance']);
for (const msg of Object.values(entries.errors)) log(msg);
const env = { ...process.env };

const results = {};
const failures = {};
async function section(name, fn) {
  if (!wanted(name)) return;
  log(`${name}`);
  try {
    results[name] = await fn();
  } catch (e) {
    failures[name] = e instanceof Error ? e.message : String(e);
    log(`${name} FAILED: ${failures[name].split('\n')[0]}`);
  }
}

await section('startup', () => benchStartup({ runs: config.startupRuns, env, log }));
await section('card', () => benchCard({ runs: config.cardRuns, algorithms: config.cardAlgorithms, entries, env, log }));
await section('csr', () => benchCsrChecks({ rounds: config.csrRounds, sliceMs: config.csrSliceMs, perKind: config.csrPerKind, entries, env, log }));

let portalDir = null;
const needPortal = ['scale', 'memory', 'service', 'service-pg'].some(wanted);
if (needPortal) {
  try {
    portalDir = cachedPortal({ count: config.scaleCount, entries, log });
  } catch (e) {
    for (const s of ['scale', 'memory', 'service', 'service-pg']) if (wanted(s)) failures[s] = `populating the portal failed: ${e.message}`;
  }
}
if (portalDir) {
  const work = copyPortal(portalDir);
  try {
    await section('scale', async () => ({
      count: config.scaleCount,
      sqlite: sqliteVersion(),
      list: await benchListQuery({ runs: config.listRuns, dataDir: work, queries: config.listQueries, env, log }),
      listOnScreen: await (log('  wizard: the list on screen vs node -e in a pty'), listOnScreen({ runs: config.startupRuns, dataDir: work, env })),
    }));
    if (wanted('scale')) await section('keys', () => benchWizardKeys({ dataDir: work, entries, gapMs: config.keyGapMs, repeat: config.keyRepeat, env, log }));
    await section('memory', async () => ({ count: config.scaleCount, ...(await benchMemory({ runs: config.memoryRuns, dataDir: work, env, log })) }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  await section('service', () =>
    benchService({ runs: config.serviceRuns, count: config.serviceCount, warmup: config.serviceWarmup, concurrency: config.concurrency, portalDir, entries, env, log }),
  );
  await section('service-pg', () =>
    benchServicePostgres({ runs: config.serviceRuns, count: config.serviceCount, warmup: config.serviceWarmup, concurrency: config.concurrency, portalDir, entries, env, log }),
  );
}

await section('acme', () => benchAcme({ runs: config.acmeRuns, entries, env, log }));
// certbot and lego measured but not reissue: the row the section is for is missing.
if (results.acme?.reissueError) failures['acme (reissue side)'] = results.acme.reissueError;

const git = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
})();
const meta = {
  date: new Date().toISOString(),
  commit: git,
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
  durationSeconds: Math.round((Date.now() - started) / 1000),
  bin: process.env.BENCH_BIN ?? 'bin/reissue',
  config,
};
const rows = rowsFor(results, failures);
const md = renderMarkdown(meta, rows, failures);
if (smoke) {
  // Figures from the smallest sizes mean nothing: printed to show each section ran, never kept.
  process.stdout.write(md);
  log(`smoke run done in ${meta.durationSeconds} s (nothing written to bench/results/)`);
} else {
  const outDir = join(ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const outName = (process.env.BENCH_OUT ?? 'latest').replace(/[^A-Za-z0-9._-]/g, '_');
  writeFileSync(join(outDir, `${outName}.md`), md);
  writeFileSync(join(outDir, `${outName}.json`), JSON.stringify({ meta, rows, results, failures }, null, 2) + '\n');
  process.stdout.write(md);
  log(`wrote bench/results/${outName}.md and ${outName}.json in ${meta.durationSeconds} s`);
}
if (Object.keys(failures).length) {
  log(`not measured: ${Object.keys(failures).join(', ')}`);
  process.exitCode = 1;
}
