// The wizard's one input queue. It stands between the terminal and Ink: each chunk read from the
// terminal is split into keys (keys.ts) and Ink is handed ONE key per turn of the event loop. Ink
// would pass "1234\r" or three Backspaces as one input, and a key handler sees only one of them;
// here each key is handled, React commits, and the screen it opened has subscribed its own
// handlers before the next key is read. So every key sees the state the previous one produced.
import { EventEmitter } from 'node:events';
import { flushRest, splitKeys } from './keys.js';

/** How long an incomplete sequence (a lone ESC, half an arrow, an unfinished paste) may wait. */
const ESCAPE_WAIT_MS = 30;
const PASTE_WAIT_MS = 500;

/** The part of a TTY read stream that Ink uses. */
export type InputStream = Pick<NodeJS.ReadStream, 'isTTY' | 'setRawMode' | 'setEncoding' | 'ref' | 'unref' | 'read'> & EventEmitter;

/** Two turns: the first runs what the key scheduled (React's passive effects, Ink's flushes). */
const afterEffects = (fn: () => void) => setImmediate(() => setImmediate(fn));

export function createKeyQueue(source: InputStream): NodeJS.ReadStream {
  const out = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const queue: string[] = [];
  let buffer = '';
  let ready: string | null = null;
  let pumping = false;
  let waiting: NodeJS.Timeout | undefined;

  const pump = () => {
    pumping = false;
    if (ready !== null || !queue.length) return;
    ready = queue.shift()!;
    out.emit('readable'); // Ink reads the key and handles it synchronously
    ready = null;
    if (queue.length) {
      pumping = true;
      afterEffects(pump);
    }
  };
  const enqueue = (keys: string[]) => {
    queue.push(...keys);
    // Never right away: the read may share its turn of the event loop with an answer (a card
    // scan, a page of rows) whose new screen has not subscribed its key handlers yet.
    if (!pumping && queue.length) {
      pumping = true;
      afterEffects(pump);
    }
  };

  const onReadable = () => {
    let chunk: string | Buffer | null;
    while ((chunk = source.read()) !== null) buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    clearTimeout(waiting);
    const { keys, rest } = splitKeys(buffer);
    buffer = rest;
    if (rest) {
      waiting = setTimeout(() => {
        const late = flushRest(buffer);
        buffer = '';
        enqueue(late);
      }, rest.startsWith('\u001B[200~') ? PASTE_WAIT_MS : ESCAPE_WAIT_MS);
    }
    enqueue(keys);
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
      const key = ready;
      ready = null;
      return key;
    },
  });
  return out as unknown as NodeJS.ReadStream;
}
