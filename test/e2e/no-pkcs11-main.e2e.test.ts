// Commands that touch no card never load the PKCS#11 addon (issue 18, item 21): pkcs11js is loaded
// only by the card worker (dist/card-worker.cjs). Checked on the built bundle two ways: no file the
// CLI loads on the main thread imports it, and `list` / `csr check` / `submit --csr` run with a
// trap that ends the process if the addon is ever opened.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, ROOT, runCli } from '../helpers/cli.js';
import { opensslCsr } from '../helpers/openssl.js';

const dist = join(ROOT, 'dist');
const IMPORTS_PKCS11JS = /(?:from\s*|import\s*\(?\s*|require\s*\(\s*)["']pkcs11js["']/;

/** Every JavaScript file of the main bundle: dist/cli.js and all its chunks (static and dynamic). */
function mainBundleFiles(): string[] {
  const chunks = join(dist, 'chunks');
  return [join(dist, 'cli.js'), ...readdirSync(chunks).filter((f) => f.endsWith('.js')).map((f) => join(chunks, f))];
}

test('no file of the main bundle imports pkcs11js; only the card worker does', () => {
  const offenders = mainBundleFiles().filter((f) => IMPORTS_PKCS11JS.test(readFileSync(f, 'utf8')));
  expect(offenders.map((f) => f.slice(dist.length + 1))).toEqual([]);
  // The check can see an import: the worker has one.
  expect(readFileSync(join(dist, 'card-worker.cjs'), 'utf8')).toMatch(IMPORTS_PKCS11JS);
});

let box: Awaited<ReturnType<typeof cliSandbox>>;
let trap: string;
const MARK = 'PKCS11 ADDON LOADED';

beforeAll(async () => {
  box = await cliSandbox();
  // Preloaded with --require: any native addon whose path names pkcs11 (pkcs11js's pkcs11.node)
  // ends the process with a mark on stderr, whoever opens it.
  trap = join(box.dir, 'trap-pkcs11.cjs');
  writeFileSync(
    trap,
    `const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) {
  if (/pkcs11/i.test(String(filename))) {
    require('node:fs').writeSync(2, '${MARK}: ' + filename + '\\n');
    process.exit(97);
  }
  return dlopen.call(this, module, filename, ...rest);
};
`,
  );
});
afterAll(() => box.cleanup());

const trapped = (args: string[]) => runCli(args, { env: { ...box.env, NODE_OPTIONS: `--require ${trap}` } });

test('the trap fires when pkcs11js is loaded', () => {
  const r = spawnSync(process.execPath, ['--require', trap, '-e', "require('pkcs11js')"], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toContain(MARK);
  expect(r.status).toBe(97);
});

test('list, csr check and submit --csr run without loading the PKCS#11 addon (built binary)', async () => {
  const list = await trapped(['list', '--json']);
  expect(list.stderr).not.toContain(MARK);
  expect(list.code).toBe(0);
  const cert = (JSON.parse(list.stdout) as Certificate[]).find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!;
  expect(cert).toBeDefined();
  const { csrPath } = opensslCsr(box.dir, 'main-thread', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });

  const check = await trapped(['csr', 'check', csrPath, '--for', cert.id]);
  expect(check.stderr).not.toContain(MARK);
  expect(check.code).toBe(0);

  const submit = await trapped(['submit', cert.id, '--csr', csrPath, '--json']);
  expect(submit.stderr).not.toContain(MARK);
  expect(submit.code).toBe(0);
  expect(JSON.parse(submit.stdout).replaced.id).toBe(cert.id);
});
