// Renders Ink trees into an 80×24 fake terminal (or any size), writes input and waits for the
// frames it causes. Frames are kept as plain text (ANSI stripped) so tests read what a user reads;
// `frames` holds every frame ever drawn (to prove a PIN never appeared in any of them).
// Modeled on ink-testing-library's streams, which are fixed at 100 columns.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render as inkRender } from 'ink';
import type { ReactElement } from 'react';

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  /** Every write, raw (ANSI kept). */
  writes: string[] = [];
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  write = (chunk: string | Uint8Array): boolean => {
    this.writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private queue: string[] = [];
  rawMode = false;
  write(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
  /**
   * Several chunks that are all waiting when the app next reads stdin, as when keys arrive while
   * the event loop is busy: Ink handles them one after another before React renders again.
   */
  writeTogether(chunks: string[]): void {
    this.queue.push(...chunks);
    this.emit('readable');
  }
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(on: boolean): void {
    this.rawMode = on;
  }
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export const KEYS = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageDown: '\u001B[6~',
  pageUp: '\u001B[5~',
  home: '\u001B[H',
  end: '\u001B[F',
  backspace: '\u007F',
  tab: '\t',
  ctrlC: '\u0003',
} as const;

export type KeyName = keyof typeof KEYS;

/** Plain text of a frame: no colours, no cursor moves, no trailing spaces. */
export function plain(frame: string): string {
  return stripVTControlCharacters(frame)
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

export interface Terminal {
  stdin: FakeStdin;
  stdout: FakeStdout;
  /** Every frame drawn, plain text. */
  frames(): string[];
  lastFrame(): string;
  /** Writes raw input (one write = one chunk, as a terminal delivers it) and waits for the next frame. */
  write(data: string): Promise<void>;
  /** Presses a named key; Escape waits longer (Ink holds a lone ESC briefly). */
  press(key: KeyName): Promise<void>;
  /** Types text one character per write, waiting for each frame (so onChange sees each). */
  type(text: string): Promise<void>;
  /** Types text one character per chunk, all read in one go (keys that piled up while the app was busy). */
  typeFast(text: string): Promise<void>;
  /** Waits until the last frame contains `text` (or matches the predicate). */
  waitFor(what: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  unmount(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Lets React run the effects of the last commit before input arrives. A frame can be on screen
 * while its passive effects (and so the new key handlers) are still queued; a real terminal's
 * keystroke is a later event, so tests give the same room.
 */
const settle = async () => {
  await new Promise((r) => setImmediate(r));
  await sleep(5);
};

/** Wraps streams already in use (e.g. by runWizard) as a Terminal. */
export function terminalFor(stdin: FakeStdin, stdout: FakeStdout, unmount: () => void = () => {}): Terminal {
  const frames = () => stdout.writes.map(plain).filter((f) => f.trim() !== '');
  const lastFrame = () => frames().at(-1) ?? '';
  const nextFrame = async (before: number, settleMs: number) => {
    const deadline = Date.now() + 500;
    while (stdout.writes.length === before && Date.now() < deadline) await sleep(5);
    await sleep(settleMs);
  };
  const t: Terminal = {
    stdin,
    stdout,
    frames,
    lastFrame,
    async write(data) {
      await settle();
      const before = stdout.writes.length;
      stdin.write(data);
      await nextFrame(before, 15);
    },
    async press(key) {
      await settle();
      const before = stdout.writes.length;
      stdin.write(KEYS[key]);
      await nextFrame(before, key === 'escape' ? 60 : 15);
    },
    async type(text) {
      for (const ch of text) await t.write(ch);
    },
    async typeFast(text) {
      await settle();
      const before = stdout.writes.length;
      stdin.writeTogether([...text]);
      await nextFrame(before, 30);
    },
    async waitFor(what, timeoutMs = 4000) {
      const test = typeof what === 'string' ? (f: string) => f.includes(what) : what instanceof RegExp ? (f: string) => what.test(f) : what;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const f = lastFrame();
        if (test(f)) return f;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${String(what)}. Last frame:\n${f}`);
        await sleep(10);
      }
    },
    unmount,
  };
  return t;
}

export interface RenderOptions {
  columns?: number;
  rows?: number;
}

/** Renders `tree` into a fake terminal and waits for the first frame (input before it is lost). */
export async function render(tree: ReactElement, opts: RenderOptions = {}): Promise<Terminal> {
  const stdout = new FakeStdout(opts.columns, opts.rows);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const t = terminalFor(stdin, stdout, () => {
    instance.unmount();
    instance.cleanup();
  });
  await t.waitFor((f) => f.length > 0);
  return t;
}

/** Asserts the frame fits the terminal: at most `rows` lines of at most `columns` characters. */
export function fits(frame: string, columns = 80, rows = 24): boolean {
  const lines = frame.split('\n');
  return lines.length <= rows && lines.every((l) => [...l].length <= columns);
}
