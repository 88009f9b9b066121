// The built wizard in a real pseudo-terminal: one tmux server per test file, one session per
// wizard at 80×24 unless told another size. Keys go in with send-keys (one send-keys command is one write to the pty), the
// screen comes back with capture-pane, and the raw terminal stream is logged with pipe-pane.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { BIN } from './cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function tmuxOn(socket: string) {
  return (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Terminal bytes of named keys, for writing whole sequences at once. */
export const RAW = { enter: '\r', right: '\u001B[C', left: '\u001B[D', down: '\u001B[B', up: '\u001B[A', backspace: '\u007F', escape: '\u001B', ctrlC: '\u0003' } as const;

export interface Pane {
  readonly name: string;
  readonly log: string;
  readonly screens: string[];
  screen(): string;
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Named keys (Enter, Right, Escape, …), each as its own keystroke, with a pause like a person's. */
  keys(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  /** `bytes` in ONE write to the terminal, as a fast typist, a paste or a slow link delivers them. */
  send(bytes: string): void;
  /** Pastes a file the way a terminal does when the application asked for bracketed paste. */
  paste(file: string): Promise<void>;
  raw(): string;
  kill(): void;
}

export function paneClass(socket: string) {
  const tmux = tmuxOn(socket);
  // tmux's server exits with its last session: a session started while it is exiting fails with
  // "server exited unexpectedly". Start again on a fresh server a moment later.
  const newSession = (args: string[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        tmux('new-session', '-d', ...args);
        return;
      } catch (e) {
        if (attempt >= 5 || !String((e as { stderr?: unknown }).stderr ?? e).includes('server exited unexpectedly')) throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
      }
    }
  };
  class TmuxPane implements Pane {
    readonly screens: string[] = [];
    constructor(
      readonly name: string,
      readonly log: string,
    ) {}

    /** `bin`: the launcher to run (default: this checkout's bin/reissue); `args`: its command line (e.g. global options such as --portal). */
    static start(name: string, cwd: string, env: Record<string, string>, log: string, size = { columns: 80, rows: 24 }, bin = BIN, args: string[] = []): TmuxPane {
      // CI would switch Ink to "last frame only"; REISSUE_* from the developer's shell must not leak in.
      const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'REISSUE_PORTAL', 'REISSUE_TOKEN', 'REISSUE_NOW', 'REISSUE_PKCS11_MODULE']
        .filter((v) => !(v in env))
        .map((v) => `-u ${v}`)
        .join(' ');
      const vars = Object.entries({ NO_COLOR: '1', TERM: 'xterm-256color', ...env })
        .map(([k, v]) => `${k}=${shellQuote(v)}`)
        .join(' ');
      const cmd = `cd ${shellQuote(cwd)} && env ${unset} ${vars} ${shellQuote(process.execPath)} ${[bin, ...args].map(shellQuote).join(' ')}; echo "EXIT=$?"; sleep 120`;
      newSession(['-s', name, '-x', String(size.columns), '-y', String(size.rows), cmd]);
      tmux('pipe-pane', '-o', '-t', name, `cat >> ${shellQuote(log)}`);
      return new TmuxPane(name, log);
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

    send(bytes: string): void {
      // One send-keys command is one write(2) to the pane's pty (checked with a reader that logs its read sizes).
      tmux('send-keys', '-t', this.name, '-H', ...[...Buffer.from(bytes, 'utf8')].map((b) => b.toString(16).padStart(2, '0')));
    }

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
  return TmuxPane;
}
