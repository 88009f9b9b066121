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

const FIRST_FRAME = 'Certificates'; // the list header: on screen in the wizard's first frame (the skeleton)
// The first page of certificates on screen: "(1–6 of 6)", or "(1–17 of …)" on a large portal
// whose exact count follows once typing pauses.
const LIST_ON_SCREEN = /\d+–\d+ of [\d,…]+\)/;

/**
 * `reissue` in an 80×24 pty on the portal in dataDir until its first frame and until the first page
 * of the list is on screen, against `node -e` printing the same text in the same pty, alternating.
 */
export async function listOnScreen({ runs, dataDir, env, bin = BIN }) {
  const wizardEnv = { ...env, REISSUE_DATA_DIR: dataDir };
  delete wizardEnv.CI; // Ink draws only the last frame when it thinks it runs in CI
  const measure = async (argv, quitKeys) => {
    const p = startInPty(argv, { env: wizardEnv, cwd: ROOT });
    try {
      const first = await p.waitFor(FIRST_FRAME);
      return { first, list: await p.waitFor(LIST_ON_SCREEN, 60_000) };
    } finally {
      await p.stop(quitKeys);
    }
  };
  const wizard = () => measure([process.execPath, bin], 'q');
  const baseline = () => measure([process.execPath, '-e', "process.stdout.write('Certificates (1–6 of 6)\\n')"], null);
  await wizard(); // warm the file cache for both
  await baseline();
  const ours = [];
  const ref = [];
  await interleave(
    runs,
    async () => (ours.push(await wizard()), ours.at(-1).first),
    async () => (ref.push(await baseline()), ref.at(-1).first),
  );
  const pair = (key) => ({ a: summary(ours.map((x) => x[key])), b: summary(ref.map((x) => x[key])), ratio: summary(ours.map((x, i) => x[key] / ref[i][key])) });
  return { first: pair('first'), list: pair('list') };
}

export async function benchStartup({ runs, env, log }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'reissue-bench-start-'));
  const wizardEnv = { ...env, REISSUE_DATA_DIR: dataDir };
  // Seed the sandbox portal first: start-up is measured on an existing portal.
  const seeded = spawnSync(process.execPath, [BIN, 'list', '--json'], { env: wizardEnv, cwd: ROOT, encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`reissue list failed: ${seeded.stderr}`);
  log('  wizard first frame and list on screen vs node -e in a pty');
  const { first: pty, list: loaded } = await listOnScreen({ runs, dataDir, env });

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
