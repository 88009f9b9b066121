// The benchmarks stay alive: `npm run bench` with BENCH_SMOKE=1 runs every section once at the
// smallest sizes (bench/README.md). Only that each section printed its rows and the run exited 0
// is checked — the figures of such a run mean nothing and are never asserted.
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Each section and a row it prints (the Markdown table's "Measure" column). */
const SECTIONS: Record<string, RegExp[]> = {
  startup: [/Start-up: `reissue` → first wizard frame/, /Start-up: `reissue` → the first page of the certificate list/, /Start-up: `reissue list --json`/],
  card: [/Card CSR ec-p256, the wizard \(running\)/, /Card CSR ec-p256: `card keygen --csr-out`/],
  csr: [/CSR checks rsa-2048:/, /CSR checks ec-p256:/],
  scale: [/Start-up on [\d,]+ certificates/, /Scale [\d,]+: `list --query/],
  keys: [/Scale: wizard filter keystroke → frame with the filtered list/],
  service: [/Service: reissues\/s through `reissue serve`/],
  'service-pg': [/Service on PostgreSQL: reissues\/s through one `serve --store/, /Service on PostgreSQL: reissues\/s through two `serve` instances/, /`admin copy` of the portal into PostgreSQL/],
  memory: [/Memory: wizard peak RSS/],
  acme: [/ACME: .*`reissue submit ID --key-out` \/ `certbot certonly/, /ACME: .*`reissue submit ID --key-out` \/ `lego run`/, /ACME: .*`lego run` \/ `certbot certonly/],
};

function runBench(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['scripts/bench.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

test('every bench section runs at the smallest sizes and prints its rows (BENCH_SMOKE=1)', { timeout: 300_000 }, async () => {
  // No knob from the developer's shell (BENCH_ONLY, BENCH_RUNS, …) may narrow or grow the run.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BENCH_') && !k.startsWith('REISSUE_')) env[k] = v;
  const r = await runBench({ ...env, BENCH_SMOKE: '1' });
  const why = `exit ${r.code} after ${Math.round(r.ms / 1000)} s\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`;
  expect(r.stdout, why).toContain('SMOKE run');
  expect(r.stdout, why).not.toContain('NOT MEASURED');
  const rows = r.stdout.split('\n').filter((l) => /^\| \d /.test(l));
  for (const [section, patterns] of Object.entries(SECTIONS)) {
    for (const p of patterns) expect(rows.some((row) => p.test(row)), `${section}: no row matching ${p}\n${why}`).toBe(true);
  }
  expect(r.code, why).toBe(0);
});
