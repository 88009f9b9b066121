// Ctrl+C at every stage of `card keygen --submit` (SoftHSM2, the built binary): the exit status
// always agrees with the portal. Exit 0 ⇔ a new copy exists; exit 130 (or death by SIGINT before
// the program could answer, which a shell also reports as 130) ⇔ none, and "Cancelled: nothing was
// generated or issued" leaves no key on the card.
// Each run waits for the stage it interrupts (a line the program prints on stderr) and sends
// SIGINT a random few milliseconds later, so every stage is reached however slow the machine is;
// no fixed sleep decides where the interrupt lands. The key is EC P-256 (made at once) except where
// the generation itself is interrupted: there RSA-3072, the smallest RSA size the card-only product
// takes, so that the interrupt lands while the card is still generating.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { BIN, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';

const PIN = '1234';
const RUNS = Number(process.env.INTERRUPT_RUNS ?? 20);
const LANES = 2; // two at a time: two sandboxes, two tokens
let hsm: SoftHsm;
const boxes: Awaited<ReturnType<typeof cliSandbox>>[] = [];

beforeAll(async () => {
  hsm = await createSoftHsm();
  for (let lane = 0; lane < LANES; lane++) {
    await hsm.initToken(`lane-${lane}`, PIN);
    boxes.push(await cliSandbox());
  }
});
afterAll(async () => {
  await hsm?.cleanup();
  for (const b of boxes) await b.cleanup();
});

const env = (lane: number) => ({ ...boxes[lane]!.env, SOFTHSM2_CONF: hsm.conf });
const copies = async (lane: number): Promise<Certificate[]> => JSON.parse((await runCli(['list', '--json'], { env: env(lane) })).stdout);
const privateKeys = async (lane: number) => ((await hsm.pkcs11Tool(['--token-label', `lane-${lane}`, '--login', '--pin', PIN, '--list-objects', '--type', 'privkey'])).match(/Private Key Object/g) ?? []).length;
const cardOnly = (list: Certificate[]) => list.find((c) => c.keySources.length === 1 && c.keySources[0] === 'card' && !c.replacedBy && c.state === 'valid')!;

/** Where a run is interrupted: after the first stderr line containing `after` (or at once: 'starting'; never: 'none'), up to `jitterMs` later. */
interface Stage {
  name: string;
  after: string | null;
  jitterMs: number;
  algorithm: 'ec-p256' | 'rsa-3072';
}
const STAGES: Stage[] = [
  { name: 'starting', after: null, jitterMs: 400, algorithm: 'ec-p256' },
  { name: 'logging in', after: 'Logging in…', jitterMs: 20, algorithm: 'ec-p256' },
  { name: 'generating', after: 'Generating the key pair…', jitterMs: 50, algorithm: 'rsa-3072' },
  { name: 'signing', after: 'Signing the CSR on the card…', jitterMs: 20, algorithm: 'ec-p256' },
  { name: 'submitting', after: 'Submitting the CSR to the portal…', jitterMs: 50, algorithm: 'ec-p256' },
  // Not interrupted: the issue path itself.
  { name: 'none', after: null, jitterMs: 0, algorithm: 'ec-p256' },
];

interface Run {
  lane: number;
  stage: string;
  /** When SIGINT was sent, after start (null: never). */
  sentMs: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  ms: number;
}

function keygen(lane: number, certId: string, stage: Stage): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, '--module', hsm.module, 'card', 'keygen', '--for', certId, '--algorithm', stage.algorithm, '--token', `lane-${lane}`, '--pin-stdin', '--submit'], {
    env: cleanEnv(env(lane)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(`${PIN}\n`);
  let armed = false;
  let sentMs: number | null = null;
  const running = () => child.exitCode === null && child.signalCode === null;
  const interrupt = () => {
    if (armed) return;
    armed = true;
    setTimeout(() => {
      if (!running()) return;
      sentMs = Date.now() - t0;
      child.kill('SIGINT');
    }, Math.floor(Math.random() * stage.jitterMs));
  };
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stage.after && stderr.includes(stage.after)) interrupt();
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  if (stage.name === 'starting') interrupt();
  // A run that hangs fails with what it printed instead of holding the test to its timeout.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ lane, stage: `${stage.name} (${stage.algorithm})`, sentMs, code, signal, stderr, stdout, ms: Date.now() - t0 });
    }),
  );
}

test(`Ctrl+C at every stage of card keygen --submit: exit 0 ⇔ a new copy, exit 130 ⇔ none (${RUNS} runs)`, async () => {
  const runs: (Run & { before: number; after: number; keysBefore: number; keysAfter: number })[] = [];
  // The stages in turn across both lanes, so each lane meets each stage.
  let started = 0;
  await Promise.all(
    boxes.map(async (_, lane) => {
      // What a run leaves is what the next one on this lane starts from: one list and one
      // pkcs11-tool per run, not two.
      let list = await copies(lane);
      let keys = await privateKeys(lane);
      for (let i = lane; i < RUNS; i += LANES) {
        const r = await keygen(lane, cardOnly(list).id, STAGES[started++ % STAGES.length]!);
        const after = await copies(lane);
        const keysAfter = await privateKeys(lane);
        runs.push({ ...r, before: list.length, after: after.length, keysBefore: keys, keysAfter });
        [list, keys] = [after, keysAfter];
      }
    }),
  );

  const summary = runs
    .map((r) => `lane ${r.lane} ${r.stage}, SIGINT at ${r.sentMs ?? '-'} ms (ended ${r.ms} ms): code ${r.code} ${r.signal ?? ''} copies ${r.before}→${r.after} keys ${r.keysBefore}→${r.keysAfter} | ${r.stderr.trim().split('\n').at(-1)} | ${r.stdout.trim().split('\n')[0] ?? ''}`)
    .join('\n');
  expect(runs).toHaveLength(RUNS);
  for (const r of runs) {
    const issued = r.after === r.before + 1;
    const interrupted = r.code === 130 || (r.code === null && r.signal === 'SIGINT');
    expect(r.after === r.before || issued, summary).toBe(true);
    expect(r.code === 0 || interrupted, summary).toBe(true);
    expect(r.code === 0, summary).toBe(issued);
    if (r.code === 130) {
      // The last line says what happened, and a cancel leaves nothing on the card.
      expect(r.stderr.trim().split('\n').at(-1), summary).toBe('Cancelled: nothing was generated or issued.');
      expect(r.keysAfter, summary).toBe(r.keysBefore);
    }
    if (r.stage.startsWith('none')) expect(r.code, summary).toBe(0);
  }
  // The generation itself was interrupted and cancelled cleanly at least once (the key being made
  // is removed when the card is done with it).
  expect(runs.some((r) => r.stage.startsWith('generating') && r.code === 130), summary).toBe(true);
  console.log(summary);
}, 300_000);
