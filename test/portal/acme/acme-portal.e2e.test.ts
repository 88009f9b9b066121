// The ACME portal end to end: the built binary against a real Pebble (real http-01 and dns-01
// validation through pebble-challtestsrv), certbot as the client that obtained the first copy,
// SoftHSM2 as the card; openssl, pkcs11-tool and Pebble's management interface as the judges.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate, ReissueResult } from '../../../src/domain/types.js';
import { certbotCertonly } from '../../helpers/acme-clients.js';
import { BIN, cleanEnv, cliSandbox, runCli, type CliResult } from '../../helpers/cli.js';
import { openssl, opensslCsr, opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { DNS_HOOK, startPebble, type Pebble } from '../../helpers/pebble.js';
import { createSoftHsm, type SoftHsm } from '../../helpers/softhsm.js';

const PIN = '735911';
const DAY = 86_400_000;
let pebble: Pebble;
let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;
let portal: string;

const env = () => ({ ...box.env, SOFTHSM2_CONF: hsm.conf, CHALLTESTSRV_URL: pebble.challtestsrvUrl });
const cli = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> =>
  runCli(['--portal', portal, '--ca-file', pebble.caFile, '--module', hsm.module, '--http-address', `127.0.0.1:${pebble.httpPort}`, ...args], { env: { ...env(), ...opts.env }, input: opts.input, timeoutMs: 90_000 });
const json = <T>(r: CliResult): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

/** openssl verify of a leaf against Pebble's root, with the chain reissue stored for it. */
async function verifiedByPebble(id: string, name: string): Promise<string> {
  const leaf = join(box.dir, `${name}.pem`);
  const chain = join(box.dir, `${name}-chain.pem`);
  const root = join(box.dir, 'pebble-root.pem');
  expect((await cli(['download', id, '--out', leaf])).code).toBe(0);
  const full = (await cli(['download', id, '--chain'])).stdout;
  await writeFile(chain, full.slice(full.indexOf('-----END CERTIFICATE-----') + 26));
  await writeFile(root, await pebble.roots());
  return opensslStatus(['verify', '-CAfile', root, '-untrusted', chain, leaf]).output;
}

beforeAll(async () => {
  [pebble, hsm, box] = await Promise.all([startPebble(), createSoftHsm(), cliSandbox()]);
  await hsm.initToken('acme-card', PIN);
  portal = `acme:${pebble.directoryUrl}`;
}, 60_000);
afterAll(async () => {
  await pebble?.stop();
  await hsm?.cleanup();
  await box?.cleanup();
});

describe('ACME portal on Pebble', () => {
  let failCopy: Certificate;
  test('account: the terms of service refused without --agree-tos (exit 3, URL named); with it, a 0600 key that is never printed', async () => {
    const refused = await cli(['acme', 'account', '--email', 'ops@example.test']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("The CA's terms of service must be agreed to");
    expect(refused.stderr).toContain(((await pebble.directory()).meta as { termsOfService: string }).termsOfService);
    expect(refused.stderr).toContain('--agree-tos');

    const made = json<{ url: string; keyFile: string; created: boolean }>(await cli(['acme', 'account', '--email', 'ops@example.test', '--agree-tos', '--json']));
    expect(made.created).toBe(true);
    expect(made.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    expect((await stat(made.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(made.keyFile, '..', 'ledger.sqlite'))).mode & 0o777).toBe(0o600);
    const key = await readFile(made.keyFile, 'utf8');
    expect(key).toContain('PRIVATE KEY');
    // Running it again finds the same account (same key).
    const again = json<{ url: string; created: boolean }>(await cli(['acme', 'account', '--email', 'ops@example.test', '--agree-tos', '--json']));
    expect(again).toMatchObject({ url: made.url, created: false });
  });

  test('without --ca-file Pebble\'s TLS certificate is not trusted: exit 5 naming the cause and --ca-file; a closed port named too', async () => {
    const r = await runCli(['--portal', portal, 'acme', 'account', '--email', 'ops@example.test', '--agree-tos'], { env: env() });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/The TLS certificate of the ACME server .* is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT)\)/);
    expect(r.stderr).toContain('--ca-file FILE');
    const closed = await runCli(['--portal', `acme:https://127.0.0.1:${await freePort()}/dir`, 'acme', 'account', '--email', 'ops@example.test', '--agree-tos'], { env: env() });
    expect(closed.code).toBe(5);
    expect(closed.stderr).toContain('cannot be reached (ECONNREFUSED)');
  });

  test('acme order: a first certificate obtained by reissue itself (a key made here, http-01); the same CSR again gives the same copy', async () => {
    const keyOut = join(box.dir, 'first.key');
    const r = await cli(['acme', 'order', '--domain', 'first.example.test', '--domain', 'www.first.example.test', '--key-out', keyOut, '--json']);
    const { certificate } = json<{ certificate: Certificate }>(r);
    expect(certificate).toMatchObject({ commonName: 'first.example.test', replaces: null, state: 'valid', acme: { origin: 'issued', keyLocation: keyOut } });
    expect(certificate.domains.sort()).toEqual(['first.example.test', 'www.first.example.test']);
    expect(await verifiedByPebble(certificate.id, 'first')).toMatch(/: OK\n/);
    expect(publicKeyHex(join(box.dir, 'first.pem'), 'x509')).toBe(execHex('openssl', ['pkey', '-in', keyOut, '-pubout', '-outform', 'DER']));
    const again = json<{ certificate: Certificate }>(await cli(['acme', 'order', '--domain', 'first.example.test', '--domain', 'www.first.example.test', '--csr', join(box.dir, 'first.csr'), '--json']));
    expect(again.certificate.id).toBe(certificate.id);

    // acmeRevokeAfterDays 0: the replaced copy is revoked at once (our own order: by the account).
    const now = json<ReissueResult>(await cli(['submit', certificate.id, '--key-out', join(box.dir, 'first-2.key'), '--json'], { env: { REISSUE_ACME_REVOKE_AFTER_DAYS: '0' } }));
    expect(now.replaced).toMatchObject({ id: certificate.id, state: 'revoked', revocationReason: 'superseded', acme: { revocationAnswer: 'revoked' } });
    expect(await pebble.certStatus(certificate.serialNumber)).toMatchObject({ status: 'Revoked', reason: 4 });
  });

  test('a wrong http-01 answer: exit 5 naming the name, the challenge and the CA\'s problem document; nothing recorded; the kept key and CSR go through once fixed', async () => {
    const got = await certbotCertonly(pebble, { domains: ['fail.example.test'], dir: join(box.dir, 'certbot-fail') });
    const imported = json<Certificate>(await cli(['acme', 'import', got.fullchainFile, '--key', got.keyFile, '--json']));
    failCopy = imported;
    // Listening on a port Pebble does not call: its connection to httpPort is refused.
    const r = await runCli(['--portal', portal, '--ca-file', pebble.caFile, '--http-address', `127.0.0.1:${await freePort()}`, 'submit', imported.id, '--key-out', join(box.dir, 'fail.key')], { env: env(), timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/The http-01 challenge for fail\.example\.test failed: connection: /);
    expect(r.stderr).toContain('  fail.example.test: http-01 invalid');
    const list = json<Certificate[]>(await cli(['list', '--query', 'fail.example.test', '--json']));
    expect(list.map((c) => c.id)).toEqual([imported.id]);
    const csr = join(box.dir, 'fail.csr');
    expect(r.stderr).toContain(`submit them again: reissue submit ${imported.id} --csr ${csr}`);
    // The same CSR with the responder where Pebble calls: the invalid order is dropped, a new one made.
    const retried = json<ReissueResult>(await cli(['submit', imported.id, '--csr', csr, '--json']));
    expect(retried.replaced.id).toBe(imported.id);
    expect(await verifiedByPebble(retried.certificate.id, 'fail-retried')).toMatch(/: OK\n/);
    expect(publicKeyHex(join(box.dir, 'fail-retried.pem'), 'x509')).toBe(execHex('openssl', ['pkey', '-in', join(box.dir, 'fail.key'), '-pubout', '-outform', 'DER']));
  });

  let certbotCopy: Certificate;
  let generated: ReissueResult;
  let fromCsr: ReissueResult;
  let onCard: ReissueResult;

  test('certbot\'s certificate imported (key and chain checked), reissued with a key generated here over http-01', async () => {
    const got = await certbotCertonly(pebble, { domains: ['www.example.test', 'example.test'], dir: join(box.dir, 'certbot') });
    // The wrong key is refused: exit 3, nothing imported.
    const other = opensslCsr(box.dir, 'other', { key: 'ec-p256', cn: 'x', sans: [] });
    const wrong = await cli(['acme', 'import', got.fullchainFile, '--key', other.keyPath]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('is not the key of this certificate');
    // The leaf alone does not verify as a chain: refused.
    expect((await cli(['acme', 'import', got.certFile, '--key', got.keyFile])).code).toBe(3);

    certbotCopy = json<Certificate>(await cli(['acme', 'import', got.fullchainFile, '--key', got.keyFile, '--json']));
    expect(certbotCopy).toMatchObject({ commonName: 'www.example.test', state: 'valid', acme: { origin: 'imported', keyLocation: got.keyFile } });
    expect(certbotCopy.domains.sort()).toEqual(['example.test', 'www.example.test']);

    const keyOut = join(box.dir, 'generated.key');
    const r = await cli(['submit', certbotCopy.id, '--key-out', keyOut, '--json']);
    generated = json<ReissueResult>(r);
    // Every name's answer is put up first, then the CA asked for each: the pending lines, then the verdicts.
    expect(r.stderr).toMatch(/www\.example\.test: http-01 … pending\n(?:.*\n)*? {2}www\.example\.test: valid/);
    expect(generated.replaced).toMatchObject({ id: certbotCopy.id, state: 'pending-revocation', replacedBy: generated.certificate.id });
    expect(generated.certificate).toMatchObject({ replaces: certbotCopy.id, keySource: 'csr', acme: { origin: 'issued', keyLocation: keyOut } });
    expect(Date.parse(generated.replaced.revocationDate!) - Date.parse(generated.certificate.acme!.obtainedAt)).toBe(14 * DAY);
    expect((await stat(keyOut)).mode & 0o777).toBe(0o600);
    expect(await verifiedByPebble(generated.certificate.id, 'generated')).toMatch(/: OK\n/);
    // The issued certificate is for the key written to --key-out.
    const leaf = join(box.dir, 'generated.pem');
    const keyPub = execHex('openssl', ['pkey', '-in', keyOut, '-pubout', '-outform', 'DER']);
    expect(publicKeyHex(leaf, 'x509')).toBe(keyPub);
    // Pebble honours notAfter: the same expiry as the old copy was asked for and given.
    expect(generated.certificate.notAfter).toBe(certbotCopy.notAfter);
    expect(await pebble.certStatus(generated.certificate.serialNumber)).toMatchObject({ status: 'Valid' });
  });

  test('the copy reissue obtained, reissued with a CSR file over dns-01 through the hook (Pebble validates the TXT record)', async () => {
    const csr = opensslCsr(box.dir, 'from-csr', { key: 'rsa-2048', cn: 'www.example.test', sans: ['www.example.test', 'example.test'] });
    const r = await cli(['--dns-hook', DNS_HOOK, 'submit', generated.certificate.id, '--csr', csr.csrPath, '--json']);
    fromCsr = json<ReissueResult>(r);
    expect(r.stderr).toMatch(/www\.example\.test: dns-01 … pending/);
    expect(r.stderr).toMatch(/ {2}example\.test: valid/);
    expect(fromCsr.replaced.id).toBe(generated.certificate.id);
    expect(fromCsr.certificate.acme).toMatchObject({ keyLocation: null });
    expect(await verifiedByPebble(fromCsr.certificate.id, 'from-csr')).toMatch(/: OK\n/);
    expect(publicKeyHex(join(box.dir, 'from-csr.pem'), 'x509')).toBe(publicKeyHex(csr.csrPath, 'req'));
    // The same CSR again: the same copy (the order found in the ledger), nothing new ordered.
    const again = json<ReissueResult>(await cli(['submit', generated.certificate.id, '--csr', csr.csrPath, '--json']));
    expect(again.certificate.id).toBe(fromCsr.certificate.id);
    expect(json<Certificate[]>(await cli(['list', '--json'])).filter((c) => c.domains.includes('example.test'))).toHaveLength(3);
    // Only the newest copy is reissued.
    const stale = await cli(['submit', generated.certificate.id, '--key-out', join(box.dir, 'stale.key')]);
    expect(stale.code).toBe(5);
    expect(stale.stderr).toContain(`Reissue ${fromCsr.certificate.id} instead.`);
  });

  test('a key pair generated on SoftHSM2, its CSR signed on the card: the issued key is the card key, installed next to it', async () => {
    const r = await cli(['card', 'keygen', '--for', fromCsr.certificate.id, '--algorithm', 'ec-p256', '--token', 'acme-card', '--pin-stdin', '--submit', '--json'], { input: `${PIN}\n` });
    onCard = json<ReissueResult>(r);
    expect(r.stdout + r.stderr).not.toContain(PIN);
    expect(onCard.certificate).toMatchObject({ replaces: fromCsr.certificate.id, keySource: 'card', cardEvidence: { token: 'acme-card' } });
    expect(onCard.certificate.acme!.keyLocation).toMatch(/^pkcs11:.*token=acme-card;id=%[0-9A-F]{2}/);
    const keyId = onCard.certificate.cardEvidence!.keyId;
    const pub = join(box.dir, 'card.pub.der');
    await hsm.pkcs11Tool(['--token-label', 'acme-card', '--login', '--pin', PIN, '--read-object', '--type', 'pubkey', '--id', keyId, '-o', pub]);
    expect(await verifiedByPebble(onCard.certificate.id, 'on-card')).toMatch(/: OK\n/);
    expect(publicKeyHex(join(box.dir, 'on-card.pem'), 'x509')).toBe((await readFile(pub)).toString('hex'));

    const inst = await cli(['card', 'install', onCard.certificate.id, '--token', 'acme-card', '--pin-stdin'], { input: `${PIN}\n` });
    expect(inst.code, inst.stderr).toBe(0);
    const objects = await hsm.pkcs11Tool(['--token-label', 'acme-card', '--list-objects', '--type', 'cert']);
    expect(objects).toContain(`ID:         ${keyId}`);
    const fromCard = join(box.dir, 'from-card.der');
    await hsm.pkcs11Tool(['--token-label', 'acme-card', '--read-object', '--type', 'cert', '--id', keyId, '-o', fromCard]);
    expect(openssl(['x509', '-inform', 'DER', '-in', fromCard, '-noout', '-serial']).trim().toLowerCase()).toBe(`serial=${onCard.certificate.serialNumber}`);

    // The same copy imported into another installation with its key's URI: the card holding the
    // certificate's key is found and must be the one the URI names.
    const chain = join(box.dir, 'on-card-full.pem');
    await writeFile(chain, (await cli(['download', onCard.certificate.id, '--chain'])).stdout);
    const other = join(box.dir, 'other-data');
    const uri = onCard.certificate.acme!.keyLocation!;
    const imported = json<Certificate>(await cli(['--data-dir', other, 'acme', 'import', chain, '--card-uri', uri, '--json']));
    expect(imported).toMatchObject({ id: onCard.certificate.id, keySource: 'card', cardEvidence: { keyId, token: 'acme-card' }, acme: { origin: 'imported', keyLocation: uri } });
    const wrongUri = await cli(['--data-dir', join(box.dir, 'third-data'), 'acme', 'import', chain, '--card-uri', uri.replace(/id=[^;]+/, 'id=%01%02'), '--json']);
    expect(wrongUri.code).toBe(3);
    expect(wrongUri.stderr).toContain(`The key of this certificate is on card`);
  });

  test('revoke now: the CA revokes with the reason given, the answer recorded; again: nothing sent twice', async () => {
    const got = await certbotCertonly(pebble, { domains: ['gone.example.test'], dir: join(box.dir, 'certbot-gone') });
    const copy = json<Certificate>(await cli(['acme', 'import', got.fullchainFile, '--key', got.keyFile, '--json']));
    const r = await cli(['revoke', copy.id, '--reason', 'keyCompromise', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Revoked ${copy.id} (serial ${copy.serialNumber}) at the CA, reason`);
    expect(r.stdout).not.toContain('CRL');
    expect(await pebble.certStatus(copy.serialNumber)).toMatchObject({ status: 'Revoked', reason: 1 });
    // Pebble (authorizations not reused) refuses our account for a copy another account ordered;
    // the request signed with the certificate's own key (the file we imported with it) is accepted.
    const shown = json<Certificate>(await cli(['show', copy.id, '--json']));
    expect(shown).toMatchObject({ state: 'revoked', revocationReason: 'keyCompromise', acme: { revocationAnswer: 'revoked-by-certificate-key' } });
    expect((await cli(['revoke', copy.id, '--yes'])).code).toBe(0);
    expect(json<Certificate>(await cli(['show', copy.id, '--json'])).revocationReason).toBe('keyCompromise');
  });

  test('config: the ACME settings are checked when set, and used from the file', async () => {
    const bad = await runCli(['config', 'set', 'acmeRevokeAfterDays', 'soon'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('acmeRevokeAfterDays must be a whole number of days');
    expect((await runCli(['config', 'set', 'acmeHttpAddress', 'nowhere'], { env: env() })).code).toBe(2);
    expect((await runCli(['config', 'set', 'acmeRevokeAfterDays', 'never'], { env: env() })).code).toBe(0);
    expect((await runCli(['config', 'get', 'acmeRevokeAfterDays'], { env: env() })).stdout.trim()).toBe('never');
    expect((await runCli(['config', 'unset', 'acmeRevokeAfterDays'], { env: env() })).code).toBe(0);
  });

  test('show: the ACME details, ARI not offered by Pebble 2.4 said so; status lists the four scheduled revocations', async () => {
    const shown = await cli(['show', onCard.certificate.id]);
    expect(shown.stdout).toContain('Renewal window (ARI)  not offered by this CA');
    expect(shown.stdout).toContain(`Replaces `);
    const pending = json<Certificate[]>(await cli(['status', '--json']));
    expect(pending.map((p) => p.id).sort()).toEqual([failCopy.id, certbotCopy.id, generated.certificate.id, fromCsr.certificate.id].sort());
  });

  test('14 days later two `revocations run` at once: each old copy revoked at Pebble once (reason superseded), recorded once', async () => {
    const before = json<Certificate[]>(await cli(['revocations', 'run', '--json']));
    expect(before).toEqual([]); // nothing due yet
    const at = new Date(Date.parse(onCard.certificate.acme!.obtainedAt) + 14 * DAY + 60_000).toISOString();
    const [a, b] = await Promise.all([runRaw(['revocations', 'run', '--json'], at), runRaw(['revocations', 'run', '--json'], at)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const outcomes = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as { id: string; result: string }[];
    const due = [failCopy.id, certbotCopy.id, generated.certificate.id, fromCsr.certificate.id];
    expect(outcomes.map((o) => o.id).sort()).toEqual([...due].sort());
    expect(outcomes.every((o) => o.result === 'revoked')).toBe(true);
    // Our own orders are revoked by our account; certbot's copies with their own keys (see above).
    const signedBy = new Map([
      [failCopy.id, 'revoked-by-certificate-key'],
      [certbotCopy.id, 'revoked-by-certificate-key'],
      [generated.certificate.id, 'revoked'],
      [fromCsr.certificate.id, 'revoked'],
    ]);
    for (const c of [failCopy, certbotCopy, generated.certificate, fromCsr.certificate]) {
      expect(await pebble.certStatus(c.serialNumber)).toMatchObject({ status: 'Revoked', reason: 4 });
      const shown = json<Certificate>(await cli(['show', c.id, '--json'], { env: { REISSUE_NOW: at } }));
      expect(shown).toMatchObject({ state: 'revoked', revocationReason: 'superseded', acme: { revocationAnswer: signedBy.get(c.id) } });
    }
    expect(await pebble.certStatus(onCard.certificate.serialNumber)).toMatchObject({ status: 'Valid' });
    // Any later command finds nothing due: each was carried out once.
    expect(json<unknown[]>(await cli(['revocations', 'run', '--json'], { env: { REISSUE_NOW: at } }))).toEqual([]);
  });
});

/** The built binary started as a bare child (no helper wrapper), so two can start at the same moment. */
function runRaw(args: string[], now: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--portal', portal, '--ca-file', pebble.caFile, ...args], { env: cleanEnv({ ...env(), REISSUE_NOW: now }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function execHex(cmd: string, args: string[]): string {
  return execFileSync(cmd, args).toString('hex');
}

/** A port nothing listens on (taken and released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
