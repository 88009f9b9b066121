// Two ACME paths on a real Pebble with the built binary:
// - `--webroot DIR`: a tiny static file server (node http) serves DIR on Pebble's http-01 port, as
//   a web server would; reissue writes its answers there, Pebble validates them, and the token
//   files are gone afterwards. A webroot reissue cannot write into is refused before any order.
// - The revocation of an imported copy whose key is on a card (SoftHSM2) and whose order is
//   another account's: the CA refuses this installation's account, and a card key cannot sign an
//   ACME request here, so `show`, `status` and `revocations run` say what is wrong and what to do;
//   doing it (revoking with the ordering installation) then lets `revocations run` record it.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate, ReissueResult } from '../../../src/domain/types.js';
import { cliSandbox, runCli, type CliResult } from '../../helpers/cli.js';
import { opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { startPebble, type Pebble } from '../../helpers/pebble.js';
import { createSoftHsm, type SoftHsm } from '../../helpers/softhsm.js';

const PIN = '461937';
let pebble: Pebble;
let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;

beforeAll(async () => {
  [pebble, hsm, box] = await Promise.all([startPebble(), createSoftHsm(), cliSandbox()]);
  await hsm.initToken('webroot-card', PIN);
}, 60_000);
afterAll(async () => {
  await pebble?.stop();
  await hsm?.cleanup();
  await box?.cleanup();
});

/** The built binary on this Pebble; `dataDir` picks the installation (its own ledger and account). */
const cli = (dataDir: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
  runCli(['--portal', `acme:${pebble.directoryUrl}`, '--ca-file', pebble.caFile, '--module', hsm.module, '--data-dir', dataDir, ...args], {
    env: { ...box.env, SOFTHSM2_CONF: hsm.conf, ...opts.env },
    input: opts.input,
    timeoutMs: 90_000,
  });
const ok = async (dataDir: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}) => {
  const r = await cli(dataDir, args, opts);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T;

/** A static file server for `root` on Pebble's http-01 port; it records each request and answer. */
function staticServer(root: string): Promise<{ server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    readFile(join(root, path)).then(
      (body) => {
        hits.push(`${req.headers.host} ${path} 200`);
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
      },
      () => {
        hits.push(`${req.headers.host} ${path} 404`);
        res.writeHead(404).end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(pebble.httpPort, '127.0.0.1', () => resolve({ server, hits }));
  });
}

async function pebbleChain(): Promise<string> {
  const f = join(box.dir, `pebble-chain-${Date.now()}.pem`);
  writeFileSync(f, `${await pebble.roots()}\n${await pebble.intermediates()}`);
  return f;
}

describe('--webroot on Pebble', () => {
  test('a web server serves the webroot: the answers written there pass Pebble\'s validation, and are removed afterwards', async () => {
    const data = join(box.dir, 'webroot-data');
    const root = join(box.dir, 'www');
    await mkdir(root);
    await writeFile(join(root, 'index.html'), 'site\n');
    await ok(data, ['acme', 'account', '--email', 'web@reissue.test', '--agree-tos']);
    const { server, hits } = await staticServer(root);
    try {
      const first = json<{ certificate: Certificate }>(await ok(data, ['--webroot', root, 'acme', 'order', '--domain', 'www.webroot.example.test', '--domain', 'webroot.example.test', '--key-out', join(box.dir, 'web1.key'), '--json']));
      const r = await ok(data, ['--webroot', root, 'submit', first.certificate.id, '--key-out', join(box.dir, 'web2.key'), '--json']);
      const result = json<ReissueResult>(r);
      expect(result.certificate.replaces).toBe(first.certificate.id);
      expect(r.stderr).toContain('webroot.example.test: http-01 … pending');
      // Pebble fetched each name's token from the web server (from several vantage points), and
      // found it: four tokens, two orders × two names, none missing.
      const served = hits.filter((h) => / \/\.well-known\/acme-challenge\/[A-Za-z0-9_-]+ 200$/.test(h));
      expect(new Set(served.map((h) => h.split(' ')[1])).size, hits.join('\n')).toBe(4);
      expect(hits.filter((h) => h.endsWith(' 404')), hits.join('\n')).toEqual([]);
      expect(served.some((h) => h.startsWith(`www.webroot.example.test:${pebble.httpPort} `))).toBe(true);
      // The token files are gone; the site's own file stays.
      expect(readdirSync(join(root, '.well-known', 'acme-challenge'))).toEqual([]);
      expect(await readFile(join(root, 'index.html'), 'utf8')).toBe('site\n');
      const pem = join(box.dir, 'web2.pem');
      await ok(data, ['download', result.certificate.id, '--out', pem]);
      expect(opensslStatus(['verify', '-CAfile', await pebbleChain(), pem]).output).toContain(`${pem}: OK`);
      expect(publicKeyHex(pem, 'x509')).toBe(execFileSync('openssl', ['pkey', '-in', join(box.dir, 'web2.key'), '-pubout', '-outform', 'DER']).toString('hex'));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a webroot reissue cannot write into: exit 3 naming the path and the cause, before any order is placed', async () => {
    const data = join(box.dir, 'webroot-data');
    const [copy] = json<Certificate[]>(await ok(data, ['list', '--json'])).filter((c) => c.state === 'valid');
    // A folder that does not exist (a typo): not created, refused.
    const missing = join(box.dir, 'no-such-www');
    const r = await cli(data, ['--webroot', missing, 'submit', copy!.id, '--key-out', join(box.dir, 'web3.key')]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`The http-01 answers cannot be written under the webroot: ${missing} (ENOENT). No order was placed.`);
    expect(r.stderr).toContain('--webroot');
    expect(r.stderr).not.toContain('order https://');
    // A webroot whose .well-known is a file: the challenge folder cannot be made (root too).
    const blocked = join(box.dir, 'blocked-www');
    await mkdir(blocked);
    await writeFile(join(blocked, '.well-known'), 'not a folder\n');
    const b = await cli(data, ['--lang', 'pl', '--webroot', blocked, 'submit', copy!.id, '--key-out', join(box.dir, 'web4.key')]);
    expect(b.code, b.stderr).toBe(3);
    expect(b.stderr).toContain(`Nie można zapisać odpowiedzi http-01 w katalogu webroot: ${join(blocked, '.well-known', 'acme-challenge')} (ENOTDIR). Nie złożono zamówienia.`);
    expect(b.stderr).not.toContain('order https://');
    // Nothing was issued by either attempt.
    expect(json<Certificate[]>(await ok(data, ['list', '--json'])).length).toBe(2);
  });
});

describe('revocation of an imported card-key copy ordered by another account', () => {
  test('show, status and revocations run say the CA refuses this account, the key is on a card, and what to do; done that way, it is recorded', async () => {
    const a = join(box.dir, 'installation-a');
    const b = join(box.dir, 'installation-b');
    const http = ['--http-address', `127.0.0.1:${pebble.httpPort}`];
    const name = 'card-rev.example.test';
    // Installation A (account A) orders a copy, then reissues it with a key pair made on the card.
    await ok(a, ['acme', 'account', '--email', 'a@reissue.test', '--agree-tos']);
    const first = json<{ certificate: Certificate }>(await ok(a, [...http, 'acme', 'order', '--domain', name, '--key-out', join(box.dir, 'a.key'), '--json']));
    const onCard = json<ReissueResult>(await ok(a, [...http, 'card', 'keygen', '--for', first.certificate.id, '--algorithm', 'ec-p256', '--token', 'webroot-card', '--pin-stdin', '--submit', '--json'], { input: `${PIN}\n` })).certificate;
    const uri = onCard.acme!.keyLocation!;
    expect(uri).toMatch(/^pkcs11:/);
    const chain = join(box.dir, 'on-card-chain.pem');
    await writeFile(chain, (await ok(a, ['download', onCard.id, '--chain'])).stdout);

    // Installation B (account B) imports it with the card's URI and reissues it; the old copy is
    // due at once (acmeRevokeAfterDays 0), and the CA refuses account B.
    await ok(b, ['acme', 'account', '--email', 'b@reissue.test', '--agree-tos']);
    await ok(b, ['acme', 'import', chain, '--card-uri', uri, '--json']);
    const reissued = json<ReissueResult>(await ok(b, [...http, 'submit', onCard.id, '--key-out', join(box.dir, 'b.key'), '--json'], { env: { REISSUE_ACME_REVOKE_AFTER_DAYS: '0' } }));
    expect(reissued.replaced).toMatchObject({ id: onCard.id, state: 'pending-revocation' });
    expect(await pebble.certStatus(onCard.serialNumber)).toEqual({ status: 'Valid' });

    const explained = [
      'the CA refuses this installation\'s ACME account (unauthorized: ',
      `the copy was ordered by another ACME account, and its key is on a card (${uri}), which reissue cannot use to sign an ACME revocation.`,
      'Revoke it with the account that ordered it (certbot: `certbot revoke --cert-path CERT.pem --reason superseded`); the next `reissue revocations run` then records it as revoked',
    ];
    const flat = (s: string) => s.replace(/\s+/g, ' ');
    const shown = flat((await ok(b, ['show', onCard.id])).stdout);
    for (const part of explained) expect(shown).toContain(part);
    const status = flat((await ok(b, ['status'])).stdout);
    expect(status).toContain(`Not revoked yet ${onCard.serialNumber}: `);
    for (const part of explained) expect(status).toContain(part);
    const run = await cli(b, ['revocations', 'run']);
    expect(run.code).toBe(5);
    for (const part of explained) expect(flat(run.stdout)).toContain(part);
    expect(flat(run.stdout)).toContain('it stays scheduled and is tried again');
    const pl = flat((await ok(b, ['--lang', 'pl', 'show', onCard.id])).stdout);
    expect(pl).toContain(`kopię zamówiło inne konto ACME, a jej klucz jest na karcie (${uri})`);
    // `revoke` now says the same, with the next step.
    const revoke = await cli(b, ['revoke', onCard.id, '--yes']);
    expect(revoke.code).toBe(5);
    expect(flat(revoke.stderr)).toContain(explained[1]!);

    // What the message says to do: the account that ordered it revokes it (installation A) …
    await ok(a, ['revoke', onCard.id, '--reason', 'superseded', '--yes']);
    expect(await pebble.certStatus(onCard.serialNumber)).toMatchObject({ status: 'Revoked', reason: 4 });
    // … and the next run in B records it as done, once.
    const after = json<{ id: string; result: string }[]>(await ok(b, ['revocations', 'run', '--json']));
    expect(after).toEqual([{ id: onCard.id, serial: onCard.serialNumber, result: 'already' }]);
    expect(json<Certificate>(await ok(b, ['show', onCard.id, '--json']))).toMatchObject({ state: 'revoked', acme: { revocationAnswer: 'alreadyRevoked', revocationError: null } });
    expect(json<unknown[]>(await ok(b, ['status', '--json']))).toEqual([]);
  }, 150_000);
});
