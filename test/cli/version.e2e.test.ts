// `reissue --version` / `-V` from outside: the version wherever it is written on the line; with
// --json the versions in use, as `doctor` gathers them (the addons installed beside the bundle,
// the SQLite inside better-sqlite3, the PKCS#11 module the card worker loaded).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import pkg from '../../package.json' with { type: 'json' };

const require = createRequire(import.meta.url);
let box: Awaited<ReturnType<typeof cliSandbox>>;
let hsm: SoftHsm;

beforeAll(async () => {
  box = await cliSandbox();
  hsm = await createSoftHsm();
});
afterAll(async () => {
  await box.cleanup();
  await hsm.cleanup();
});

describe('reissue --version', () => {
  it('prints the version for --version and -V, before and after a command, and exits 0', async () => {
    for (const args of [['--version'], ['-V'], ['list', '--version'], ['--lang', 'pl', '-V']]) {
      const r = await runCli(args, { env: box.env });
      expect({ args, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ args, code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    }
    // Nothing ran: the sandbox was not created.
    expect((await runCli(['--version'], { env: box.env })).code).toBe(0);
    expect(existsSync(box.dataDir)).toBe(false);
    // Listed in the help like any option.
    expect((await runCli(['--help'])).stdout).toMatch(/-V, --version/);
  });

  it('--json: Node, the native addons, SQLite and the PKCS#11 module in use', async () => {
    const r = await runCli(['--version', '--json', '--module', hsm.module], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf } });
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    const Database = require('better-sqlite3');
    const db = new Database(':memory:');
    const sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
    db.close();
    expect(v).toEqual({
      reissue: pkg.version,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      sqlite,
      addons: { 'better-sqlite3': require('better-sqlite3/package.json').version, pkcs11js: require('pkcs11js/package.json').version },
      pkcs11: { modules: [expect.objectContaining({ path: hsm.module, loaded: true, manufacturer: 'SoftHSM' })], error: null },
    });
    // The same versions doctor reports.
    const doctor = JSON.parse((await runCli(['doctor', '--json', '--module', hsm.module], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf } })).stdout);
    expect(doctor.versions.addons).toEqual(v.addons);
    expect(doctor.card.modules).toEqual(v.pkcs11.modules);
  });

  it('--json with a module that does not load says so in the document', async () => {
    const r = await runCli(['-V', '--json', '--module', '/nonexistent/pkcs11.so'], { env: box.env });
    expect(r.code, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.pkcs11.modules).toEqual([expect.objectContaining({ path: '/nonexistent/pkcs11.so', loaded: false })]);
  });
});
