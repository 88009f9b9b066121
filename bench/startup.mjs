// 1. Start-up: `reissue` (the wizard) in an 80×24 pty until its first frame, against `node -e`
// printing the same text measured the same way; plus `reissue list --json` (no pty) against
// `node -e 0`. Runs alternate so machine load hits both sides alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './lib/env.mjs';
import { startInPty } from './lib/pty.mjs';
import { interleave, summary } from './lib/stats.mjs';

const FIRST_FRAME = 'Certificates'; // the list header: on screen in the wizard's first frame
const LOADED = /\d of [\d,]+\)/; // "(1–6 of 6)": the first page of certificates is shown

export async function benchStartup({ runs, env, log }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'reissue-bench-start-'));
  const wizardEnv = { ...env, REISSUE_DATA_DIR: dataDir };
  delete wizardEnv.CI; // Ink draws only the last frame when it thinks it runs in CI
  // Seed the sandbox portal first: start-up is measured on an existing portal.
  const seeded = spawnSync(process.execPath, [BIN, 'list', '--json'], { env: wizardEnv, cwd: ROOT, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`reissue list failed: ${seeded.stderr}`);

  const loadedTimes = [];
  const wizard = async () => {
    const p = startInPty([process.execPath, BIN], { env: wizardEnv, cwd: ROOT });
    try {
      const first = await p.waitFor(FIRST_FRAME);
      loadedTimes.push(await p.waitFor(LOADED));
      return first;
    } finally {
      await p.stop('q');
    }
  };
  const baselineLoaded = [];
  const baseline = async () => {
    const p = startInPty([process.execPath, '-e', "process.stdout.write('Certificates (1–6 of 6)\\n')"], { env: wizardEnv, cwd: ROOT });
    try {
      const t = await p.waitFor(FIRST_FRAME);
      baselineLoaded.push(await p.waitFor(LOADED));
      return t;
    } finally {
      await p.stop(null);
    }
  };
  await wizard(); // warm the file cache for both
  await baseline();
  loadedTimes.length = 0;
  baselineLoaded.length = 0;
  log('  wizard first frame vs node -e in a pty');
  const pty = await interleave(runs, wizard, baseline);
  const loaded = { a: summary(loadedTimes), b: summary(baselineLoaded), ratio: summary(loadedTimes.map((x, i) => x / baselineLoaded[i])) };

  const timed = (args) => () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { env: wizardEnv, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    return performance.now() - t;
  };
  log('  list --json vs node -e 0');
  const list = await interleave(runs, timed([BIN, 'list', '--json']), timed(['-e', '0']));
  rmSync(dataDir, { recursive: true, force: true });
  return { pty, loaded, list };
}
