// The portal kinds through the built binary: a kind's folder is its own chunk, imported only when
// that kind is used (`--portal local` never loads the HTTP client, got and all), and a --portal
// value naming no kind this build has (acme: with a non-http URL, an unknown certum form) is a usage error,
// exit 2, that lists the kinds known and loads no kind. The certum kinds load their own chunk (soap with it).
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliSandbox, ROOT, runCli } from '../helpers/cli.js';

const chunks = join(ROOT, 'dist', 'chunks');
let box: Awaited<ReturnType<typeof cliSandbox>>;
let register: string;
let runs = 0;

/** The one chunk holding the HTTP portal client (its redirect refusal is only there). */
function httpChunk(): string {
  const files = readdirSync(chunks).filter((f) => f.endsWith('.js') && readFileSync(join(chunks, f), 'utf8').includes('does not follow a portal to another address'));
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** The one chunk holding the local kind (it opens the portal service). */
function localChunk(): string {
  const files = readdirSync(chunks).filter((f) => f.endsWith('.js') && /kind: "local"/.test(readFileSync(join(chunks, f), 'utf8')));
  expect(files).toHaveLength(1);
  return files[0]!;
}

beforeAll(async () => {
  box = await cliSandbox();
  // A module hook that writes every module URL the process loads to REISSUE_TEST_LOAD_LOG.
  const hooks = join(box.dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.REISSUE_TEST_LOAD_LOG, url + '\\n');
  return next(url, context);
}
`,
  );
  register = join(box.dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
});
afterAll(() => box.cleanup());

/** Runs the binary with the hook; returns its result and the chunk files it loaded. */
async function traced(args: string[], env: Record<string, string> = {}) {
  const log = join(box.dir, `loaded-${++runs}.txt`);
  appendFileSync(log, '');
  const r = await runCli(args, { env: { ...box.env, ...env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}`, REISSUE_TEST_LOAD_LOG: log } });
  const loaded = readFileSync(log, 'utf8')
    .split('\n')
    .filter((u) => u.includes('/dist/chunks/'))
    .map((u) => u.slice(u.lastIndexOf('/') + 1));
  return { ...r, loaded };
}

describe('portal kinds in the built binary', () => {
  test('the HTTP kind is reached only through a dynamic import()', () => {
    const name = httpChunk();
    const escaped = name.replace(/[.-]/g, '\\$&');
    for (const f of [...readdirSync(chunks).filter((x) => x.endsWith('.js')).map((x) => join(chunks, x)), join(ROOT, 'dist', 'cli.js')]) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(new RegExp(`from\\s*["']\\./(chunks/)?${escaped}["']`));
    }
  });

  test('--portal local: the local kind is loaded, the HTTP client is not', async () => {
    const r = await traced(['--portal', 'local', 'list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.loaded).toContain(localChunk());
    expect(r.loaded).not.toContain(httpChunk());
  });

  test('--portal http://…: the HTTP client is loaded (and the local kind is not)', async () => {
    // Nothing listens on port 9 of this machine: the portal is unreachable (exit 5), after the kind loaded.
    const r = await traced(['--portal', 'http://127.0.0.1:9', 'list', '--json'], { REISSUE_TOKEN: 't0ken' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Cannot reach the portal at http://127.0.0.1:9');
    expect(r.loaded).toContain(httpChunk());
    expect(r.loaded).not.toContain(localChunk());
  });

  test.each([['certum'], ['certum-test'], ['certum:https://host/service/PartnerApi']])('--portal %s: the certum kind is loaded (no user name: exit 2 before any request), the others are not', async (spec) => {
    const r = await traced(['--portal', spec, 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('No Certum partner user name.');
    expect(r.loaded.some((f) => f.startsWith('certum-'))).toBe(true);
    expect(r.loaded).not.toContain(httpChunk());
    expect(r.loaded).not.toContain(localChunk());
  });

  test.each([['acme:ftp://ca.example/directory'], ['certum:ftp://host/x'], ['Certum']])('--portal %s: exit 2, the kinds known named, no kind loaded', async (spec) => {
    const r = await traced(['--portal', spec, 'list']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`Unknown portal "${spec}"`);
    expect(r.stderr).toContain('local, https://HOST:PORT, acme:https://HOST/directory, certum | certum-test | certum:URL');
    expect(r.loaded.some((f) => f.startsWith('certum-'))).toBe(false);
    expect(r.loaded).not.toContain(httpChunk());
    expect(r.loaded).not.toContain(localChunk());
  });

  test('--portal acme:https://…: the ACME kind is loaded (neither the HTTP client nor the sandbox) and lists its empty ledger', async () => {
    // Nothing listens on port 9: listing reads the local ledger only, the CA is not asked.
    const r = await traced(['--portal', 'acme:https://127.0.0.1:9/directory', 'list', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.loaded).not.toContain(httpChunk());
    expect(r.loaded).not.toContain(localChunk());
  });

  test('`reissue resume` on the sandbox, which issues at once: exit 5, no such pending order', async () => {
    const r = await runCli(['resume', 'order-1'], { env: box.env });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('This portal has no pending order order-1');
  });

  test('a bad portal in the config file does not stop `config set portal`, which repairs it', async () => {
    const bad = await runCli(['config', 'set', 'portal', 'acme:ftp://ca.example/directory'], { env: box.env });
    expect(bad.code).toBe(0);
    expect((await runCli(['list'], { env: box.env })).code).toBe(2);
    const fixed = await runCli(['config', 'set', 'portal', 'local'], { env: box.env });
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    expect((await runCli(['list', '--json'], { env: box.env })).code).toBe(0);
  });
});
