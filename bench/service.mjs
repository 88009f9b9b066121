// 5. Service: reissues per second through a real `reissue serve` process on loopback with 8
// concurrent clients (fetch, Idempotency-Key, one distinct certificate each), against the same
// reissues in-process (openPortalService → forAccount('demo').reissue) with the same concurrency.
// Each side of each run gets a fresh copy of the populated portal and the same pre-made CSRs.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BIN, ROOT, entryPath, runEntry } from './lib/env.mjs';
import { median, percentile, summary } from './lib/stats.mjs';
import { copyPortal } from './scale.mjs';

/** A `reissue serve` on 127.0.0.1, port 0, ready once it prints its URL; `args` adds e.g. --store URL. */
export async function startServe(dataDir, env, args = []) {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const m = line.match(/^Listening on (\S+)/);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line from reissue serve: ${line}`));
    });
    child.once('exit', (code) => reject(new Error(`reissue serve exited (${code}): ${stderr}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Reissues every job through `url` (or, given several, client k through url[k % n]), `concurrency` at a time. */
export async function drainHttp(url, token, jobs, concurrency, latencies) {
  const urls = [url].flat();
  let next = 0;
  const worker = async (k) => {
    const url = urls[k % urls.length];
    while (next < jobs.length) {
      const job = jobs[next++];
      const t = performance.now();
      const res = await fetch(`${url}/v1/certificates/${encodeURIComponent(job.id)}/reissue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ csr: job.csr }),
      });
      const body = await res.json();
      if (res.status !== 200 && res.status !== 201) throw new Error(`reissue of ${job.id} answered ${res.status}: ${JSON.stringify(body)}`);
      if (body.replaced?.id !== job.id) throw new Error(`reissue of ${job.id} replaced ${body.replaced?.id}`);
      latencies?.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => worker(k)));
}

export async function benchService({ runs, count, warmup, concurrency, portalDir, entries, env, log }) {
  const scratch = copyPortal(portalDir, 'reissue-bench-csrs-');
  const jobsFile = join(scratch, 'jobs.json');
  try {
    runEntry(entryPath(entries, 'make-csrs'), [scratch, warmup + count, jobsFile], { env });
    const jobs = JSON.parse(readFileSync(jobsFile, 'utf8'));
    const http = { rate: [], latencies: [] };
    const inproc = { rate: [], latencies: [] };
    const ratios = [];
    for (let i = 0; i < runs; i++) {
      log(`  run ${i + 1}/${runs}: HTTP`);
      const d1 = copyPortal(portalDir);
      try {
        const tok = spawnSync(process.execPath, [BIN, 'admin', 'token', 'create', 'demo', '--data-dir', d1], { cwd: ROOT, env, encoding: 'utf8' });
        if (tok.status !== 0) throw new Error(`admin token create failed: ${tok.stderr}`);
        const token = tok.stdout.trim().split('\n')[0];
        const server = await startServe(d1, env);
        try {
          await drainHttp(server.url, token, jobs.slice(0, warmup), concurrency, null);
          const lat = [];
          const t0 = performance.now();
          await drainHttp(server.url, token, jobs.slice(warmup), concurrency, lat);
          const ms = performance.now() - t0;
          http.rate.push((lat.length * 1000) / ms);
          http.latencies.push(...lat);
        } finally {
          await server.stop();
        }
      } finally {
        rmSync(d1, { recursive: true, force: true });
      }
      log(`  run ${i + 1}/${runs}: in-process`);
      const d2 = copyPortal(portalDir);
      try {
        const r = runEntry(entryPath(entries, 'inproc-reissue'), [d2, jobsFile, concurrency, warmup], { env });
        inproc.rate.push((r.n * 1000) / r.ms);
        inproc.latencies.push(...r.latencies);
      } finally {
        rmSync(d2, { recursive: true, force: true });
      }
      ratios.push(http.rate.at(-1) / inproc.rate.at(-1));
    }
    const lat = (xs) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), n: xs.length });
    return {
      http: { perSecond: summary(http.rate), latencyMs: lat(http.latencies) },
      inproc: { perSecond: summary(inproc.rate), latencyMs: lat(inproc.latencies) },
      ratio: summary(ratios),
      ratioOfMedians: median(http.rate) / median(inproc.rate),
      count,
      concurrency,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
