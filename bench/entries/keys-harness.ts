// The keystroke measurement shared by the wizard and the minimal Ink list it is compared with
// (wizard-keys-ui.tsx, minimal-list-ui.tsx): an 80×24 fake terminal, keys typed one at a time
// GAP_MS apart (a fast typist), scrolling then a filter typed and erased; for each key, keystroke →
// first frame (the key's echo), → last frame of the burst it caused, and → the first frame with
// the burst's final rows (the filtered list, before any count that follows).
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';

export class FakeStdout extends EventEmitter {
  readonly isTTY = true;
  columns = 80;
  rows = 24;
  writes: { t: number; text: string }[] = [];
  write = (chunk: string | Uint8Array, cb?: unknown): boolean => {
    this.writes.push({ t: performance.now(), text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
    if (typeof cb === 'function') cb();
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  private queue: string[] = [];
  send(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface KeyTimes {
  filter: { first: number[]; last: number[] };
  filterRows: number[];
  scroll: { first: number[]; last: number[] };
  lostKeys: number;
  lastScreen: string;
}

/** Types the benchmark's keys into `stdin` and times the frames `stdout` receives. */
export async function measureKeys(stdout: FakeStdout, stdin: FakeStdin, gapMs: number, repeat: number): Promise<KeyTimes> {
  const screen = () => stripVTControlCharacters(stdout.writes.map((w) => w.text).join('')).split('Certificates').at(-1) ?? '';
  async function waitFor(test: (s: string) => boolean, what: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!test(screen())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
      await sleep(5);
    }
  }

  /** Sends one key; after GAP_MS returns { first, last } frame times relative to the key. */
  // The first frame whose rows (everything but the count in the title) are those of
  // the burst's last frame: the frame with the filtered list, before its count arrives.
  const rowsOf = (text: string) => stripVTControlCharacters(text).replace(/Certificates \([^)]*\)/, 'Certificates');
  const rowTimes: number[] = [];
  async function press(key: string): Promise<{ first: number; last: number }> {
    const before = stdout.writes.length;
    const t0 = performance.now();
    stdin.send(key);
    await sleep(gapMs);
    const after = stdout.writes.slice(before).filter((w) => w.text.includes('Certificates'));
    const all = stdout.writes.slice(before);
    if (all.length === 0) return { first: NaN, last: NaN };
    if (after.length) {
      const final = rowsOf(after.at(-1)!.text);
      const hit = after.find((w) => rowsOf(w.text) === final)!;
      rowTimes.push(hit.t - t0);
    } else rowTimes.push(NaN);
    return { first: all[0]!.t - t0, last: all.at(-1)!.t - t0 };
  }

  await waitFor((s) => /\d of [\d,]+\)/.test(s), 'the first page of the list');
  const filter = { first: [] as number[], last: [] as number[] };
  let lostKeys = 0;
  const filterRows: number[] = [];
  const scroll = { first: [] as number[], last: [] as number[] };
  const record = (into: typeof filter, r: { first: number; last: number }) => {
    into.first.push(r.first);
    into.last.push(r.last);
  };

  for (let round = 0; round < repeat; round++) {
    for (let i = 0; i < 6; i++) record(scroll, await press('\u001B[6~')); // PgDn
    for (let i = 0; i < 6; i++) record(scroll, await press('\u001B[B')); // Down
    await press('/');
    await waitFor((s) => s.includes('type to filter'), 'the filter field');
    const query = round % 2 ? 'b00004242' : 'b0000317';
    for (const ch of query) {
      record(filter, await press(ch));
      filterRows.push(rowTimes.at(-1)!);
    }
    if (!screen().includes(`Filter: ${query}`)) lostKeys++;
    for (let i = 0; i < query.length; i++) {
      record(filter, await press('\u007F')); // Backspace back to all
      filterRows.push(rowTimes.at(-1)!);
    }
    await press('\u001B');
    await sleep(100);
  }
  return { filter, filterRows, scroll, lostKeys, lastScreen: screen().slice(0, 400) };
}
