// The built wizard in a real pseudo-terminal: tmux at 80×24, keys sent with send-keys, the screen
// read with capture-pane, every byte the program wrote kept in a log (pipe-pane).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN } from './cli.js';

const SOCKET = `reissue-e2e-${process.pid}`;
export const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Ends this test file's tmux server (every pane it started). */
export function killTmuxServer(): void {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
}

/** One wizard in one tmux session. */
export class Pane {
  readonly screens: string[] = [];
  constructor(
    readonly name: string,
    readonly log: string,
  ) {}

  /** `bin`: the launcher to run (default: this checkout's bin/reissue). */
  static start(name: string, cwd: string, env: Record<string, string>, log: string, bin = BIN): Pane {
    // CI would switch Ink to "last frame only"; REISSUE_* from the developer's shell must not leak in.
    const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'REISSUE_PORTAL', 'REISSUE_TOKEN', 'REISSUE_NOW', 'REISSUE_PKCS11_MODULE']
      .filter((v) => !(v in env))
      .map((v) => `-u ${v}`)
      .join(' ');
    const vars = Object.entries({ NO_COLOR: '1', TERM: 'xterm-256color', ...env })
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    const cmd = `cd ${shellQuote(cwd)} && env ${unset} ${vars} ${shellQuote(process.execPath)} ${shellQuote(bin)}; echo "EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', cmd);
    tmux('pipe-pane', '-o', '-t', name, `cat >> ${shellQuote(log)}`);
    return new Pane(name, log);
  }

  screen(): string {
    const s = tmux('capture-pane', '-p', '-t', this.name).replace(/\s+$/, '');
    this.screens.push(s);
    return s;
  }

  async waitFor(what: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(what)}; the screen:\n${s}`);
      await sleep(100);
    }
  }

  /** Named keys (Enter, Right, Escape, …), each as its own keystroke, with a pause like a person's. */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) {
      tmux('send-keys', '-t', this.name, k);
      // A lone Escape is held briefly by the terminal parser; give it room before the next key.
      await sleep(k === 'Escape' ? 250 : 120);
    }
  }

  async type(text: string): Promise<void> {
    tmux('send-keys', '-t', this.name, '-l', text);
    await sleep(150);
  }

  /** Pastes a file the way a terminal does when the application asked for bracketed paste. */
  async paste(file: string): Promise<void> {
    tmux('load-buffer', '-b', this.name, file);
    tmux('paste-buffer', '-p', '-d', '-b', this.name, '-t', this.name);
    await sleep(150);
  }

  raw(): string {
    return existsSync(this.log) ? readFileSync(this.log, 'latin1') : '';
  }

  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

