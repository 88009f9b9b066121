// 2. Card CSR: `reissue card keygen --csr-out` against the route a user takes otherwise on the
// same SoftHSM2 token: `pkcs11-tool --keypairgen`, then `openssl req` signing with the card key
// through libp11's PKCS#11 engine (OpenSSL 3.0 on Debian 12 has no pkcs11-provider package).
// SoftHSM2 runs from a throwaway config and token directory (SOFTHSM2_CONF), never the user's.
// Also the wizard's own card CSR, the process already running (bench/entries/wizard-card-csr.ts),
// against the same C route: from PIN submitted to CSR ready.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, entryPath, pkcs11EnginePath, softhsmModule } from './lib/env.mjs';
import { dirname } from 'node:path';
import { interleave } from './lib/stats.mjs';

const LABEL = 'BENCH';
const PIN = '12345678';
const SO_PIN = '87654321';

const TOOL_KEY_TYPE = { 'rsa-2048': 'rsa:2048', 'rsa-3072': 'rsa:3072', 'rsa-4096': 'rsa:4096', 'ec-p256': 'EC:prime256v1', 'ec-p384': 'EC:secp384r1' };
const DIGEST = { 'ec-p384': '-sha384' };

function softHsm(dir) {
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    [`directories.tokendir = ${join(dir, 'tokens')}`, 'objectstore.backend = file', 'log.level = ERROR', 'slots.removable = false', 'slots.mechanisms = ALL', 'library.reset_on_fork = false', ''].join('\n'),
  );
  // The engine finds the module through this OpenSSL config (not the system's p11-kit setup).
  const opensslConf = join(dir, 'openssl.cnf');
  writeFileSync(
    opensslConf,
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'engines = engine_section',
      '[engine_section]',
      'pkcs11 = pkcs11_section',
      '[pkcs11_section]',
      'engine_id = pkcs11',
      `dynamic_path = ${pkcs11EnginePath()}`,
      `MODULE_PATH = ${softhsmModule()}`,
      'init = 0',
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '',
    ].join('\n'),
  );
  return { conf, opensslConf };
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-1500)}`);
  return r;
}

export async function benchCard({ runs, algorithms, entries, env, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'reissue-bench-card-'));
  try {
    const { conf, opensslConf } = softHsm(dir);
    const module = softhsmModule();
    const hsmEnv = { ...env, SOFTHSM2_CONF: conf };
    run('softhsm2-util', ['--init-token', '--free', '--label', LABEL, '--pin', PIN, '--so-pin', SO_PIN], { env: hsmEnv });
    let n = 0;
    const results = {};
    const wizardResults = {};
    // The wizard's portal: a seeded sandbox (its card-only code-signing certificate is reissued run after run).
    const portalDir = join(dir, 'portal');
    run(process.execPath, [BIN, 'list', '--json'], { env: { ...env, REISSUE_DATA_DIR: portalDir } });
    for (const alg of algorithms) {
      const domain = `${alg}.bench.example`;
      let lastOurs = '';
      let lastTheirs = '';
      const ours = () => {
        const out = join(dir, `ours-${n++}.csr`);
        const t = performance.now();
        run(process.execPath, [BIN, 'card', 'keygen', '--cn', domain, '--domain', domain, '--algorithm', alg, '--token', LABEL, '--pin-stdin', '--csr-out', out], {
          env: { ...hsmEnv, REISSUE_PKCS11_MODULE: module, REISSUE_DATA_DIR: join(dir, 'no-portal') },
          input: `${PIN}\n`,
        });
        lastOurs = out;
        return performance.now() - t;
      };
      const theirs = () => {
        const id = (n++).toString(16).padStart(4, '0');
        const out = join(dir, `theirs-${id}.csr`);
        const t = performance.now();
        run('pkcs11-tool', ['--module', module, '--token-label', LABEL, '--login', '--pin', PIN, '--keypairgen', '--key-type', TOOL_KEY_TYPE[alg], '--id', id, '--label', `k${id}`], { env: hsmEnv });
        const uri = `pkcs11:token=${LABEL};id=${id.replace(/(..)/g, '%$1')};type=private;pin-value=${PIN}`;
        run('openssl', ['req', '-new', '-engine', 'pkcs11', '-keyform', 'engine', '-key', uri, ...(DIGEST[alg] ? [DIGEST[alg]] : ['-sha256']), '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`, '-out', out], {
          env: { ...hsmEnv, OPENSSL_CONF: opensslConf },
        });
        lastTheirs = out;
        return performance.now() - t;
      };
      log(`  ${alg}`);
      ours();
      theirs(); // warm-up pair: file cache, token files
      const r = await interleave(runs, ours, theirs);
      // Both sides must have made a valid CSR (outside the timing).
      for (const f of [lastOurs, lastTheirs]) execFileSync('openssl', ['req', '-in', f, '-noout', '-verify'], { stdio: 'pipe' });
      results[alg] = r;

      log(`  ${alg}: the wizard's card CSR (process running)`);
      const wizard = await startWizardCard(entryPath(entries, 'wizard-card-csr'), { portalDir, alg, env: { ...hsmEnv, REISSUE_PKCS11_MODULE: module } });
      try {
        await wizard.once();
        theirs();
        wizardResults[alg] = await interleave(runs, wizard.once, theirs);
      } finally {
        await wizard.close();
      }
    }
    return { cli: results, wizard: wizardResults };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The running wizard-card-csr entry: once() makes one key pair and CSR and resolves with its time. */
async function startWizardCard(entry, { portalDir, alg, env }) {
  const worker = join(dirname(BIN), '..', 'dist', 'card-worker.cjs');
  const child = spawn(process.execPath, [entry, portalDir, alg, LABEL, worker], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (prefix) => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the wizard card entry ended: ${stderr.slice(-1500)}`);
      if (value.startsWith(prefix)) return value.slice(prefix.length);
    }
  };
  child.stdin.write(`${PIN}\n`);
  await next('READY');
  return {
    async once() {
      child.stdin.write('go\n');
      return Number(await next('MS '));
    },
    async close() {
      child.stdin.end('end\n');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}
