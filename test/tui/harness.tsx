// Starts the real entry point (runWizard) on a fake 80×24 terminal with fake services.
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
  return {
    t,
    exit,
    everything: () => t.frames().join('\n'),
    stdout: () => stdout.writes.join(''),
    overflowing: () => t.frames().filter((f) => !fits(f, stdout.columns, stdout.rows)),
  };
}
