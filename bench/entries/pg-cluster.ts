// node pg-cluster.mjs: a throw-away PostgreSQL cluster for the service benchmark (the tests' own
// helper, test/helpers/postgres.ts: initdb in a temporary folder, own port; fsync on, as a
// production server runs, where the tests turn it off). Prints
// BENCH_JSON {"admin", "base"}: the URL of its `postgres` database, and a URL whose database name
// is DBNAME. Runs until its stdin closes (the benchmark ended, however it ended), then stops the
// cluster and deletes it.
import { startCluster } from '../../test/helpers/postgres.js';

const cluster = await startCluster({ durable: true });
process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ admin: cluster.url('postgres'), base: cluster.url('DBNAME') })}\n`);
let stopping: Promise<void> | null = null;
const stop = () => (stopping ??= cluster.stop());
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
process.stdin.resume();
await new Promise<void>((resolve) => {
  process.stdin.once('end', resolve);
  process.stdin.once('close', resolve);
});
await stop();
