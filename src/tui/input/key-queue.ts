// The wizard's one input queue. It stands between the terminal and Ink: each chunk read from the
// terminal is split into keys (keys.ts) and Ink is handed ONE key per turn of the event loop. Ink
// would pass "1234\r" or three Backspaces as one input, and a key handler sees only one of them;
// here each key is handled, React commits, and the screen it opened has subscribed its own
// handlers before the next key is read. So every key sees the state the previous one produced.
// Each key keeps the moment it was read (inputClock), so a question can tell a key typed after it
// was on screen from one typed ahead; and keys wait while the wizard waits for what they were
// typed for (a page from a remote portal), never acting on a stale screen.
import { EventEmitter } from 'node:events';
import { flushRest, splitKeys } from './keys.js';

/** How long an incomplete sequence (a lone ESC, half an arrow, an unfinished paste) may wait. */
const ESCAPE_WAIT_MS = 30;
const PASTE_WAIT_MS = 500;
const CTRL_C = '\u0003';

/** The part of a TTY read stream that Ink uses. */
export type InputStream = Pick<NodeJS.ReadStream, 'isTTY' | 'setRawMode' | 'setEncoding' | 'ref' | 'unref' | 'read'> & EventEmitter;

/**
 * One clock for reads and frames: a number that only grows. A key read at `n` was typed before
 * anything stamped later (a question's first frame) was on screen.
 */
let ticks = 0;
export const inputClock = { now: (): number => ++ticks };

export interface QueuedKey {
  key: string;
  /** inputClock.now() when the terminal read that brought it. */
  readAt: number;
}

export interface KeyQueue {
  /** What Ink reads from. */
  stream: NodeJS.ReadStream;
  /** The key Ink is handling (the last one handed over), or null before the first. */
  current(): QueuedKey | null;
  /** Keys wait while `hold()` is true (Ctrl+C never waits); release() when it may have changed. */
  holdWhile(hold: () => boolean): void;
  release(): void;
}

/** Two turns: the first runs what the key scheduled (React's passive effects, Ink's flushes). */
const afterEffects = (fn: () => void) => setImmediate(() => setImmediate(fn));

export function createKeyQueue(source: InputStream): KeyQueue {
  const out = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const queue: QueuedKey[] = [];
  let buffer = '';
  let bufferReadAt = 0;
  let ready: QueuedKey | null = null;
  // The last key handed to Ink: its handlers run during the read, or (a lone ESC, which Ink holds
  // for a moment) a turn later, always before the next key is handed over.
  let last: QueuedKey | null = null;
  let pumping = false;
  let waiting: NodeJS.Timeout | undefined;
  let hold: () => boolean = () => false;

  const emit = (k: QueuedKey) => {
    ready = last = k;
    out.emit('readable'); // Ink reads the key and handles it synchronously
    ready = null;
  };
  const pump = () => {
    pumping = false;
    if (ready !== null || !queue.length) return;
    if (hold()) {
      // Ctrl+C goes ahead of the keys that wait: the way out never waits for a portal.
      const interrupt = queue.findIndex((k) => k.key === CTRL_C);
      if (interrupt >= 0) emit(queue.splice(interrupt, 1)[0]!);
      return; // release() pumps again
    }
    emit(queue.shift()!);
    if (queue.length) schedule();
  };
  const schedule = () => {
    if (pumping) return;
    pumping = true;
    afterEffects(pump);
  };
  const enqueue = (keys: string[], readAt: number) => {
    queue.push(...keys.map((key) => ({ key, readAt })));
    // Never right away: the read may share its turn of the event loop with an answer (a card
    // scan, a page of rows) whose new screen has not subscribed its key handlers yet.
    if (queue.length) schedule();
  };

  const onReadable = () => {
    let chunk: string | Buffer | null;
    let read = false;
    while ((chunk = source.read()) !== null) {
      buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      read = true;
    }
    // A sequence completed by this read counts as read now.
    if (read) bufferReadAt = inputClock.now();
    clearTimeout(waiting);
    const { keys, rest } = splitKeys(buffer);
    buffer = rest;
    if (rest) {
      waiting = setTimeout(() => {
        const late = flushRest(buffer);
        buffer = '';
        enqueue(late, bufferReadAt);
      }, rest.startsWith('\u001B[200~') ? PASTE_WAIT_MS : ESCAPE_WAIT_MS);
    }
    enqueue(keys, bufferReadAt);
  };

  // Listen to the terminal only while Ink listens to us (it stops when raw mode is switched off).
  out.on('newListener', (event) => {
    if (event === 'readable' && out.listenerCount('readable') === 0) source.on('readable', onReadable);
  });
  out.on('removeListener', (event) => {
    if (event === 'readable' && out.listenerCount('readable') === 0) {
      source.off('readable', onReadable);
      clearTimeout(waiting);
    }
  });

  Object.assign(out, {
    isTTY: source.isTTY,
    setRawMode: (on: boolean) => {
      source.setRawMode?.(on);
      return out;
    },
    setEncoding: (enc: BufferEncoding) => {
      source.setEncoding?.(enc);
      return out;
    },
    ref: () => {
      source.ref?.();
      return out;
    },
    unref: () => {
      source.unref?.();
      return out;
    },
    read: () => {
      const key = ready?.key ?? null;
      ready = null;
      return key;
    },
  });
  return {
    stream: out as unknown as NodeJS.ReadStream,
    current: () => last,
    holdWhile(next) {
      hold = next;
      schedule();
    },
    release() {
      if (queue.length) schedule();
    },
  };
}
