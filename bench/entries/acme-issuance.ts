// node acme-issuance.mjs BIN RUNS: one certificate issuance through ACME by certbot, lego and
// reissue, side by side on one Pebble (test/helpers/pebble.ts: real http-01 validation, no sleeps,
// every order validated again). Each side: the same name, an EC P-256 key made for the order,
// http-01 answered by the client's own server on Pebble's httpPort, its account made once before
// the timed runs. Timed: spawn to exit of the client's command (what an operator or a timer waits
// for). Each run the three go in a rotated order, so drifts in load hit them alike; each issuance
// is checked to be new (a serial not seen before) and valid at Pebble.
// Prints `BENCH_JSON {runs, ms: {certbot, lego, reissue}, reissueError?}`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certbotCertonly, legoRun } from '../../test/helpers/acme-clients.js';
import { startPebble, type Pebble } from '../../test/helpers/pebble.js';

const [bin, runsText] = process.argv.slice(2);
if (!bin || !runsText) throw new Error('usage: acme-issuance BIN RUNS');
const runs = Number(runsText);
const NAME = 'bench.acme.example.com';

function serialOf(pem: string): string {
  return execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem, encoding: 'utf8' }).trim().replace(/^serial=/, '');
}

function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}):\n${out}`))));
  });
}

interface Side {
  name: 'certbot' | 'lego' | 'reissue';
  /** Untimed: the account, and for reissue the first certificate to reissue. */
  prepare(): Promise<void>;
  /** Timed: one issuance; returns how to read the new certificate's PEM after the clock stops. */
  issue(): Promise<() => Promise<string>>;
}

function certbotSide(pebble: Pebble, dir: string): Side {
  const order = { domains: [NAME], dir: join(dir, 'certbot') };
  const once = async () => {
    const got = await certbotCertonly(pebble, order);
    return async () => readFileSync(got.certFile, 'utf8');
  };
  return { name: 'certbot', prepare: async () => void (await once()), issue: once };
}

function legoSide(pebble: Pebble, dir: string): Side {
  const order = { domains: [NAME], dir: join(dir, 'lego'), email: 'bench@reissue.test' };
  const once = async () => {
    const got = await legoRun(pebble, order);
    return async () => readFileSync(got.certFile, 'utf8');
  };
  return { name: 'lego', prepare: async () => void (await once()), issue: once };
}

/**
 * reissue through its ACME portal: an account, a first certificate obtained by certbot and
 * imported (as an operator moving from certbot would), then each run `submit ID --key-out`
 * (a new order for the same name, a key generated here) of the newest copy.
 */
function reissueSide(pebble: Pebble, dir: string): Side {
  const dataDir = join(dir, 'reissue-data');
  const global = ['--data-dir', dataDir, '--portal', `acme:${pebble.directoryUrl}`, '--ca-file', pebble.caFile, '--lang', 'en'];
  const run = (args: string[]) => exec(process.execPath, [bin!, ...global, ...args], { REISSUE_LANG: 'en' });
  let current = '';
  let n = 0;
  const newest = async (): Promise<{ id: string; pem: string }> => {
    const list = JSON.parse(await run(['list', '--json'])) as { items?: Array<{ id: string; replacedBy?: string | null; status?: string }> } | Array<{ id: string; replacedBy?: string | null }>;
    const items = Array.isArray(list) ? list : (list.items ?? []);
    const live = items.filter((c) => !c.replacedBy);
    if (live.length !== 1) throw new Error(`expected one current certificate in reissue's list, got ${live.length}: ${JSON.stringify(items).slice(0, 500)}`);
    const out = join(dir, `reissue-current-${n}.pem`);
    await run(['download', live[0]!.id, '--out', out]);
    return { id: live[0]!.id, pem: readFileSync(out, 'utf8') };
  };
  return {
    name: 'reissue',
    async prepare() {
      await run(['acme', 'account', '--email', 'bench@reissue.test', '--agree-tos']);
      const first = await certbotCertonly(pebble, { domains: [NAME], dir: join(dir, 'certbot-for-import') });
      await run(['acme', 'import', first.fullchainFile, '--key', first.keyFile]);
      current = (await newest()).id;
    },
    async issue() {
      const keyOut = join(dir, `reissue-${++n}.key`);
      await run(['--http-address', `127.0.0.1:${pebble.httpPort}`, 'submit', current, '--key-out', keyOut]);
      return async () => {
        const next = await newest();
        if (next.id === current) throw new Error(`reissue submit ${current} left it the current copy`);
        current = next.id;
        return next.pem;
      };
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'reissue-bench-acme-'));
const pebble = await startPebble();
try {
  const sides: Side[] = [certbotSide(pebble, dir), legoSide(pebble, dir), reissueSide(pebble, dir)];
  const ms: Record<string, number[]> = { certbot: [], lego: [], reissue: [] };
  let reissueError: string | undefined;
  const seen = new Set<string>();
  for (const side of sides) {
    try {
      await side.prepare();
    } catch (e) {
      if (side.name !== 'reissue') throw e;
      reissueError = (e as Error).message;
    }
  }
  const active = sides.filter((s) => s.name !== 'reissue' || !reissueError);
  for (let i = 0; i < runs; i++) {
    // Rotated: certbot, lego, reissue; lego, reissue, certbot; …
    const order = active.map((_, k) => active[(i + k) % active.length]!);
    for (const side of order) {
      const t0 = performance.now();
      let read: () => Promise<string>;
      try {
        read = await side.issue();
      } catch (e) {
        if (side.name !== 'reissue') throw e;
        reissueError = (e as Error).message;
        continue;
      }
      const t = performance.now() - t0;
      const serial = serialOf(await read());
      if (seen.has(serial)) throw new Error(`${side.name} returned a certificate already seen (${serial}): not a new issuance`);
      seen.add(serial);
      const st = await pebble.certStatus(serial);
      if (st.status !== 'Valid') throw new Error(`${side.name}: Pebble says ${serial} is ${st.status}`);
      ms[side.name]!.push(t);
    }
  }
  process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ runs, ms, ...(reissueError ? { reissueError: reissueError.slice(0, 1500) } : {}) })}\n`);
} finally {
  await pebble.stop();
  rmSync(dir, { recursive: true, force: true });
}
