// 5b. Service on PostgreSQL: reissues per second through `reissue serve --store postgres://…` (one
// instance) against `reissue serve` on the SQLite file (one instance), and through two instances
// on one PostgreSQL database (the clients split between them) against one — the same load as
// section 5 (8 concurrent clients, one distinct bulk certificate per reissue, the same pre-made
// CSRs), on the same portal: the populated portal is moved into a template database once with
// `reissue admin copy` (its time is reported too), and every PostgreSQL side of every run starts
// from a fresh database made from that template; the SQLite side from a fresh copy of the file.
// The cluster is a throw-away one (bench/entries/pg-cluster.ts), stopped and deleted at the end.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { BIN, ROOT, entryPath, parseEntryOutput, runEntry } from './lib/env.mjs';
import { median, percentile, summary } from './lib/stats.mjs';
import { copyPortal } from './scale.mjs';
import { drainHttp, startServe } from './service.mjs';

/** The throw-away cluster: started by its entry, which stops it when its stdin closes. */
async function startCluster(entries, env) {
  const child = spawn(process.execPath, [entryPath(entries, 'pg-cluster')], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const urls = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      out += `${line}\n`;
      if (line.startsWith('BENCH_JSON ')) resolve(parseEntryOutput(`\n${line}\n`));
    });
    child.once('exit', (code) => reject(new Error(`the PostgreSQL cluster did not start (exit ${code}): ${err.slice(-1000)}${out.slice(-500)}`)));
  });
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: urls.admin });
    await c.connect();
    try {
      return (await c.query(sql)).rows;
    } finally {
      await c.end();
    }
  };
  return {
    url: (name) => urls.base.replace('DBNAME', name),
    admin,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function cli(args, env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 900_000 });
  if (r.status !== 0) throw new Error(`reissue ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-1000)}`);
  return r.stdout;
}

/** A data directory holding only the portal's CA files: what every instance on PostgreSQL shares. */
function caOnlyDir(portalDir) {
  const dir = mkdtempSync(join(tmpdir(), 'reissue-bench-pg-'));
  chmodSync(dir, 0o700);
  for (const f of ['ca.pem', 'ca-key.pem']) copyFileSync(join(portalDir, f), join(dir, f));
  chmodSync(join(dir, 'ca-key.pem'), 0o600);
  return dir;
}

/** The most instances of one side: the jobs begin with a set of warm-up reissues for each. */
const MAX_INSTANCES = 2;

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime
}

/** One side of one run: `instances` serve processes on `dataDir` (+ args), the jobs spread over them. */
async function measure({ instances, dataDir, args, token, jobs, warmup, concurrency, env }) {
  if (instances > MAX_INSTANCES) throw new Error(`at most ${MAX_INSTANCES} instances`);
  const servers = await Promise.all(Array.from({ length: instances }, () => startServe(dataDir, env, args)));
  try {
    const urls = servers.map((s) => s.url);
    // Each instance warms up as a single one does (its own JIT, pool and caches): `warmup` reissues each.
    await Promise.all(urls.map((url, k) => drainHttp(url, token, jobs.slice(k * warmup, (k + 1) * warmup), concurrency, null)));
    const timed = jobs.slice(MAX_INSTANCES * warmup);
    const lat = [];
    const cpu0 = servers.reduce((n, s) => n + cpuMs(s.pid), 0);
    const t0 = performance.now();
    await drainHttp(urls, token, timed, concurrency, lat);
    const ms = performance.now() - t0;
    // The instances' CPU per reissue: a second instance only adds throughput when there are idle cores for it.
    const cpu = servers.reduce((n, s) => n + cpuMs(s.pid), 0) - cpu0;
    return { rate: (lat.length * 1000) / ms, latencies: lat, cpuPerReissue: cpu / lat.length };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export async function benchServicePostgres({ runs, count, warmup, concurrency, portalDir, entries, env, log }) {
  const scratch = copyPortal(portalDir, 'reissue-bench-pg-csrs-');
  const jobsFile = join(scratch, 'jobs.json');
  const cluster = await startCluster(entries, env);
  const dirs = [];
  try {
    // Durable commits on both sides (SQLite: synchronous=FULL): the cluster runs with fsync on.
    const [{ fsync }] = await cluster.admin('SHOW fsync');
    if (fsync !== 'on') throw new Error(`the benchmark's PostgreSQL runs with fsync ${fsync}`);
    runEntry(entryPath(entries, 'make-csrs'), [scratch, MAX_INSTANCES * warmup + count, jobsFile], { env });
    const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));

    log('  admin copy: the portal into a template database');
    await cluster.admin('CREATE DATABASE bench_template');
    const t0 = performance.now();
    const copied = JSON.parse(cli(['admin', 'copy', '--from', `sqlite:${join(scratch, 'portal.sqlite')}`, '--to', cluster.url('bench_template'), '--json'], env));
    const copyMs = performance.now() - t0;
    const rows = copied.tables.reduce((n, t) => n + t.target, 0);
    const certificates = copied.tables.find((t) => t.table === 'certificates').target;

    const sides = { sqlite: { rate: [], latencies: [], cpu: [] }, pg1: { rate: [], latencies: [], cpu: [] }, pg2: { rate: [], latencies: [], cpu: [] } };
    const pgVsSqlite = [];
    const twoVsOne = [];
    let db = 0;
    for (let i = 0; i < runs; i++) {
      const order = ['sqlite', 'pg1', 'pg2'];
      for (let k = 0; k < i % 3; k++) order.push(order.shift()); // who goes first changes run by run
      const rate = {};
      for (const side of order) {
        log(`  run ${i + 1}/${runs}: ${side}`);
        let dataDir;
        let args = [];
        let storeArgs = [];
        if (side === 'sqlite') {
          dataDir = copyPortal(portalDir);
        } else {
          const name = `bench_${++db}`;
          await cluster.admin(`CREATE DATABASE ${name} TEMPLATE bench_template`);
          dataDir = caOnlyDir(portalDir);
          args = ['--store', cluster.url(name)];
          storeArgs = args;
        }
        dirs.push(dataDir);
        const token = cli(['admin', 'token', 'create', 'demo', '--data-dir', dataDir, ...storeArgs], env).trim().split('\n')[0];
        const r = await measure({ instances: side === 'pg2' ? 2 : 1, dataDir, args, token, jobs, warmup, concurrency, env });
        sides[side].rate.push(r.rate);
        sides[side].latencies.push(...r.latencies);
        sides[side].cpu.push(r.cpuPerReissue);
        rate[side] = r.rate;
        rmSync(dataDir, { recursive: true, force: true });
      }
      pgVsSqlite.push(rate.pg1 / rate.sqlite);
      twoVsOne.push(rate.pg2 / rate.pg1);
    }
    const lat = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), n: xs.length });
    const side = (s) => ({ perSecond: summary(s.rate), latencyMs: lat(s.latencies), serveCpuMsPerReissue: summary(s.cpu) });
    return {
      sqlite: side(sides.sqlite),
      pg1: side(sides.pg1),
      pg2: side(sides.pg2),
      pgVsSqlite: summary(pgVsSqlite),
      twoVsOne: summary(twoVsOne),
      ratioOfMedians: { pgVsSqlite: median(sides.pg1.rate) / median(sides.sqlite.rate), twoVsOne: median(sides.pg2.rate) / median(sides.pg1.rate) },
      copy: { ms: copyMs, rows, certificates, rowsPerSecond: (rows * 1000) / copyMs },
      loadAverage: loadavg(),
      postgres: { fsync, synchronousCommit: (await cluster.admin('SHOW synchronous_commit'))[0].synchronous_commit },
      count,
      concurrency,
    };
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    await cluster.stop();
  }
}
