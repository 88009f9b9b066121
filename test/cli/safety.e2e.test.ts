// The user's keys, tokens and numbers, handled safely by the built binary: outputs checked before
// anything is written, private keys never replaced, numbers bounded, secrets never echoed or sent
// in clear text, modes whatever the umask.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { BIN, ROOT, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';
import { hostileCsr, rsaKey, toPem } from '../helpers/hostile-csr.js';
import { tlv } from '../pki/helpers.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let id: string;
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...box.env, ...env } });
const path = (name: string) => join(box.dir, name);
const files = () => readdirSync(box.dir).sort();

beforeAll(async () => {
  box = await cliSandbox();
  const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
  id = list.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!.id;
});
afterAll(() => box.cleanup());

/** A real private key (openssl), the kind of file that must survive any command. */
function privateKeyFile(name: string): { path: string; pem: string } {
  const p = path(name);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p]);
  return { path: p, pem: readFileSync(p, 'utf8') };
}

describe('private keys are never destroyed; a refusal leaves nothing behind', () => {
  it('--key-out and --out naming the same file (any spelling), even with --force: exit 3, nothing written', async () => {
    for (const [keyOut, out] of [
      [path('same.pem'), path('same.pem')],
      [path('same.pem'), `${box.dir}/./same.pem`],
    ] as const) {
      const before = files();
      const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', keyOut, '--out', out, '--force']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/same file/);
      expect(r.stdout).not.toMatch(/Private key:/);
      expect(files()).toEqual(before);
    }
  });

  it('csr new --out FILE --force never replaces a file holding a private key, and writes no new key', async () => {
    const key = privateKeyFile('existing.key');
    const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', path('fresh.key'), '--out', key.path, '--force']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/holds a private key.*never replaced/);
    expect(readFileSync(key.path, 'utf8')).toBe(key.pem);
    expect(existsSync(path('fresh.key'))).toBe(false);
  });

  it('download --out FILE --force never replaces a private key (PEM or DER)', async () => {
    const pem = privateKeyFile('download.key');
    const der = path('download.key.der');
    openssl(['pkey', '-in', pem.path, '-outform', 'DER', '-out', der]);
    const derBytes = readFileSync(der);
    for (const [file, check] of [
      [pem.path, () => expect(readFileSync(pem.path, 'utf8')).toBe(pem.pem)],
      [der, () => expect(readFileSync(der)).toEqual(derBytes)],
    ] as const) {
      const r = await cli(['download', id, '--out', file, '--force']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/holds a private key/);
      check();
    }
    // A certificate is replaced with --force (what download writes; anything else is kept, see outputs.e2e).
    writeFileSync(path('old.pem'), (await cli(['ca'])).stdout);
    expect((await cli(['download', id, '--out', path('old.pem'), '--force'])).code).toBe(0);
    expect(readFileSync(path('old.pem'), 'utf8')).toMatch(/BEGIN CERTIFICATE/);
  });

  it('a dangling symbolic link at --out or --key-out is refused before a key is generated', async () => {
    symlinkSync(path('nowhere/at/all.pem'), path('dangling.pem'));
    for (const [keyOut, out] of [
      [path('orphan.key'), path('dangling.pem')],
      [path('dangling.pem'), path('orphan.csr')],
    ]) {
      const r = await cli(['csr', 'new', '--for', id, '--algorithm', 'ec-p256', '--key-out', keyOut!, '--out', out!, '--force']);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/symbolic link to a file that does not exist; nothing was written/);
      expect(existsSync(path('orphan.key'))).toBe(false);
      expect(existsSync(path('orphan.csr'))).toBe(false);
      expect(lstatSync(path('dangling.pem')).isSymbolicLink()).toBe(true);
    }
    for (const force of [[], ['--force']]) {
      const r = await cli(['download', id, '--out', path('dangling.pem'), ...force]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/symbolic link to a file that does not exist/);
      expect(lstatSync(path('dangling.pem')).isSymbolicLink()).toBe(true);
    }
  });
});

describe('the CA signs only what it checked', () => {
  it('a CSR whose key carries a UTF8String where NULL belongs: csr check and submit exit 3, nothing issued', async () => {
    const csr = path('utf8-params.csr');
    writeFileSync(csr, toPem(hostileCsr(rsaKey(), { keyParams: tlv(0x0c, Buffer.from('hello')) })));
    const check = await cli(['csr', 'check', csr, '--for', id]);
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(/✗ The CSR's public key algorithm \(rsaEncryption\) carries a UTF8String where RFC 3279 requires NULL parameters/);
    const before = (await cli(['list', '--json'])).stdout;
    const submit = await cli(['submit', id, '--csr', csr]);
    expect(submit.code).toBe(3);
    expect(submit.stderr).toMatch(/carries a UTF8String/);
    expect((await cli(['list', '--json'])).stdout).toBe(before);
  });
});

describe('numbers from users are bounded', () => {
  it('list --limit not a whole number from 1 to 1000: exit 2 with a message, never "damaged"', async () => {
    for (const bad of ['99999999999999999999', '0', '-5', 'abc', '1001', '1e3', '2.5']) {
      const r = await cli(['list', `--limit=${bad}`]);
      expect({ bad, code: r.code }).toEqual({ bad, code: 2 });
      expect(r.stderr).toContain('--limit must be a whole number from 1 to 1000');
      expect(r.stderr).not.toMatch(/damaged|backup|restore/i);
    }
    const ok = await cli(['list', '--limit', '2', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveLength(2);
  });
});

describe('secrets stay secret', () => {
  it('an unknown option is named without its value', async () => {
    for (const args of [['card', 'keygen', '--for', 'x', '--algorithm', 'ec-p256', '--pin=9876Secret'], ['list', '--pin=9876Secret'], ['list', '-p9876Secret']]) {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '(--pin|-p)'/);
      expect(r.stderr + r.stdout).not.toContain('9876');
    }
  });

  it('no token is sent over plain http to another host: exit 2 saying why, before any connection', async () => {
    const r = await cli(['list', '--portal', 'http://192.0.2.7:8080', '--token', 'tok-3cr3t']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/Refusing to send the API token to http:\/\/192\.0\.2\.7:8080 over plain http/);
    expect(r.stderr).toMatch(/--allow-insecure-http/);
    expect(r.stderr).not.toContain('tok-3cr3t');
  });

  it('REISSUE_DEBUG=0 (or anything but 1/true) shows no stack trace; expected errors never do', async () => {
    writeFileSync(path('junk.csr'), 'not a csr at all');
    for (const debug of ['0', 'false', 'yes', '1', 'true']) {
      for (const [args, code] of [
        [['show', 'no-such-certificate'], 5],
        [['submit', id, '--csr', path('junk.csr')], 3],
      ] as const) {
        const r = await cli([...args], { REISSUE_DEBUG: debug });
        expect(r.code).toBe(code);
        expect(r.stderr, `${debug}: ${args.join(' ')}`).not.toMatch(/\n\s+at /);
      }
    }
  });
});

describe('modes whatever the umask', () => {
  it('under umask 000: config and data folders and their missing parents 0700; database, WAL/SHM, CA key and a new private key 0600', async () => {
    const env = { ...cleanEnv(box.env), REISSUE_DATA_DIR: path('umask-data'), XDG_CONFIG_HOME: path('umask-config') };
    const run = (args: string[]) => spawnSync('sh', ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, BIN, ...args], { cwd: ROOT, env, encoding: 'utf8' });
    expect(run(['config', 'set', 'portal', 'local']).status).toBe(0);
    const listed = run(['list', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const certId = (JSON.parse(listed.stdout) as Certificate[]).find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!.id;
    expect(run(['csr', 'new', '--for', certId, '--algorithm', 'ec-p256', '--key-out', path('umask.key'), '--out', path('umask.csr')]).status).toBe(0);
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect(mode(path('umask-config'))).toBe('700'); // a missing parent, made by config set
    expect(mode(path('umask-config/reissue'))).toBe('700');
    expect(mode(path('umask-config/reissue/config.json'))).toBe('600');
    expect(mode(path('umask-data'))).toBe('700');
    const dbFiles = readdirSync(path('umask-data')).filter((f) => f.startsWith('portal.sqlite'));
    expect(dbFiles).toContain('portal.sqlite');
    for (const f of [...dbFiles, 'ca-key.pem']) expect({ f, mode: mode(path(`umask-data/${f}`)) }).toEqual({ f, mode: '600' });
    expect(mode(path('umask.key'))).toBe('600');
  });
});
