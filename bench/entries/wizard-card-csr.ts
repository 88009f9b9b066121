// node wizard-card-csr.mjs DATA_DIR ALGORITHM TOKEN_LABEL WORKER_FILE: the wizard's own card CSR
// with the process already running, as an operator meets it. The wizard's runner (createActions →
// run(command), the card holder, the flows layer, the card worker) on the sandbox portal in DATA_DIR; the card
// is opened and scanned first, as the wizard's step 1 does before it asks for the PIN.
// Protocol on stdin/stdout, so the caller can alternate with the C route run by run: the first
// line is the PIN (never in argv); then each "go" line makes one key pair and CSR on the token and
// answers "MS <milliseconds from PIN submitted to CSR ready>"; "end" ends the process.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { Algorithm, Certificate } from '../../src/domain/types.js';
import { systemClock } from '../../src/domain/clock.js';
import { createCardService } from '../../src/card/service.js';
import { openLocalPortal } from '../../src/portal/local/index.js';
import { createActions } from '../../src/tui/actions.js';
import { createCardHolder } from '../../src/tui/card-holder.js';
import type { WizardServices } from '../../src/tui/services.js';
import type { WizardEvent } from '../../src/wizard/state.js';

const [dataDir, algorithm, tokenLabel, workerFile] = process.argv.slice(2) as [string, Algorithm, string, string];
if (!workerFile) throw new Error('usage: wizard-card-csr DATA_DIR ALGORITHM TOKEN_LABEL WORKER_FILE');

const portal = await openLocalPortal({ dataDir, clock: systemClock });
const notUsed = () => Promise.reject(new Error('not used in this benchmark'));
const services: WizardServices = {
  portal,
  openCard: async () => createCardService({ modulePath: process.env.REISSUE_PKCS11_MODULE, workerUrl: pathToFileURL(workerFile) }),
  generateCsr: notUsed,
  readFile: notUsed,
  checkNewKeyPath: notUsed,
  writeFile: notUsed,
  describeCertificate: notUsed,
  now: () => systemClock.now(),
  workDir: () => process.cwd(),
};
const card = createCardHolder(services);
let wanted: ((e: WizardEvent) => void) | null = null;
const events: WizardEvent[] = [];
const actions = createActions(services, card, (e) => {
  events.push(e);
  wanted?.(e);
});

const failure = () => events.find((e) => e.type === 'failed' || e.type === 'inventory-failed');
// The wizard's step 1 scans the readers through the same runner command before asking for the PIN.
await actions.run({ type: 'scan-cards' });
const inventory = events.find((e) => e.type === 'inventory-loaded');
if (!inventory || inventory.type !== 'inventory-loaded') throw new Error(`the card scan failed: ${JSON.stringify(failure())}`);
const token = inventory.inventory.readers.find((r) => r.token?.label === tokenLabel)?.token;
if (!token) throw new Error(`no token labelled ${tokenLabel}`);

// A live certificate whose product allows keys made on a card, with this algorithm.
const page = await portal.list({ limit: 1000 });
let cert: Certificate | undefined = page.items.find((c) => c.keySources.includes('card') && c.algorithms.includes(algorithm) && c.state === 'valid');
if (!cert) throw new Error(`no certificate in the portal takes a card key of ${algorithm}`);

const lines = createInterface({ input: process.stdin });
let pin: string | null = null;
for await (const line of lines) {
  if (pin === null) {
    pin = line;
    process.stdout.write('READY\n');
    continue;
  }
  if (line === 'end') break;
  events.length = 0;
  const csrReady = new Promise<number>((resolve) => {
    wanted = (e) => {
      if (e.type === 'card-generated') resolve(performance.now());
    };
  });
  const t0 = performance.now();
  const done = actions.run({ type: 'generate-on-card', cert, algorithm, token, pin, confirmFinalTry: false });
  const t1 = await Promise.race([csrReady, done.then(() => NaN)]);
  await done; // the wizard then submits the CSR: the next run starts from the new copy
  const reissued = events.find((e) => e.type === 'reissued');
  if (!Number.isFinite(t1) || !reissued || reissued.type !== 'reissued') throw new Error(`the card CSR failed: ${JSON.stringify(failure() ?? events.map((e) => e.type))}`);
  cert = reissued.result.certificate;
  process.stdout.write(`MS ${t1 - t0}\n`);
}
await card.close();
await portal.close();
