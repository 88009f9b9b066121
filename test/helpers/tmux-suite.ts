// One tmux end-to-end file's setup in one call: its own tmux server (a socket named after the file
// and this process), a temp folder for the file, wizards started on fresh sandboxes each in its
// own work folder, and one teardown that ends what the tests left running, kills the server and
// removes the folder. The parts it is built on (tmux-pane.ts: paneClass, tmuxOn, RAW) stay as they
// are for tests that drive tmux themselves.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { BIN, ROOT, cliSandbox } from './cli.js';
import { paneClass, tmuxOn, type Pane } from './tmux-pane.js';

export type Sandbox = Awaited<ReturnType<typeof cliSandbox>>;

export interface WizardOptions {
  /** Added to the sandbox's environment (a module, a language, a remote portal); a function gets the work folder. */
  env?: Record<string, string> | ((work: string) => Record<string, string>);
  /** Terminal size; 80×24 by default. */
  size?: { columns: number; rows: number };
  /** Command words: the built binary is started with them (through a launcher written for the run). */
  args?: string[];
  /** The launcher to run instead of this checkout's bin/reissue (ignored with `args`). */
  bin?: string;
  /** Waited for on screen before the wizard is handed back. */
  ready?: string | RegExp;
  /** How long to wait for `ready` (ms). */
  readyMs?: number;
  /** The sandbox to use (the caller cleans it up). Default: a fresh one, removed by done(). */
  box?: Sandbox;
}

export interface SuiteWizard {
  pane: Pane;
  /** The sandbox the wizard runs on. */
  box: Sandbox;
  /** Its own folder (the working directory; the terminal log is terminal.log in it). */
  work: string;
  /** Ends the pane and removes a sandbox the suite made for it. */
  done(): Promise<void>;
}

export interface TmuxSuite {
  readonly socket: string;
  /** tmux on this suite's server. */
  readonly tmux: (...args: string[]) => string;
  /** Panes on this suite's server (for tests that start their own). */
  readonly Pane: ReturnType<typeof paneClass>;
  /** The suite's temp folder (set before the file's tests run). */
  readonly dir: string;
  /** A launcher that runs the built binary with these words (tmux starts `node LAUNCHER`). */
  launcher(args: string[], where?: string): Promise<string>;
  /** A pane on a fresh sandbox (unless told otherwise), in its own folder under `dir`. */
  wizard(name: string, opts?: WizardOptions): Promise<SuiteWizard>;
}

/**
 * Registers the file's beforeAll (temp folder; this checkout's built binary must exist unless
 * `needsBuild` is false) and afterAll (what is
 * still open ended, the tmux server killed, the folder removed). Call it at the top of the file.
 */
export function tmuxSuite(name: string, opts: { needsBuild?: boolean } = {}): TmuxSuite {
  const socket = `reissue-${name}-${process.pid}`;
  const tmux = tmuxOn(socket);
  const Pane = paneClass(socket);
  let dir = '';
  const open = new Set<SuiteWizard>();

  beforeAll(async () => {
    // (A file that builds a checkout of its own says so with needsBuild: false.)
    if (opts.needsBuild !== false && !existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` first.');
    dir = await mkdtemp(join(tmpdir(), `reissue-${name}-`));
  });
  afterAll(async () => {
    for (const w of [...open]) await w.done();
    try {
      tmux('kill-server');
    } catch {
      // no server left: it exits with its last session
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const launcher = async (args: string[], where = dir) => {
    const folder = await mkdtemp(join(where, 'launch-'));
    const file = join(folder, 'launch.mjs');
    await writeFile(file, `process.argv.splice(2, 0, ...${JSON.stringify(args)});\nawait import(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))});\n`);
    return file;
  };

  return {
    socket,
    tmux,
    Pane,
    get dir() {
      return dir;
    },
    launcher,
    async wizard(paneName, o = {}) {
      const ownBox = o.box === undefined;
      const box = o.box ?? (await cliSandbox());
      const work = await mkdtemp(join(dir, `${paneName}-`));
      const bin = o.args ? await launcher(o.args) : (o.bin ?? BIN);
      const pane = Pane.start(paneName, work, { ...box.env, ...(typeof o.env === 'function' ? o.env(work) : o.env) }, join(work, 'terminal.log'), o.size, bin);
      const wizard: SuiteWizard = {
        pane,
        box,
        work,
        async done() {
          if (!open.delete(wizard)) return;
          pane.kill();
          if (ownBox) await box.cleanup();
        },
      };
      open.add(wizard);
      if (o.ready) await pane.waitFor(o.ready, o.readyMs);
      return wizard;
    },
  };
}

/** From the list to the reader checklist of the sandbox's card-only certificate, EC P-256 (the wizard on screen). */
export async function toCardReaders(pane: Pane): Promise<string> {
  await pane.waitFor('Certificates (1–');
  await pane.keys('/');
  await pane.type('Code Signing on a card');
  await pane.waitFor('(1–1 of 1)');
  await pane.keys('Enter', 'Enter');
  await pane.waitFor('Product category: Code Signing');
  await pane.keys('Right', 'Right', 'Right', 'Enter');
  await pane.waitFor('❯ Generating key pair on card');
  await pane.keys('Enter');
  await pane.waitFor('EC P-256');
  for (let i = 0; i < 5 && !pane.screen().includes('❯ EC P-256'); i++) await pane.keys('Down');
  await pane.waitFor('❯ EC P-256');
  await pane.keys('Enter');
  return pane.waitFor('Enter uses this card.');
}
