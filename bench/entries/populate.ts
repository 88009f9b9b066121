// node populate.mjs DATA_DIR COUNT: a sandbox portal in DATA_DIR with COUNT synthetic certificates
// added to the demo account. Prints {"added", "ms"}.
import { systemClock } from '../../src/domain/clock.js';
import { addSyntheticCertificates } from '../../src/server/bulk.js';
import { openPortalService } from '../../src/server/service.js';

const [dataDir, countText] = process.argv.slice(2);
if (!dataDir || !countText) throw new Error('usage: populate DATA_DIR COUNT');
const t0 = performance.now();
const service = await openPortalService({ dataDir, clock: systemClock });
try {
  const added = await addSyntheticCertificates(service, Number(countText), 'demo');
  service.sqlite!.db.pragma('wal_checkpoint(TRUNCATE)');
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ added, ms: performance.now() - t0 })}\n`);
} finally {
  service.close();
}
