// The CardService the wizard and the CLI use: a main-thread proxy to the card worker. It finds the
// module candidates, starts the worker on first use (or adopts the one worker-start.ts booted
// earlier), relays progress (adding elapsed-time ticks on its own timer, since the worker may be
// blocked inside a PKCS#11 call) and re-creates errors as ReissueError. close() raises the shared
// stop flag (the running operation stops at its next step boundary), lets the worker log out, close
// sessions and finalize, then ends it; the composition root calls it on every exit path, Ctrl+C and
// SIGTERM included.
import type { Worker } from 'node:worker_threads';
import { cardError } from '../domain/errors.js';
import type { CardInventory, CardProgress, CardService, DeleteRequest, InventoryOptions, DeleteResult, InstallRequest, InstallResult, KeygenRequest, KeygenResult, KeyLocation, PinChangeRequest, PinResult, PinUnblockRequest, TokenSelector } from './card.js';
import { discoverModules } from './modules.js';
import { deserializeError, type CallRequest, type FromWorker, type ToWorker } from './protocol.js';
import { adoptEarlyWorker, defaultWorkerUrl, newWorker } from './worker-start.js';

export interface CardServiceOptions {
  /** --module / REISSUE_PKCS11_MODULE / config: when set, the only module used. */
  modulePath?: string;
  /** Module paths to use instead of discovery (tests, or a caller that discovered them itself). */
  candidates?: string[];
  /** The worker script; defaults to card-worker.cjs next to the bundle. */
  workerUrl?: URL;
  /**
   * Variables a module reads (e.g. SOFTHSM2_CONF). They are set in this process's environment
   * before the worker starts: native code reads the real environment, not a worker's copy of it.
   */
  env?: Record<string, string | undefined>;
  /** How often progress ticks are sent while a phase runs. */
  tickMs?: number;
  /** How long close() waits for the worker to finalize before ending it (default CARD_CLOSE_TIMEOUT_MS). */
  closeTimeoutMs?: number;
}

/**
 * A card cannot be interrupted inside a step (C_GenerateKeyPair has no cancel), and ending the
 * worker then would leave the half-made key pair on the card. So close() waits for the step to
 * end and the clean-up to run; a key generation "may take up to several minutes".
 */
export const CARD_CLOSE_TIMEOUT_MS = 180_000;

/** A call without its id (Omit over each member of the union). */
type CallBody = CallRequest extends infer U ? (U extends CallRequest ? Omit<U, 'id'> : never) : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onProgress?: (p: CardProgress) => void;
  ticker?: NodeJS.Timeout;
}

export function createCardService(opts: CardServiceOptions = {}): CardService {
  const tickMs = opts.tickMs ?? 150;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;
  let closing: Promise<void> | null = null;
  // Shared with the worker (protocol.ts, WorkerConfig.stop): set by close(), read between card steps.
  const stop = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);

  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearInterval(p.ticker);
      pending.delete(id);
      p.reject(cardError('card-worker-failed', `The card component stopped unexpectedly: ${why}`, 'Try again; if it keeps failing, run `reissue card list` to check the reader and module.'));
    }
  };

  const onMessage = (m: FromWorker) => {
    if (m.type === 'closed') return;
    const p = pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      relayProgress(p, m.event);
      return;
    }
    clearInterval(p.ticker);
    pending.delete(m.id);
    if (pending.size === 0) worker?.unref(); // an idle worker must not keep the process alive
    if (m.type === 'result') p.resolve(m.value);
    else p.reject(deserializeError(m.error));
  };

  const relayProgress = (p: Pending, e: CardProgress) => {
    p.onProgress?.(e);
    if (e.type === 'started') {
      clearInterval(p.ticker);
      const t0 = Date.now();
      p.ticker = setInterval(() => p.onProgress?.({ type: 'tick', phase: e.phase, elapsedMs: Date.now() - t0 }), tickMs);
    } else if (e.type === 'finished' || e.type === 'failed') {
      clearInterval(p.ticker);
      p.ticker = undefined;
    }
  };

  const start = (): Worker => {
    if (worker) return worker;
    const env = Object.entries(opts.env ?? {}).filter(([, v]) => v !== undefined);
    const modules = opts.candidates ?? discoverModules({ explicit: opts.modulePath }).map((c) => c.path);
    const url = opts.workerUrl ?? defaultWorkerUrl();
    // Variables go into the real environment before a thread that could read it is running:
    // setenv while another thread calls getenv is not safe. So no early worker with `env`.
    const adopted = env.length ? null : adoptEarlyWorker(url);
    for (const [k, v] of env) process.env[k] = v;
    const w = adopted ?? newWorker(url);
    w.postMessage({ type: 'init', modules, stop } satisfies ToWorker);
    w.on('message', onMessage);
    w.on('error', (e) => failAll(e.message));
    w.on('exit', (code) => {
      worker = null;
      if (pending.size) failAll(`exit code ${code}`);
    });
    return (worker = w);
  };

  const call = <T>(msg: CallBody, onProgress?: (p: CardProgress) => void): Promise<T> => {
    if (closed) return Promise.reject(cardError('card-closed', 'The card service was already closed.', 'Start the command again.'));
    const w = start();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      w.ref();
      w.postMessage({ ...msg, id } as ToWorker);
    });
  };

  return {
    inventory: (opts?: InventoryOptions) => call<CardInventory>({ type: 'call', op: 'inventory', opts }),
    generate: ({ onProgress, ...req }: KeygenRequest) => call<KeygenResult>({ type: 'call', op: 'generate', req }, onProgress),
    install: ({ onProgress, ...req }: InstallRequest) => call<InstallResult>({ type: 'call', op: 'install', req }, onProgress),
    findKeys: (spkis: Uint8Array[], selector: TokenSelector) => call<KeyLocation[][]>({ type: 'call', op: 'findKeys', spkis, selector }),
    deleteKey: (req: DeleteRequest) => call<DeleteResult>({ type: 'call', op: 'deleteKey', req }),
    changePin: (req: PinChangeRequest) => call<PinResult>({ type: 'call', op: 'changePin', req }),
    unblockPin: (req: PinUnblockRequest) => call<PinResult>({ type: 'call', op: 'unblockPin', req }),
    close() {
      closed = true;
      if (closing) return closing;
      const w = worker;
      if (!w) return (closing = Promise.resolve());
      // Seen by the worker at its next step boundary even while it is blocked in a PKCS#11 call and
      // cannot read the 'close' message yet.
      Atomics.store(new Int32Array(stop), 0, 1);
      closing = new Promise<void>((resolve) => {
        const timer = setTimeout(() => void w.terminate(), opts.closeTimeoutMs ?? CARD_CLOSE_TIMEOUT_MS);
        w.ref();
        w.once('exit', () => {
          clearTimeout(timer);
          failAll('the card service was closed');
          resolve();
        });
        w.postMessage({ type: 'close' } satisfies ToWorker);
      });
      return closing;
    },
  };
}
