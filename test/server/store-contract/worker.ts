// One instance of the store in a worker thread (bundled by the contract suite): opens its own
// connection, says it is ready, waits for the shared start signal so every instance starts the
// job at the same moment, runs it and posts the answer. The 'open' job opens after the signal,
// so the instances race to create and migrate the database.
import { parentPort, workerData } from 'node:worker_threads';
import { DRIVERS, type DriverName } from './drivers.js';
import { runJob, type Job } from './jobs.js';

const { driver, location, job, start } = workerData as { driver: DriverName; location: string; job: Job; start: SharedArrayBuffer };
const open = () => DRIVERS[driver](location);
let store = job.kind === 'open' ? null : await open();
try {
  parentPort!.postMessage({ ready: true });
  Atomics.wait(new Int32Array(start), 0, 0);
  store ??= await open();
  parentPort!.postMessage({ result: await runJob(store, job) });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).stack ?? String(e) });
} finally {
  await store?.close();
}
