// Starts the real entry point (runWizard) on a fake 80×24 terminal with fake services.
import { expect } from 'vitest';
import { runWizard } from '../../src/tui/run.js';
import type { WizardServices } from '../../src/tui/services.js';
import { FakeStdin, FakeStdout, fits, terminalFor, type Terminal } from '../helpers/ink.js';

export interface Session {
  t: Terminal;
  /** Resolves with runWizard's exit code. */
  exit: Promise<number>;
  /** Every frame so far, joined: for "never on screen" assertions. */
  everything(): string;
  /** Everything written to the terminal, raw (escape sequences included). */
  stdout(): string;
  /** Frames that do not fit the terminal (at most rows × columns): should be none. */
  overflowing(): string[];
}

export async function startWizard(services: WizardServices, size: { columns?: number; rows?: number; ready?: string } = {}): Promise<Session> {
  const stdout = new FakeStdout(size.columns ?? 80, size.rows ?? 24);
  const stdin = new FakeStdin();
  const exit = runWizard(services, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, debug: true });
  const t = terminalFor(stdin, stdout);
  await t.waitFor(size.ready ?? ((f) => f.includes('Certificates') && !f.includes('loading…')));
  const session: Session = {
    t,
    exit,
    everything: () => t.frames().join('\n'),
    stdout: () => stdout.writes.join(''),
    overflowing: () => t.frames().filter((f) => !fits(f, stdout.columns, stdout.rows)),
  };
  running.add(session);
  void exit.finally(() => running.delete(session));
  return session;
}

const running = new Set<Session>();

/**
 * For afterEach: every frame of every screen a still-running wizard went through fitted the
 * terminal; then it is quit with Ctrl+C. (A test that quit its wizard itself has nothing left.)
 */
export async function endSessions(): Promise<void> {
  for (const session of [...running]) {
    expect(session.overflowing()).toEqual([]);
    await session.t.press('ctrlC');
    await session.exit;
  }
}

/** List → the certificate `down` rows below the first → its details → Reissue certificate → step 1. */
export async function openReissueStep1(session: Session, down: number, orderId: string): Promise<Terminal> {
  const { t } = session;
  for (let i = 0; i < down; i++) await t.press('down');
  await t.press('enter');
  await t.waitFor(`Certificate for order ${orderId}`);
  for (let i = 0; i < 3; i++) await t.press('right');
  await t.waitFor('[Reissue certificate]');
  await t.press('enter');
  await t.waitFor('Key pair generation method');
  return t;
}

/** Step 1 (CSR) → Paste CSR → `csrPem` as a bracketed paste → the "✓ Correct" review. */
export async function pasteCsrAtStep1(t: Terminal, csrPem: string): Promise<string> {
  await t.press('enter');
  await t.waitFor('❯ Paste CSR');
  await t.press('enter');
  await t.waitFor('Paste the CSR here');
  await t.write(`\u001B[200~${csrPem.replace(/\n/g, '\r')}\u001B[201~`);
  return t.waitFor('✓ Correct');
}

/** List → the code-signing certificate (card only) → step 1 → RSA 2048 → the card → its PIN field. */
export async function openCardPin(session: Session): Promise<Terminal> {
  const t = await openReissueStep1(session, 1, 'ORDER/0000123457/cs');
  await t.press('enter');
  await t.waitFor('❯ RSA 2048');
  await t.press('enter');
  await t.waitFor('Enter uses this card.');
  await t.press('enter');
  await t.waitFor('Common profile PIN:');
  return t;
}
