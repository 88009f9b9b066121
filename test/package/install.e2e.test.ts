// The package as a user gets it: `npm pack` (its prepack builds the bundle), then the README's
// install line into a throwaway global prefix, the native addons compiled from source (no
// prebuilt download), and the installed `reissue` run by name from a folder that is not the
// checkout: --version, list on a fresh data directory, a card keygen on SoftHSM2 (the worker is
// found beside the installed bundle), Polish help, completion and the wizard.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../helpers/cli.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';
import pkg from '../../package.json' with { type: 'json' };

const run = promisify(execFile);
// The installed package runs, not this checkout's dist/.
const suite = tmuxSuite('package', { needsBuild: false });
/** The two packages whose install scripts compile them: the README's --allow-scripts list. */
const NATIVE = ['better-sqlite3', 'pkcs11js'];
const PIN = '271828';
/** Left out of the copy that is packed: what the checkout builds or fetches (prepack must build dist/ itself). */
const NOT_COPIED = ['node_modules', 'dist', '.git', 'coverage', 'bench/.cache'];

let dir: string;
let prefix: string;
let elsewhere: string;
let files: string[];
let hsm: SoftHsm;
/** What the installed program is run with (beside a clean environment). */
let vars: Record<string, string>;
let env: NodeJS.ProcessEnv;
const timings: Record<string, number> = {};

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[name] = Date.now() - started;
  }
}

/** The installed `reissue`, found on PATH, run in a folder that is not the checkout. */
function reissue(args: string[], extra: Record<string, string> = {}, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('reissue', args, { cwd: elsewhere, env: { ...env, ...extra }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-package-'));
  prefix = join(dir, 'global');
  elsewhere = join(dir, 'elsewhere');
  await mkdir(elsewhere);
  // npm 11.19 with --strict-allow-scripts stops on a prefix without lib/ (it lstat()s it first).
  await mkdir(join(prefix, 'lib', 'node_modules'), { recursive: true });
  // A copy of the checkout, tests and benchmarks included, without dist/: packing it proves what
  // `files` leaves out and that prepack builds the bundle, and never swaps the checkout's dist/
  // under the other tests.
  const project = join(dir, 'project');
  cpSync(ROOT, project, { recursive: true, filter: (src) => !NOT_COPIED.includes(relative(ROOT, src)) && !relative(ROOT, src).startsWith('.dist-') });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  expect(existsSync(join(project, 'test')) && existsSync(join(project, 'bench')) && !existsSync(join(project, 'dist'))).toBe(true);
  const packed = await timed('pack', () => run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: project, maxBuffer: 16 << 20 }));
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path);
  const tarball = join(dir, info!.filename);
  // The README's line. --strict-allow-scripts turns a script left off the list into a failure
  // (npm 11 only warns); build-from-source keeps prebuild-install from fetching a binary.
  await timed('install', () =>
    run('npm', ['install', '-g', '--prefix', prefix, `--allow-scripts=${NATIVE.join(',')}`, '--strict-allow-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
      cwd: elsewhere,
      env: { ...process.env, npm_config_build_from_source: 'true' },
      maxBuffer: 64 << 20,
    }),
  );
  hsm = await createSoftHsm();
  await hsm.initToken('packaged-card', PIN);
  vars = {
    PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
    HOME: dir,
    REISSUE_DATA_DIR: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_STATE_HOME: join(dir, 'xdg-state'),
    SOFTHSM2_CONF: hsm.conf,
  };
  env = cleanEnv(vars);
}, 900_000);

afterAll(async () => {
  // How long a user waits, for the report: pack, and the install with both addons compiled.
  console.log(`package: npm pack ${timings.pack} ms, npm install -g ${timings.install} ms`);
  await hsm?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the bundle, the card worker, the launcher, README and LICENSE, and nothing else', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/reissue', 'dist/cli.js', 'dist/card-worker.cjs']));
    expect(files.filter((f) => f.startsWith('dist/chunks/')).length).toBeGreaterThan(5);
    const extra = files.filter((f) => !['package.json', 'README.md', 'LICENSE', 'bin/reissue'].includes(f) && !/^dist\/(chunks\/)?[\w.-]+\.c?js$/.test(f));
    expect(extra).toEqual([]);
    expect(files.filter((f) => /^(test|bench|src|scripts|node_modules)\//.test(f) || f.endsWith('.map'))).toEqual([]);
  });

  it('installs with the README line: the native addons compiled here, no other package needed beside the bundle', async () => {
    const installed = join(prefix, 'lib', 'node_modules', 'reissue');
    for (const addon of NATIVE) {
      // obj.target holds the compiler's object files: built from source, not a downloaded binary.
      expect(existsSync(join(installed, 'node_modules', addon, 'build', 'Release', 'obj.target')), addon).toBe(true);
    }
    expect(readdirSync(join(installed, 'node_modules'))).not.toEqual(expect.arrayContaining(['ink']));
    expect(readdirSync(join(installed, 'node_modules'))).not.toEqual(expect.arrayContaining(['commander']));
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`npm install -g --allow-scripts=${NATIVE.join(',')} ./reissue-${pkg.version}.tgz`);
  });

  it('runs by name from another folder: --version, and --version --json with the addons it installed', async () => {
    expect(await reissue(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const r = await reissue(['--version', '--json', '--module', hsm.module]);
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.addons).toEqual({ 'better-sqlite3': pkg.dependencies['better-sqlite3'], pkcs11js: pkg.dependencies.pkcs11js });
    expect(v.sqlite).toMatch(/^3\.\d+\.\d+$/);
    expect(v.pkcs11.modules).toEqual([expect.objectContaining({ path: hsm.module, loaded: true })]);
  });

  it('lists the certificates of a fresh sandbox (SQLite from the installed addon)', async () => {
    const r = await reissue(['list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const certs = JSON.parse(r.stdout) as { id: string }[];
    expect(certs.length).toBeGreaterThan(3);
    expect(existsSync(join(dir, 'data', 'portal.sqlite'))).toBe(true);
  });

  it('generates a key pair on a SoftHSM2 card through the installed card worker', async () => {
    const csr = join(elsewhere, 'packaged.csr');
    const r = await reissue(['--module', hsm.module, 'card', 'keygen', '--cn', 'packaged.example', '--algorithm', 'ec-p256', '--token', 'packaged-card', '--pin-stdin', '--csr-out', csr, '--json'], {}, `${PIN}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ csrFile: csr, algorithm: 'ec-p256', token: { label: 'packaged-card' } });
    const { stdout } = await run('openssl', ['req', '-in', csr, '-noout', '-verify', '-subject']);
    expect(stdout).toContain('CN = packaged.example');
    // The key pair is on the card.
    expect(await hsm.pkcs11Tool(['--token-label', 'packaged-card', '--login', '--pin', PIN, '--list-objects', '--type', 'privkey'])).toContain('Private Key Object');
  });

  it('speaks Polish (--lang pl --help) and prints its completion scripts', async () => {
    const pl = await reissue(['--lang', 'pl', '--help']);
    expect(pl.code).toBe(0);
    expect(pl.stdout).toContain('Użycie: reissue');
    expect(pl.stdout).toContain('Polecenia:');
    for (const shell of ['bash', 'zsh', 'fish']) {
      const script = await reissue(['completion', shell]);
      expect(script.code, script.stderr).toBe(0);
      expect(script.stdout).toContain('reissue __complete --');
    }
    const words = await reissue(['__complete', '--', 'card', 'keygen', '--algorithm', 'rsa-']);
    expect(words.stdout).toBe('rsa-2048\nrsa-3072\nrsa-4096\n');
  });

  it('opens the wizard from the installed package, in Polish, and quits with q', async () => {
    const bin = join(prefix, 'bin', 'reissue');
    // Its own variables (no sandbox of this checkout): the installed package's data and config.
    const { pane, done } = await suite.wizard('installed', { env: { ...vars, REISSUE_LANG: 'pl' }, bin });
    try {
      await pane.waitFor('Certyfikaty (1–', 20_000);
      await pane.keys('q');
      await pane.waitFor('EXIT=0');
    } finally {
      await done();
    }
  });
});
