// The card worker's entry (bundled to dist/card-worker.cjs). All PKCS#11 work happens on this
// thread, one operation at a time, so a PIN-pad login or a minutes-long generation never freezes
// the terminal. The first message ('init') names the modules: the thread can boot while the CLI is
// still reading its settings. The main thread's close() raises a shared stop flag that the running
// operation reads at its next safe point (even when this thread was blocked in a PKCS#11 call and
// could not read messages); then its cleanup runs (logout, close session, finalize) and, on the
// 'close' message, 'closed' is posted.
import { parentPort } from 'node:worker_threads';
import { cardError, isReissueError } from '../../domain/errors.js';
import { serializeError, type CallRequest, type FromWorker, type ToWorker } from '../protocol.js';
import { toCardError } from './errors.js';
import { Pkcs11Card } from './pkcs11-card.js';

const port = parentPort;
if (!port) throw new Error('card-worker.cjs runs only as a worker thread');

let card: Pkcs11Card | null = null;
const post = (m: FromWorker) => port.postMessage(m);

// One PKCS#11 operation at a time: calls queue behind each other.
let queue: Promise<void> = Promise.resolve();
let closing = false;

async function run(call: CallRequest): Promise<void> {
  const onProgress = (event: Parameters<NonNullable<Parameters<Pkcs11Card['generate']>[0]['onProgress']>>[0]) =>
    post({ type: 'progress', id: call.id, event });
  try {
    if (closing) throw cardError('card-closed', 'The card service is closing; the operation was not started.', 'Start the command again.');
    if (!card) throw cardError('card-worker-failed', 'The card component was not configured.', 'Start the command again.');
    const value =
      call.op === 'inventory'
        ? await card.inventory(call.opts)
        : call.op === 'generate'
          ? await card.generate({ ...call.req, onProgress })
          : call.op === 'install'
            ? await card.install({ ...call.req, onProgress })
            : call.op === 'findKeys'
              ? await card.findKeys(call.spkis, call.selector)
              : call.op === 'changePin'
                ? await card.changePin(call.req)
                : call.op === 'unblockPin'
                  ? await card.unblockPin(call.req)
                  : await card.deleteKey(call.req);
    post({ type: 'result', id: call.id, value });
  } catch (e) {
    post({ type: 'error', id: call.id, error: serializeError(isReissueError(e) ? e : toCardError(e)) });
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') {
    card = new Pkcs11Card({ modules: msg.modules, stop: msg.stop });
    return;
  }
  if (msg.type === 'close') {
    closing = true;
    card?.cancel();
    void queue.then(() => {
      post({ type: 'closed' });
      port.close();
    });
    return;
  }
  queue = queue.then(() => run(msg));
});
