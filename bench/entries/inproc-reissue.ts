// node inproc-reissue.mjs DATA_DIR JOBS.json CONCURRENCY WARMUP: the same reissues `reissue serve`
// does, in-process (openPortalService → forAccount('demo').reissue), CONCURRENCY at a time. The
// first WARMUP jobs are not timed. Prints { ms, n, latencies }.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemClock } from '../../src/domain/clock.js';
import { openPortalService } from '../../src/server/service.js';

const [dataDir, jobsFile, concText = '8', warmText = '8'] = process.argv.slice(2);
if (!dataDir || !jobsFile) throw new Error('usage: inproc-reissue DATA_DIR JOBS.json [CONCURRENCY] [WARMUP]');
const jobs: { id: string; csr: string }[] = JSON.parse(readFileSync(jobsFile, 'utf8'));
const concurrency = Number(concText);
const warmup = Number(warmText);
const service = await openPortalService({ dataDir, clock: systemClock });
const portal = service.forAccount('demo');

async function drain(list: { id: string; csr: string }[], latencies: number[] | null): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const job = list[next++]!;
      const t = performance.now();
      const r = await portal.reissue(job.id, { keySource: 'csr', csr: new Uint8Array(Buffer.from(job.csr, 'utf8')) }, randomUUID());
      if (r.replaced.id !== job.id) throw new Error('reissued the wrong certificate');
      latencies?.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

try {
  await drain(jobs.slice(0, warmup), null);
  const latencies: number[] = [];
  const t0 = performance.now();
  await drain(jobs.slice(warmup), latencies);
  const ms = performance.now() - t0;
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ ms, n: latencies.length, latencies })}\n`);
} finally {
  service.close();
}
