// The built binary in a real pseudo-terminal of a chosen size: tmux, keys with send-keys, the
// screen with capture-pane. (test/e2e/wizard.e2e.test.ts has the 80×24 pane with a raw log.)
import { execFileSync } from 'node:child_process';
import { BIN } from './cli.js';

const SOCKET = `reissue-pane-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class SizedPane {
  readonly screens: string[] = [];
  private constructor(readonly name: string) {}

  static start(name: string, cwd: string, env: Record<string, string>, size: { columns: number; rows: number }): SizedPane {
    const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'REISSUE_PORTAL', 'REISSUE_TOKEN', 'REISSUE_NOW', 'REISSUE_PKCS11_MODULE', 'REISSUE_LANG', 'LC_ALL', 'LC_MESSAGES', 'LANG']
      .filter((v) => !(v in env))
      .map((v) => `-u ${v}`)
      .join(' ');
    const vars = Object.entries({ NO_COLOR: '1', TERM: 'xterm-256color', ...env })
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(' ');
    const cmd = `cd ${shellQuote(cwd)} && env ${unset} ${vars} ${shellQuote(process.execPath)} ${shellQuote(BIN)}; echo "EXIT=$?"; sleep 120`;
    tmux('new-session', '-d', '-s', name, '-x', String(size.columns), '-y', String(size.rows), cmd);
    return new SizedPane(name);
  }

  screen(): string {
    const s = tmux('capture-pane', '-p', '-t', this.name).replace(/\s+$/, '');
    this.screens.push(s);
    return s;
  }

  async waitFor(what: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(what)}; the screen:\n${s}`);
      await sleep(50);
    }
  }

  /** Named keys, each as its own keystroke with a person's pause. */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) {
      tmux('send-keys', '-t', this.name, k);
      await sleep(k === 'Escape' ? 250 : 120);
    }
  }

  /** Text in one write, as a fast typist or a slow link delivers it. */
  async type(text: string): Promise<void> {
    tmux('send-keys', '-t', this.name, '-l', text);
    await sleep(150);
  }

  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }

  static killServer(): void {
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
  }
}
