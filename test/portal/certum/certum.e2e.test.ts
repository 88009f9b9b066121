// The Certum portal kind through the built binary, against the Partner API double (a SOAP server
// built from Certum's published shapes, test/doubles/certum): the partner's orders listed and
// shown, reissues with a CSR file, a key generated here and a key generated on a SoftHSM2 card
// polled through AWAITING → VERIFICATION → ENROLLED, a REJECTED order, bad credentials, a SOAP
// fault, a slow service, revoke. openssl and pkcs11-tool judge the certificates; the password is
// looked for in every output, every file of the data directory and the process list.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Certificate, PendingReissue, ReissueResult } from '../../../src/domain/types.js';
import { startCertumDouble, type CertumDouble } from '../../doubles/certum/double.js';
import { validateRequest } from '../../doubles/certum/validate-request.js';
import { BIN, ROOT, cleanEnv, cliSandbox, runCli, type CliResult } from '../../helpers/cli.js';
import { openssl, opensslCsr, opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { createSoftHsm, type SoftHsm } from '../../helpers/softhsm.js';

const PIN = '1234';
// Each test runs the binary several times (a Node start, soap and a WSDL parse each) against a
// double that checks every request with xmllint: more than the suite's default 30 s on a busy machine.
vi.setConfig({ testTimeout: 120_000 });
let certum: CertumDouble;
let box: Awaited<ReturnType<typeof cliSandbox>>;
let hsm: SoftHsm;
let password = '';
let passwordFile = '';
let caFile = '';
/** Everything the binary printed in this file, searched for the password at the end. */
const printed: string[] = [];

const portal = () => `certum:${certum.url}`;
const env = (extra: Record<string, string> = {}) => ({ ...box.env, SOFTHSM2_CONF: hsm.conf, REISSUE_CERTUM_USER: 'partner1', REISSUE_CERTUM_POLL: '0.2', ...extra });
async function cli(args: string[], opts: { env?: Record<string, string>; input?: string; file?: boolean } = {}): Promise<CliResult> {
  const auth = opts.file === false ? [] : ['--certum-password-file', passwordFile];
  const r = await runCli(['--portal', portal(), ...auth, '--module', hsm.module, ...args], { env: env(opts.env), input: opts.input, timeoutMs: 60_000 });
  printed.push(r.stdout, r.stderr);
  return r;
}
const json = <T>(r: CliResult): T => {
  expect(r.stderr, r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};
type Outcome = ReissueResult | { pending: PendingReissue };

/** `submit …` then `resume REF` until the new copy comes back; the states Certum reported on the way. */
async function submitAndPoll(submitArgs: string[]): Promise<{ result: ReissueResult; states: string[]; orderRef: string }> {
  let outcome = json<Outcome>(await cli([...submitArgs, '--json']));
  const states: string[] = [];
  let orderRef = '';
  for (let i = 0; i < 10 && 'pending' in outcome; i++) {
    orderRef = outcome.pending.orderRef;
    states.push(outcome.pending.state ?? '?');
    expect(outcome.pending.message).toContain(orderRef);
    outcome = json<Outcome>(await cli(['resume', orderRef, '--json']));
  }
  if ('pending' in outcome) throw new Error(`still pending after 10 asks: ${states.join(' → ')}`);
  return { result: outcome, states, orderRef };
}

beforeAll(async () => {
  certum = await startCertumDouble();
  box = await cliSandbox();
  hsm = await createSoftHsm();
  await hsm.initToken('card1', PIN);
  password = certum.users.find((u) => u.userName === 'partner1')!.password;
  passwordFile = join(box.dir, 'certum-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  caFile = join(box.dir, 'certum-ca.pem');
  writeFileSync(caFile, certum.caPem);
}, 60_000);
afterAll(async () => {
  await certum?.stop();
  await hsm?.cleanup();
  await box?.cleanup();
});

describe('reading the partner orders', () => {
  test('list: every order with a certificate, of this partner only; filtered as the other portals filter', async () => {
    const list = json<Certificate[]>(await cli(['list', '--json']));
    const ids = list.map((c) => c.id);
    const o = certum.orders;
    for (const seeded of [o.manual, o.eccOnly, o.reissued, o.newCopy, o.revoked, o.expired, o.simplySign]) expect(ids).toContain(seeded.orderID);
    // No certificate yet, or another partner's.
    expect(ids).not.toContain(o.inProgress.orderID);
    expect(ids).not.toContain(o.otherPartner.orderID);
    const byId = new Map(list.map((c) => [c.id, c]));
    expect(byId.get(o.revoked.orderID)!.state).toBe('revoked');
    expect(byId.get(o.expired.orderID)!.state).toBe('expired');
    // Reissued 5 days ago: Certum revokes the old copy 14 days after, shown pending; the pair is linked.
    const old = byId.get(o.reissued.orderID)!;
    expect(old.state).toBe('pending-revocation');
    expect(old.replacedBy).toBe(o.newCopy.orderID);
    expect(byId.get(o.newCopy.orderID)!.replaces).toBe(o.reissued.orderID);
    // Products and their algorithms from getProductList: 932 takes ECC only.
    expect(byId.get(o.eccOnly.orderID)!.algorithms).toEqual(['ec-p256', 'ec-p384']);
    expect(byId.get(o.manual.orderID)!.product).toBe('Trusted MultiDomain SSL 4 domains 365 days');

    const text = (q: string) => cli(['list', '--json', '--query', q]).then((r) => json<Certificate[]>(r).map((c) => c.id));
    expect(await text('SHOP.assecodata')).toEqual([o.eccOnly.orderID]);
    // A serial typed as openssl prints it (colons, upper case; a leading zero byte when DER has one).
    const manualSerial = byId.get(o.manual.orderID)!.serialNumber;
    expect(manualSerial.replace(/^0+/, '')).toBe(o.manual.serialNumber!.toLowerCase().replace(/^0+/, ''));
    expect(await text(manualSerial.toUpperCase().replace(/(..)(?=.)/g, '$1:'))).toEqual([o.manual.orderID]);
    expect(await text(o.revoked.orderID)).toEqual([o.revoked.orderID]);
    expect(await text('Trusted SSL ECC')).toEqual([o.eccOnly.orderID]);
    // The double answers 5 orders a page: the list read every page of both operations.
    for (const op of ['getOrdersByDateRange', 'getModifiedOrders']) {
      expect(certum.requests.some((r) => r.operation === op && /<pageNumber>2<\/pageNumber>/.test(r.xml)), op).toBe(true);
    }
    const pending = json<{ id: string; daysLeft: number }[]>(await cli(['status', '--json']));
    expect(pending.map((p) => p.id)).toContain(o.reissued.orderID);
    expect(pending.find((p) => p.id === o.reissued.orderID)!.daysLeft).toBe(9);
  });

  test('show by order id and by serial; download verifies against the CA that signed it (openssl)', async () => {
    const o = certum.orders.manual;
    const before = certum.requests.length;
    const cert = json<Certificate>(await cli(['show', o.orderID, '--json']));
    // One order asked for by its id: not the partner's whole history.
    expect(certum.requests.slice(before).map((r) => r.operation).sort()).toEqual(['getOrderByOrderID', 'getProductList']);
    expect(cert).toMatchObject({ id: o.orderID, orderId: o.orderID, commonName: o.commonName, state: 'valid', domains: o.domains });
    expect(cert.serialNumber).toMatch(/^([0-9a-f]{2})+$/);
    expect(json<Certificate>(await cli(['show', o.serialNumber!, '--json'])).id).toBe(o.orderID);
    const text = await cli(['show', o.orderID]);
    expect(text.stdout).toContain(`CN: ${o.commonName}`);
    const file = join(box.dir, 'manual.pem');
    expect((await cli(['download', o.orderID, '--out', file])).code).toBe(0);
    expect(openssl(['verify', '-CAfile', caFile, file])).toContain(': OK');
    expect(openssl(['x509', '-in', file, '-noout', '-serial']).trim().toLowerCase()).toBe(`serial=${cert.serialNumber}`);

    // --chain: the CA bundle getCertificate gives follows the certificate.
    const chain = join(box.dir, 'manual-chain.pem');
    expect((await cli(['download', o.orderID, '--chain', '--out', chain])).code).toBe(0);
    const blocks = readFileSync(chain, 'utf8').match(/-----BEGIN CERTIFICATE-----/g) ?? [];
    expect(blocks.length).toBe(2);
    expect(readFileSync(chain, 'utf8').replace(/\s+/g, '')).toContain(certum.caPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));

    const unknown = await cli(['show', 'ORDER/999']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('Certum has no order or certificate "ORDER/999"');
  });
});

describe('reissue, polled until Certum enrols it', () => {
  test('a CSR file (openssl, RSA 2048): AWAITING → VERIFICATION → ENROLLED, the new copy certifies the CSR key, the old one pending revocation', async () => {
    const o = certum.orders.manual;
    const { csrPath } = opensslCsr(box.dir, 'manual-new', { key: 'rsa-2048', cn: o.commonName, sans: o.domains });
    // The check first: the same rules submit applies.
    expect((await cli(['csr', 'check', csrPath, '--for', o.orderID])).code).toBe(0);
    const { result, states, orderRef } = await submitAndPoll(['submit', o.orderID, '--csr', csrPath]);
    expect(states).toEqual(['AWAITING', 'VERIFICATION']);
    expect(result.certificate.id).toBe(orderRef);
    expect(result.certificate.replaces).toBe(o.orderID);
    expect(result.replaced).toMatchObject({ id: o.orderID, state: 'pending-revocation', replacedBy: orderRef });
    const days = (Date.parse(result.replaced.revocationDate!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const file = join(box.dir, 'manual-new.pem');
    expect((await cli(['download', orderRef, '--out', file])).code).toBe(0);
    expect(openssl(['verify', '-CAfile', caFile, file])).toContain(': OK');
    expect(publicKeyHex(file, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
    // Asking again, or submitting the same CSR again, returns the same copy and orders nothing new.
    expect(json<ReissueResult>(await cli(['resume', orderRef, '--json'])).certificate.serialNumber).toBe(result.certificate.serialNumber);
    const sent = certum.requests.filter((r) => r.operation === 'reissueCertificate').length;
    expect(json<ReissueResult>(await cli(['submit', o.orderID, '--csr', csrPath, '--json'])).certificate.id).toBe(orderRef);
    expect(certum.requests.filter((r) => r.operation === 'reissueCertificate').length).toBe(sent);
    // Another CSR for the replaced copy: refused here, naming the newest copy, before Certum is asked.
    const { csrPath: next } = opensslCsr(box.dir, 'manual-next', { key: 'rsa-2048', cn: o.commonName, sans: o.domains });
    const again = await cli(['submit', o.orderID, '--csr', next]);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain(`Reissue ${orderRef} instead.`);
    expect(certum.requests.filter((r) => r.operation === 'reissueCertificate').length).toBe(sent);
    // The text output of a pending answer says what Certum waits for and what to do.
    const pendingText = await cli(['submit', orderRef, '--csr', next]);
    expect(pendingText.code).toBe(0);
    expect(pendingText.stdout).toMatch(/reissue resume \S+/);
    expect(pendingText.stdout).toContain('(AWAITING)');
  });

  test('a key generated here (csr new --key-out, EC P-256, an ECC-only product): the new copy matches the private key file (0600)', async () => {
    const o = certum.orders.eccOnly;
    const keyOut = join(box.dir, 'shop.key');
    const csrOut = join(box.dir, 'shop.csr');
    // An RSA key is refused here, before anything is sent.
    const rsa = await cli(['csr', 'new', '--for', o.orderID, '--algorithm', 'rsa-2048', '--key-out', join(box.dir, 'x.key'), '--out', join(box.dir, 'x.csr')]);
    expect(rsa.code).toBe(3);
    expect((await cli(['csr', 'new', '--for', o.orderID, '--algorithm', 'ec-p256', '--key-out', keyOut, '--out', csrOut])).code).toBe(0);
    expect(statSync(keyOut).mode & 0o777).toBe(0o600);
    // submit --wait: asked again (getOrderState) until Certum enrols it, then the new copy.
    const asked = certum.requests.filter((r) => r.operation === 'getOrderState').length;
    const result = json<ReissueResult>(await cli(['submit', o.orderID, '--csr', csrOut, '--wait', '--json']));
    expect(certum.requests.filter((r) => r.operation === 'getOrderState').length - asked).toBe(3);
    expect(result.replaced.id).toBe(o.orderID);
    const file = join(box.dir, 'shop-new.pem');
    const pem = await cli(['download', result.certificate.id]);
    expect(pem.code).toBe(0);
    writeFileSync(file, pem.stdout);
    const fromKey = execFileSync('openssl', ['pkey', '-in', keyOut, '-pubout', '-outform', 'DER']).toString('hex');
    expect(publicKeyHex(file, 'x509')).toBe(fromKey);
    expect(openssl(['verify', '-CAfile', caFile, file])).toContain(': OK');
  });

  test('a key pair generated on the card (SoftHSM2): the CSR signed on the card, the new copy installed next to its key (pkcs11-tool)', async () => {
    const o = certum.orders.reissued;
    // The reissued order's old copy is replaced: its newest copy is the one to reissue.
    const id = certum.orders.newCopy.orderID;
    const { csrPath: forOld } = opensslCsr(box.dir, 'mail-old', { key: 'rsa-2048', cn: o.commonName, sans: o.domains });
    const refused = await cli(['submit', o.orderID, '--csr', forOld]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`Reissue ${id} instead.`);
    const csr = join(box.dir, 'card.csr');
    const gen = await cli(['card', 'keygen', '--for', id, '--algorithm', 'rsa-2048', '--token', 'card1', '--pin-stdin', '--csr-out', csr, '--json'], { input: `${PIN}\n` });
    const made = json<{ keyId: string }>(gen);
    expect(openssl(['req', '-in', csr, '-noout', '-verify'])).toBe('');
    const { result } = await submitAndPoll(['submit', id, '--csr', csr, '--key-source', 'card']);
    expect(result.certificate.keySource).toBe('card');
    expect(result.certificate.cardEvidence?.keyId).toBe(made.keyId);
    // Enrolled by a `resume` with no terminal and no --pin-stdin: the card is here but no PIN can be
    // asked, so the answer names the command that installs it.
    expect((result as ReissueResult & { install: unknown }).install).toMatchObject({ installed: false, command: `reissue card install ${result.certificate.id} --pin-stdin` });
    const install = await cli(['card', 'install', result.certificate.id, '--token', 'card1', '--pin-stdin', '--json'], { input: `${PIN}\n` });
    const installed = json<{ keyId: string; alreadyPresent: boolean }>(install);
    expect(installed.keyId).toBe(made.keyId);
    const objects = await hsm.pkcs11Tool(['--token-label', 'card1', '--login', '--pin', PIN, '--list-objects']);
    const certObject = objects.split(/\n(?=\S)/).find((b) => b.startsWith('Certificate Object'));
    expect(certObject).toBeDefined();
    expect(certObject).toContain(`ID:         ${made.keyId}`);
    const serial = openssl(['x509', '-inform', 'DER', '-noout', '-serial'], execFileSync('pkcs11-tool', ['--module', hsm.module, '--token-label', 'card1', '--read-object', '--type', 'cert', '--id', made.keyId], { env: hsm.env }));
    expect(serial.trim().toLowerCase()).toBe(`serial=${result.certificate.serialNumber}`);

    // In one step (card keygen --submit, EC P-256 this time): the key pair made, the CSR signed on the
    // card and sent; Certum's pending order is printed with the key, then resumed with the PIN on
    // stdin: once Certum enrols it, the new copy is installed next to its key by the resume itself.
    const one = json<{ pending: PendingReissue; key: { keyId: string } }>(
      await cli(['card', 'keygen', '--for', result.certificate.id, '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--submit', '--json'], { input: `${PIN}\n` }),
    );
    expect(one.pending.state).toBe('AWAITING');
    type Installed = ReissueResult & { install: { installed: boolean; keyId?: string; certificateUri?: string; reason?: string; command?: string } };
    let outcome: Outcome | Installed = { pending: one.pending };
    for (let i = 0; i < 5 && 'pending' in outcome; i++) outcome = json<Outcome>(await cli(['resume', one.pending.orderRef, '--pin-stdin', '--json'], { input: `${PIN}\n` }));
    if ('pending' in outcome) throw new Error('still pending');
    expect(outcome.replaced.id).toBe(result.certificate.id);
    expect((outcome as Installed).install).toMatchObject({ installed: true, keyId: one.key.keyId });
    const certObjects = async () => (await hsm.pkcs11Tool(['--token-label', 'card1', '--login', '--pin', PIN, '--list-objects'])).split(/\n(?=\S)/).filter((b) => b.startsWith('Certificate Object'));
    const after = await certObjects();
    expect(after).toHaveLength(2);
    expect(after.some((b) => b.includes(`ID:         ${one.key.keyId}`))).toBe(true);
    const onCard = openssl(['x509', '-inform', 'DER', '-noout', '-serial'], execFileSync('pkcs11-tool', ['--module', hsm.module, '--token-label', 'card1', '--read-object', '--type', 'cert', '--id', one.key.keyId], { env: hsm.env }));
    expect(onCard.trim().toLowerCase()).toBe(`serial=${outcome.certificate.serialNumber}`);

    // The card holding the key absent when Certum enrols (another SoftHSM2 store, with another card):
    // the new copy is there, said in words with the command that installs it; nothing is written anywhere.
    const other = await createSoftHsm();
    try {
      await other.initToken('other', PIN);
      const two = json<{ pending: PendingReissue; key: { keyId: string } }>(
        await cli(['card', 'keygen', '--for', outcome.certificate.id, '--algorithm', 'rsa-2048', '--token', 'card1', '--pin-stdin', '--submit', '--json'], { input: `${PIN}\n` }),
      );
      let absent: CliResult | undefined;
      for (let i = 0; i < 5; i++) {
        absent = await cli(['resume', two.pending.orderRef, '--pin-stdin'], { input: `${PIN}\n`, env: { SOFTHSM2_CONF: other.conf } });
        expect(absent.code, absent.stderr).toBe(0);
        if (!absent.stdout.includes('(VERIFICATION)') && !absent.stdout.includes('(AWAITING)')) break;
      }
      expect(absent!.stdout).toContain('New copy issued.');
      expect(absent!.stdout).toContain('The new copy is not on the card yet: No card present holds the key of this certificate.');
      const newId = (JSON.parse((await cli(['resume', two.pending.orderRef, '--json'], { env: { SOFTHSM2_CONF: other.conf } })).stdout) as Installed).certificate.id;
      expect(absent!.stdout).toContain(`Install it next to its key with: reissue card install ${newId}`);
      expect(await certObjects()).toHaveLength(2);
      // With the card back, the same resume installs it.
      const back = json<Installed>(await cli(['resume', two.pending.orderRef, '--pin-stdin', '--json'], { input: `${PIN}\n` }));
      expect(back.install).toMatchObject({ installed: true, keyId: two.key.keyId });
      expect(await certObjects()).toHaveLength(3);

      // All in one command: card keygen --submit --wait asks Certum until it enrols the order, then
      // installs the new copy next to the key with the PIN it was given.
      const all = json<Installed & { key: { keyId: string } }>(
        await cli(['card', 'keygen', '--for', back.certificate.id, '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--submit', '--wait', '--json'], { input: `${PIN}\n` }),
      );
      expect(all.replaced.id).toBe(back.certificate.id);
      expect(all.install).toMatchObject({ installed: true, keyId: all.key.keyId });
      const four = await certObjects();
      expect(four).toHaveLength(4);
      expect(four.some((b) => b.includes(`ID:         ${all.key.keyId}`))).toBe(true);
      const wrongUse = await cli(['card', 'keygen', '--for', all.certificate.id, '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--wait'], { input: `${PIN}\n` });
      expect(wrongUse.code).toBe(2);
      expect(wrongUse.stderr).toContain('--wait waits for the portal to issue what --submit sends.');
    } finally {
      await other.cleanup();
    }
  });

  test('a REJECTED order: a clear message with what to do, exit 5; the copy stays valid', async () => {
    certum.setBehaviour({ reissuePlan: ['AWAITING', 'VERIFICATION', 'REJECTED'] });
    try {
      const o = certum.orders.simplySign;
      // SimplySign products are not reissued through the API: Certum's errorCode 2122, named.
      const { csrPath: cs } = opensslCsr(box.dir, 'cs', { key: 'rsa-3072', cn: o.commonName, sans: [] });
      const refused = await cli(['submit', o.orderID, '--csr', cs]);
      expect(refused.code).toBe(5);
      expect(refused.stderr).toContain('does not reissue');
      expect(refused.stderr).toContain('2122');

      const list = json<Certificate[]>(await cli(['list', '--json', '--query', 'shop.assecodata.pl']));
      const newest = list.find((c) => !c.replacedBy && c.state === 'valid')!;
      const { csrPath } = opensslCsr(box.dir, 'rejected', { key: 'ec-p256', cn: newest.commonName, sans: newest.domains });
      const first = json<Outcome>(await cli(['submit', newest.id, '--csr', csrPath, '--json']));
      if (!('pending' in first)) throw new Error('issued at once');
      const states = [first.pending.state];
      let last: CliResult | undefined;
      for (let i = 0; i < 5; i++) {
        last = await cli(['resume', first.pending.orderRef, '--json']);
        if (last.code !== 0) break;
        states.push((JSON.parse(last.stdout) as { pending: PendingReissue }).pending.state);
      }
      expect(states).toEqual(['AWAITING', 'VERIFICATION']);
      expect(last?.code).toBe(5);
      expect(last?.stderr).toContain('Certum rejected the reissue order');
      expect(last?.stderr).toContain(`The copy ${newest.id} stays valid`);
      expect(json<Certificate>(await cli(['show', newest.id, '--json'])).state).toBe('valid');
    } finally {
      certum.setBehaviour({ reissuePlan: ['AWAITING', 'VERIFICATION', 'ENROLLED'] });
    }
  });
});

describe('failures named', () => {
  test('bad credentials: exit 5, which setting to check, the wrong password nowhere', async () => {
    const wrong = 'not-the-Password-42';
    const r = await cli(['list'], { env: { REISSUE_CERTUM_PASSWORD: wrong }, file: false });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Certum did not accept the partner user name and password.');
    expect(`${r.stdout}${r.stderr}`).not.toContain(wrong);
    // Polish too.
    const pl = await cli(['--lang', 'pl', 'list'], { env: { REISSUE_CERTUM_PASSWORD: wrong }, file: false });
    expect(pl.stderr).toContain('Certum nie przyjął nazwy użytkownika i hasła partnera.');
    // No user name: said before anything is sent.
    const before = certum.requests.length;
    const noUser = await cli(['list'], { env: { REISSUE_CERTUM_USER: '' } });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain('reissue config set certumUser NAME');
    // No password and no terminal to ask on: said, with the ways to give it, before anything is sent.
    const noPassword = await cli(['list'], { file: false });
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('No password for the Certum Partner API.');
    expect(noPassword.stderr).toContain('--certum-password-file F');
    expect(certum.requests.length).toBe(before);
  });

  test('a password in a certum:URL is refused without echoing it, before anything is sent', async () => {
    const before = certum.requests.length;
    const secretInUrl = 'url-Pa55word';
    const r = await runCli(['--portal', `certum:${certum.url.replace('http://', `http://partner1:${secretInUrl}@`)}`, 'list'], { env: env() });
    printed.push(r.stdout, r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http://***@127.0.0.1');
    expect(`${r.stdout}${r.stderr}`).not.toContain(secretInUrl);
    expect(certum.requests.length).toBe(before);
  });

  test('a password file others can read is refused, and so is a password in two places', async () => {
    const open = join(box.dir, 'open-password');
    writeFileSync(open, `${password}\n`, { mode: 0o644 });
    const r = await runCli(['--portal', portal(), '--certum-password-file', open, 'list'], { env: env() });
    printed.push(r.stdout, r.stderr);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`chmod 600 ${open}`);
    const both = await cli(['list'], { env: { REISSUE_CERTUM_PASSWORD: password } });
    expect(both.code).toBe(2);
    // From the environment alone it works.
    expect((await cli(['list'], { env: { REISSUE_CERTUM_PASSWORD: password }, file: false })).code).toBe(0);
  });

  test('a malformed answer is a portal error naming the operation and the field, not a crash', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ operations: ['getOrdersByDateRange'], drop: ['responseHeader.successCode'] }, "Certum's answer to getOrdersByDateRange is malformed: responseHeader/successCode"],
      [{ operations: ['getOrdersByDateRange'], set: { 'orders.Order.0.certificateDetails.X509Cert': 'garbage' } }, 'getOrdersByDateRange is malformed: orders/Order[0]/certificateDetails/X509Cert'],
      [{ operations: ['getOrdersByDateRange'], set: { 'orders.Order.0.orderStatus.orderStatus': 'DONE' } }, 'orders/Order[0]/orderStatus/orderStatus'],
      [{ operations: ['getProductList'], set: { 'products.product.0.code': '' } }, "Certum's answer to getProductList is malformed: products/product[0]/code"],
    ];
    for (const [corrupt, message] of cases) {
      certum.setBehaviour({ corrupt });
      try {
        const r = await cli(['list']);
        expect(r.code, r.stderr).toBe(5);
        expect(r.stderr).toContain(message);
        expect(r.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
      } finally {
        certum.setBehaviour({ corrupt: null });
      }
    }
  });

  test('the user name from `config set certumUser`; an order reference never sent from here is named', async () => {
    expect((await runCli(['config', 'set', 'certumUser', 'partner1'], { env: box.env })).code).toBe(0);
    const r = await cli(['list', '--json'], { env: { REISSUE_CERTUM_USER: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect((await runCli(['config', 'unset', 'certumUser'], { env: box.env })).code).toBe(0);
    const unknown = await cli(['resume', 'ORDER/404']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('No reissue with order ORDER/404 was sent to Certum from this data directory.');
  });

  test('a SOAP fault: exit 5 with the fault text', async () => {
    certum.setBehaviour({ fault: { faultstring: 'Service temporarily unavailable' } });
    try {
      const r = await cli(['show', certum.orders.manual.orderID]);
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('SOAP fault: Service temporarily unavailable');
    } finally {
      certum.setBehaviour({ fault: null });
    }
  });

  test('a slow service: the timeout is named', async () => {
    certum.setBehaviour({ delayMs: 3000 });
    try {
      const started = Date.now();
      const r = await cli(['list'], { env: { REISSUE_CERTUM_TIMEOUT: '1' } });
      expect(r.code).toBe(5);
      expect(r.stderr).toContain('Certum did not answer within 1 s');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      certum.setBehaviour({ delayMs: 0 });
    }
  });

  test('revoke by hex serial with a reason Certum knows; one it does not know is refused before sending', async () => {
    const o = certum.orders.simplySign;
    const before = certum.requests.length;
    const superseded = await cli(['revoke', o.orderID, '--reason', 'superseded', '--yes']);
    expect(superseded.code).toBe(2);
    expect(certum.requests.slice(before).map((r) => r.operation)).not.toContain('revokeCertificate');
    const revoked = json<Certificate>(await cli(['revoke', o.orderID, '--reason', 'keyCompromise', '--yes', '--json']));
    expect(revoked).toMatchObject({ id: o.orderID, state: 'revoked', revocationReason: 'keyCompromise' });
    const sent = certum.requests.filter((r) => r.operation === 'revokeCertificate').at(-1)!.xml;
    expect(sent).toMatch(new RegExp(`<serialNumber>${o.serialNumber}</serialNumber>`, 'i'));
    expect(sent).toContain('<revocationReason>KEYCOMPROMISE</revocationReason>');
    expect(certum.state.certificates.get(o.serialNumber!)!.status).not.toBe('VALID');
    const twice = await cli(['revoke', o.orderID, '--yes']);
    expect(twice.code).toBe(5);
  });
});

test('a value the library would not escape (a CDATA section) is refused before anything is sent', async () => {
  const before = certum.requests.length;
  const r = await cli(['show', '<![CDATA[x]]><orderOption/><![CDATA[y]]>']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('CDATA');
  expect(certum.requests.slice(before).some((q) => q.xml.includes('<orderOption/>'))).toBe(false);
});

test('an https endpoint: trusted through --ca-file; without it the certificate is refused, named, and the password not sent', async () => {
  const tls = await startCertumDouble({ tls: true });
  try {
    expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const ca = join(box.dir, 'tls-ca.pem');
    writeFileSync(ca, tls.caPem);
    const run = (extra: string[]) =>
      runCli(['--portal', `certum:${tls.url}`, '--certum-password-file', passwordFile, ...extra, 'list', '--json'], { env: env() }).then((r) => {
        printed.push(r.stdout, r.stderr);
        return r;
      });
    const trusted = await run(['--ca-file', ca]);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect((JSON.parse(trusted.stdout) as Certificate[]).map((c) => c.id)).toContain(tls.orders.manual.orderID);
    const asked = tls.requests.length;
    const untrusted = await run([]);
    expect(untrusted.code).toBe(5);
    expect(untrusted.stderr).toMatch(/Cannot reach Certum at https:\/\/127\.0\.0\.1:\d+\/service\/PartnerApi: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    expect(tls.requests.length).toBe(asked);
  } finally {
    await tls.stop();
  }
});

describe('the password stays secret', () => {
  test('not in the process list while a command runs (--certum-password-file)', async () => {
    certum.setBehaviour({ delayMs: 1500 });
    try {
      const child = spawn(process.execPath, [BIN, '--portal', portal(), '--certum-password-file', passwordFile, 'list'], { cwd: ROOT, env: cleanEnv(env()), stdio: 'ignore' });
      const seen: string[] = [];
      let done = false;
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      void exited.then(() => (done = true));
      const asked = certum.requests.length;
      while (!done) {
        try {
          const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'latin1');
          const ps = execFileSync('ps', ['-o', 'args=', '-p', String(child.pid)], { encoding: 'utf8' });
          if (certum.requests.length > asked) seen.push(`${cmdline}\n${ps}`);
        } catch {
          // exiting
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(seen.length).toBeGreaterThan(5);
      for (const s of seen) expect(s).not.toContain(password);
    } finally {
      certum.setBehaviour({ delayMs: 0 });
    }
  });

  test('not in the logs DEBUG turns on (soap logs each request under node-soap), nor in doctor', async () => {
    for (const debug of ['*', 'node-soap', 'node-soap,axios']) {
      const r = await cli(['list'], { env: { DEBUG: debug } });
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('Http request');
    }
    const doctor = await cli(['doctor'], { env: { REISSUE_CERTUM_PASSWORD: password }, file: false });
    expect(doctor.stdout).toMatch(/✓ Portal reachable: Certum Partner API at \S+ \(user partner1\) \(\d+ certificates visible\)/);
    // No API token is asked for: Certum's kinds sign in with the partner's password.
    expect(doctor.stdout).not.toContain('No API token');
  });

  test('in no output of this file, no file of the data directory or the config; it did travel to Certum, escaped', () => {
    for (const text of printed) expect(text).not.toContain(password);
    const files = (dir: string): string[] => {
      try {
        return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
      } catch {
        return [];
      }
    };
    const stored = [...files(box.dataDir), ...files(join(box.dir, 'config')), ...files(join(box.dir, 'xdg-state'))];
    expect(stored.some((f) => f.includes('certum'))).toBe(true);
    for (const f of stored) expect(readFileSync(f, 'latin1'), f).not.toContain(password);
    // The password has XML's special characters: the library escaped them in every request.
    const escaped = password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
    expect(password).not.toBe(escaped);
    expect(certum.requests.some((r) => r.xml.includes(escaped))).toBe(true);
    mkdirSync(join(box.dir, 'done'), { recursive: true });
  });
});

test('every request the client sent in this file is valid under the WSDL schema (xmllint, not the soap library)', () => {
  const operations = new Set(certum.requests.map((r) => r.operation));
  for (const op of ['getOrdersByDateRange', 'getModifiedOrders', 'getProductList', 'getOrderByOrderID', 'reissueCertificate', 'getOrderState', 'getCertificate', 'revokeCertificate']) {
    expect(operations, op).toContain(op);
  }
  expect(certum.requests.length).toBeGreaterThan(100);
  const invalid = certum.requests.map((r) => ({ op: r.operation, verdict: validateRequest(r.xml, r.operation) })).filter((v) => !v.verdict.valid);
  expect(invalid.map((v) => `${v.op}: ${v.verdict.errors}`)).toEqual([]);
});

