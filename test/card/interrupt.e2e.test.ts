// Ctrl+C at random moments of `card keygen --submit` (RSA-4096 on SoftHSM2, the built binary):
// the exit status always agrees with the portal. Exit 0 ⇔ a new copy exists; exit 130 (or death
// by SIGINT before the program could answer, which a shell also reports as 130) ⇔ none, and
// "Cancelled: nothing was generated or issued" leaves no key on the card.
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

interface Run {
  lane: number;
  delayMs: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  ms: number;
}

function keygen(lane: number, certId: string, delayMs: number | null): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, '--module', hsm.module, 'card', 'keygen', '--for', certId, '--algorithm', 'rsa-4096', '--token', `lane-${lane}`, '--pin-stdin', '--submit'], {
    env: cleanEnv(env(lane)),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(`${PIN}\n`);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  if (delayMs !== null) setTimeout(() => child.kill('SIGINT'), delayMs);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ lane, delayMs, code, signal, stderr, stdout, ms: Date.now() - t0 })));
}

test(`Ctrl+C at random moments of card keygen --submit: exit 0 ⇔ a new copy, exit 130 ⇔ none (${RUNS} runs)`, async () => {
  // One uninterrupted run per lane sets the span the interrupts are spread over.
  const calibration = await Promise.all(boxes.map(async (_, lane) => keygen(lane, cardOnly(await copies(lane)).id, null)));
  for (const r of calibration) expect(r, r.stderr).toMatchObject({ code: 0 });
  const span = Math.max(...calibration.map((r) => r.ms));

  const runs: (Run & { before: number; after: number; keysBefore: number; keysAfter: number })[] = [];
  await Promise.all(
    boxes.map(async (_, lane) => {
      for (let i = lane; i < RUNS; i += LANES) {
        const list = await copies(lane);
        const keysBefore = await privateKeys(lane);
        const r = await keygen(lane, cardOnly(list).id, Math.round(Math.random() * span * 1.1));
        runs.push({ ...r, before: list.length, after: (await copies(lane)).length, keysBefore, keysAfter: await privateKeys(lane) });
      }
    }),
  );

  const summary = runs.map((r) => `lane ${r.lane} at ${r.delayMs} ms (ended ${r.ms} ms): code ${r.code} ${r.signal ?? ''} copies ${r.before}→${r.after} keys ${r.keysBefore}→${r.keysAfter} | ${r.stderr.trim().split('\n').at(-1)} | ${r.stdout.trim().split('\n')[0] ?? ''}`).join('\n');
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
  }
  // Where the interrupts landed (before, during or after the generation) is random: shown for the record.
  console.log(summary);
}, 300_000);
