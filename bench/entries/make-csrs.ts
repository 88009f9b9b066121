// node make-csrs.mjs DATA_DIR COUNT OUT.json: picks COUNT synthetic certificates of the demo
// account and writes, for each, a CSR for its domains with a new EC P-256 key pair:
// [{ "id", "csr" }]. The portal is only read.
import { writeFileSync } from 'node:fs';
import { systemClock } from '../../src/domain/clock.js';
import { buildCsr } from '../../src/pki/csr-build.js';
import { softwareCrypto } from '../../src/pki/x509.js';
import { openPortalService } from '../../src/server/service.js';

const [dataDir, countText, outFile] = process.argv.slice(2);
if (!dataDir || !countText || !outFile) throw new Error('usage: make-csrs DATA_DIR COUNT OUT.json');
const count = Number(countText);
const service = await openPortalService({ dataDir, clock: systemClock });
try {
  const page = await service.forAccount('demo').list({ text: '.bulk.example', limit: count, offset: 0 });
  if (page.items.length < count) throw new Error(`only ${page.items.length} synthetic certificates in ${dataDir}`);
  const jobs = [];
  for (const cert of page.items) {
    const keys = (await softwareCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    jobs.push({ id: cert.id, csr: await buildCsr({ commonName: cert.commonName, domains: cert.domains }, keys) });
  }
  writeFileSync(outFile, JSON.stringify(jobs));
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ jobs: jobs.length })}\n`);
} finally {
  service.close();
}
