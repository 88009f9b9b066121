// node wizard-keys-ui.mjs DATA_DIR GAP_MS REPEAT: the real wizard (runWizard, as `reissue` starts
// it) on the portal in DATA_DIR, rendered into an 80×24 fake terminal in this process. Types a
// filter one key at a time, GAP_MS apart (a fast typist), and scrolls; for each key records
// keystroke → first frame (the key's echo) and keystroke → last frame of the burst it caused (the
// list for the new filter). Prints { filter: {first[], last[]}, scroll: {first[], last[]}, ... }.
import { systemClock } from '../../src/domain/clock.js';
import { describeCertificate } from '../../src/pki/preview.js';
import { openLocalPortal } from '../../src/portal/local/index.js';
import { runWizard } from '../../src/tui/run.js';
import type { WizardServices } from '../../src/tui/services.js';
import { FakeStdin, FakeStdout, measureKeys } from './keys-harness.js';

const [dataDir, gapText = '200', repeatText = '2'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: wizard-keys-ui DATA_DIR [GAP_MS] [REPEAT]');
const gapMs = Number(gapText);
const repeat = Number(repeatText);

const stdout = new FakeStdout();
const stdin = new FakeStdin();
const portal = await openLocalPortal({ dataDir, clock: systemClock });
const services: WizardServices = {
  portal,
  openCard: () => Promise.reject(new Error('no card in this benchmark')),
  generateCsr: () => Promise.reject(new Error('not used')),
  readFile: () => Promise.reject(new Error('not used')),
  checkNewKeyPath: () => Promise.reject(new Error('not used')),
  writeFile: () => Promise.reject(new Error('not used')),
  describeCertificate: async (der) => describeCertificate(der),
  now: () => systemClock.now(),
  workDir: () => process.cwd(),
};
const done = runWizard(services, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream });

const { filter, filterRows, scroll, lostKeys, lastScreen } = await measureKeys(stdout, stdin, gapMs, repeat);
// Where the memory is (MiB): V8 heap, wasm/buffers (external), and the process peak.
const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
const mu = process.memoryUsage();
const memory = { rss: mib(mu.rss), heapTotal: mib(mu.heapTotal), heapUsed: mib(mu.heapUsed), external: mib(mu.external), arrayBuffers: mib(mu.arrayBuffers), peakRss: mib(process.resourceUsage().maxRSS * 1024) };
stdin.send('q');
const code = await done;
await portal.close();
process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ filter, filterRows, scroll, lostKeys, memory, exitCode: code, lastScreen })}\n`);
