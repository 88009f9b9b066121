// Where the card worker's script is, and booting it ahead of time. A worker thread takes ~30 ms to
// start; a card command calls startCardWorker() as soon as it knows it runs, so that overlaps with
// the CLI reading its settings instead of following it. The card service adopts the thread on its
// first call. This module is in the CLI's main chunk: it loads worker_threads only when used.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { cardError } from '../domain/errors.js';

/** card-worker.cjs sits next to dist/cli.js; this code may live one level down in dist/chunks/. */
export function defaultWorkerUrl(): URL {
  const candidates = [new URL('./card-worker.cjs', import.meta.url), new URL('../card-worker.cjs', import.meta.url)];
  const found = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!found) {
    throw cardError('card-worker-missing', 'The card component (card-worker.cjs) is missing from this installation.', 'Rebuild reissue (`npm run build`) or reinstall it.');
  }
  return found;
}

export function newWorker(url: URL): Worker {
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  return new Worker(url);
}

/** A worker booted ahead of its service, and whether it has already died (then it is not used). */
let early: { worker: Worker; url: string; dead: boolean } | null = null;

/**
 * Boots the card worker now. Unreferenced until adopted, so it never keeps the process alive;
 * nothing PKCS#11 happens in it before the service's 'init' message names the modules.
 */
export function startCardWorker(workerUrl?: URL): void {
  if (early) return;
  try {
    const url = workerUrl ?? defaultWorkerUrl();
    const slot = { worker: newWorker(url), url: url.href, dead: false };
    // A failure before adoption (e.g. pkcs11js missing) is reported by the service's own worker.
    slot.worker.on('error', () => (slot.dead = true));
    slot.worker.on('exit', () => (slot.dead = true));
    slot.worker.unref();
    early = slot;
  } catch {
    // No worker script: the service reports it when a card call needs one.
  }
}

/** The early worker if it runs `url` and is alive; otherwise null (and it is ended). */
export function adoptEarlyWorker(url: URL): Worker | null {
  const slot = early;
  early = null;
  if (!slot) return null;
  if (slot.dead || slot.url !== url.href) {
    void slot.worker.terminate();
    return null;
  }
  return slot.worker;
}
