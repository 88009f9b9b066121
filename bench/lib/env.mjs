// What the benchmarks need before they start: system tools (installed with apt-get when missing),
// a built dist/, node_modules, and the bench entries bundled from TypeScript with esbuild.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** BENCH_SMOKE=1: every section once at the smallest sizes (scripts/bench.mjs), to check they still run. */
export const SMOKE = process.env.BENCH_SMOKE === '1';
// Scratch space (bundles, populated portals). A smoke run gets a folder of its own (the caller
// removes it), so it never meets a full run's cache or another smoke run. It stays inside the
// checkout: the bundles find their native addons (external) in node_modules from there.
const DEFAULT_CACHE = join(ROOT, 'bench', '.cache');
function smokeCache() {
  mkdirSync(DEFAULT_CACHE, { recursive: true });
  return mkdtempSync(join(DEFAULT_CACHE, 'smoke-'));
}
export const CACHE = process.env.BENCH_CACHE ? resolve(process.env.BENCH_CACHE) : SMOKE ? smokeCache() : DEFAULT_CACHE;
export const BUILD = join(CACHE, 'build');
// BENCH_BIN: another launcher to measure (e.g. an experimental build), default bin/reissue.
export const BIN = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : join(ROOT, 'bin', 'reissue');
export const SOFTHSM_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
];

const TOOLS = [
  // [command or file that proves it is there, Debian package]
  ['softhsm2-util', 'softhsm2'],
  ['pkcs11-tool', 'opensc'],
  ['openssl', 'openssl'],
  ['tmux', 'tmux'],
  ['sqlite3', 'sqlite3'],
  ['script', 'bsdutils'],
  // The ACME row: a real ACME CA and the two reference clients.
  ['pebble', 'pebble'],
  ['pebble-challtestsrv', 'pebble'],
  ['certbot', 'certbot'],
  ['lego', 'lego'],
];

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The OpenSSL ENGINE for PKCS#11 (libp11), or null. */
export function pkcs11EnginePath() {
  const dirs = ['/usr/lib/x86_64-linux-gnu/engines-3', '/usr/lib/aarch64-linux-gnu/engines-3', '/usr/lib/engines-3'];
  try {
    const d = execFileSync('openssl', ['version', '-e'], { encoding: 'utf8' }).match(/ENGINESDIR: "([^"]+)"/)?.[1];
    if (d) dirs.unshift(d);
  } catch {
    // openssl missing: installed below
  }
  for (const d of dirs) if (existsSync(join(d, 'pkcs11.so'))) return join(d, 'pkcs11.so');
  return null;
}

export function softhsmModule() {
  return SOFTHSM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Installs the missing system tools with apt-get (as root, or through sudo). */
export function ensureTools(log) {
  const need = [...new Set(TOOLS.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg))];
  if (!softhsmModule() && !need.includes('softhsm2')) need.push('softhsm2');
  // OpenSSL 3.0 on Debian 12 reaches PKCS#11 through libp11's engine; there is no pkcs11-provider
  // package in bookworm.
  if (!pkcs11EnginePath()) need.push('libengine-pkcs11-openssl');
  // The service-on-PostgreSQL figures run a throw-away cluster (initdb is not on PATH in Debian).
  if (!existsSync('/usr/lib/postgresql') || !readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')))) need.push('postgresql');
  if (need.length === 0) return;
  log(`installing: ${need.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...need]);
}

/** npm ci when the native addons are missing; node scripts/build.mjs when dist/ is missing. */
export function ensureBuilt(log) {
  const addons = ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/pkcs11js/build/Release/pkcs11.node'];
  if (!addons.every((f) => existsSync(join(ROOT, f)))) {
    log('npm ci');
    const r = spawnSync('npm', ['ci'], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm ci failed');
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.js')) || process.env.BENCH_REBUILD === '1') {
    log('building dist/ (node scripts/build.mjs)');
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
}

/**
 * Bundles each of bench/entries/NAME.ts(x) to bench/.cache/build/NAME/NAME.mjs (same settings as the
 * product's build: ESM, node20, native addons external). Each entry is built on its own, so a part
 * of the product that does not compile right now only costs the benchmarks that need it.
 * Returns { path, hash, errors } keyed by entry name (hash: of the bundle, for cache keys).
 */
export async function bundleEntries(names) {
  const { build } = await import('esbuild');
  const { bundleOptions } = await import('../../scripts/build.mjs');
  const path = {};
  const hash = {};
  const errors = {};
  for (const n of names) {
    const outdir = join(BUILD, n);
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    try {
      await build({
        ...bundleOptions, // the product's own bundling, so the entries run what dist/ runs
        entryPoints: { [n]: join(ROOT, 'bench', 'entries', n.endsWith('-ui') ? `${n}.tsx` : `${n}.ts`) },
        outdir,
        outExtension: { '.js': '.mjs' },
        logLevel: 'silent',
      });
      path[n] = join(outdir, `${n}.mjs`);
      const h = createHash('sha256');
      for (const f of readdirSync(outdir, { recursive: true }).sort()) {
        const file = join(outdir, String(f));
        if (statSync(file).isFile()) h.update(String(f)).update(readFileSync(file));
      }
      hash[n] = h.digest('hex').slice(0, 16);
    } catch (e) {
      const first = e?.errors?.[0];
      errors[n] = first ? `bundling ${n} failed: ${first.text} (${first.location?.file}:${first.location?.line})` : `bundling ${n} failed: ${e?.message ?? e}`;
    }
  }
  return { path, hash, errors };
}

/** The bundled entry, or an error saying why it could not be built. */
export function entryPath(entries, name) {
  if (entries.path[name]) return entries.path[name];
  throw new Error(entries.errors[name] ?? `entry ${name} was not bundled`);
}

/** Runs a bundled entry in its own node process; its stdout is one JSON document. */
export function runEntry(path, args = [], opts = {}) {
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), path, ...args.map(String)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: opts.env ?? process.env,
    maxBuffer: 256 << 20,
    timeout: opts.timeoutMs ?? 600_000,
  });
  if (r.status !== 0) throw new Error(`${path} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return parseEntryOutput(r.stdout);
}

/** An entry's result: the JSON after the last "BENCH_JSON " marker (Ink may write after it). */
export function parseEntryOutput(stdout) {
  const at = stdout.lastIndexOf('\nBENCH_JSON ');
  if (at === -1) throw new Error(`no result in: ${stdout.slice(-500)}`);
  return JSON.parse(stdout.slice(at + 12).split('\n')[0]);
}
