// The command line over a portal kind with the core only (a fake kind handed to the CLI as the
// registry's list, run in process): what needs the core works, and `ca`, `crl` and a cloud
// reissue say that this portal does not offer them — usage errors (exit 2), nothing sent — where
// our own portal answers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import type { Io } from '../../src/cli/context.js';
import type { Certificate } from '../../src/domain/types.js';
import type { AnyPortal } from '../../src/portal/portal.js';
import type { PortalKind } from '../../src/portal/registry.js';
import { codeSigning, coreOnlyPortal, csrFor, FakePortal, manualExample, pendingPortal } from '../tui/fakes.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-kinds-'));
  // The config file and the last-errors log of this process go to the temp folder.
  vi.stubEnv('XDG_CONFIG_HOME', join(dir, 'config'));
  vi.stubEnv('XDG_STATE_HOME', join(dir, 'state'));
  vi.stubEnv('XDG_DATA_HOME', join(dir, 'data'));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const cloudCert = codeSigning({ id: 'c-cloud', keySources: ['cloud'], algorithms: ['ec-p256'] });

/** Runs `reissue --portal KIND ARGS…` with `kinds` as the registry; the opened portals are kept. */
async function cli(kinds: readonly PortalKind[], spec: string, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const io = { stdin: new PassThrough(), stdout, stderr, env: { NO_COLOR: '1', REISSUE_LANG: 'en' }, portalKinds: kinds } as unknown as Io;
  const code = await runCli(io, ['node', 'reissue', '--portal', spec, '--data-dir', join(dir, 'portal'), ...args]);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

function kindOf(name: string, open: () => AnyPortal): PortalKind {
  return { name, form: name, embedded: false, matches: (s) => s === name, load: async () => ({ open: async () => open() }) };
}

describe('a portal kind with the core only', () => {
  const fake = new FakePortal({ certificates: [codeSigning(), cloudCert] });
  const core = coreOnlyPortal(fake);
  const kinds = [kindOf('core-only', () => core), kindOf('own', () => new FakePortal({ certificates: [cloudCert] }))];

  test('list and show work through it', async () => {
    const list = await cli(kinds, 'core-only', ['list', '--json']);
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Certificate[]).map((c) => c.id)).toEqual(['c-0002', 'c-cloud']);
  });

  test('`reissue ca` and `reissue crl`: exit 2, the message names the kind and what it lacks; our own portal answers', async () => {
    const ca = await cli(kinds, 'core-only', ['ca']);
    expect(ca.code).toBe(2);
    expect(ca.stdout).toBe('');
    expect(ca.stderr).toContain('The core-only portal does not offer its CA certificate.');
    expect(ca.stderr).toContain('Nothing was sent.');
    const crl = await cli(kinds, 'core-only', ['crl', '--format', 'der']);
    expect(crl.code).toBe(2);
    expect(crl.stderr).toContain('The core-only portal does not offer a CRL.');
    expect(core.calls).toEqual([]);
    const own = await cli(kinds, 'own', ['ca']);
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('BEGIN CERTIFICATE');
  });

  test('`submit --key-source cloud`: exit 2 before anything is asked or sent; our own portal issues', async () => {
    const r = await cli(kinds, 'core-only', ['submit', 'c-cloud', '--key-source', 'cloud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The core-only portal does not offer key pairs generated in its own key store (cloud keys).');
    expect(fake.reissueCalls).toEqual([]);
    const own = await cli(kinds, 'own', ['submit', 'c-cloud', '--key-source', 'cloud', '--json']);
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
  });

  test('Polish: the same refusal in the user\'s language', async () => {
    const stderr = new PassThrough();
    const err: Buffer[] = [];
    stderr.on('data', (d: Buffer) => err.push(d));
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: { NO_COLOR: '1', REISSUE_LANG: 'pl' }, portalKinds: kinds } as unknown as Io;
    expect(await runCli(io, ['node', 'reissue', '--portal', 'core-only', 'ca'])).toBe(2);
    expect(Buffer.concat(err).toString('utf8')).toContain('Portal rodzaju core-only nie udostępnia certyfikatu CA.');
  });
});

describe('a portal kind that leaves a reissue pending (a CA validating the order)', () => {
  const fake = new FakePortal({ certificates: [manualExample()] });
  const ca = pendingPortal(fake, 1, 2500);
  const kinds = [kindOf('pending-ca', () => ca), kindOf('own', () => new FakePortal())];

  test('submit prints "pending" and the resume command; resume asks again until the new copy comes', async () => {
    const csr = join(dir, 'pending.csr');
    await writeFile(csr, await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']));
    const submitted = await cli(kinds, 'pending-ca', ['submit', 'c-0001', '--csr', csr]);
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain('Pending: the portal accepted the reissue and is still working on it (order order-1). Resume with `reissue resume order-1` in 3 s or later.');
    expect(fake.reissueCalls).toHaveLength(0);

    const again = await cli(kinds, 'pending-ca', ['resume', 'order-1', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ pending: { orderRef: 'order-1', retryAfterMs: 2500 } });

    const done = await cli(kinds, 'pending-ca', ['resume', 'order-1']);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('New copy issued.');
    expect(fake.reissueCalls).toHaveLength(1);
    expect(ca.resumed).toEqual(['order-1', 'order-1']);
  });

  test('our own portal keeps no pending orders: resume is a portal error (exit 5) that says so', async () => {
    const r = await cli(kinds, 'own', ['resume', 'order-1']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('This portal has no pending order order-1: it issues every reissue at once.');
  });
});
