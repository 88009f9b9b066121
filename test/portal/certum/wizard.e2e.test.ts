// The wizard over Certum's Partner API (the double), built binary in tmux at 80×24: the partner's
// orders listed, one found with the filter, its details, a CSR pasted and checked, the reissue
// left pending by Certum and asked about again by the wizard (AWAITING → VERIFICATION, with what
// each state waits for) until ENROLLED, the new copy on the result screen and downloaded; openssl
// judges it, and the password never reaches the terminal.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCertumDouble, type CertumDouble } from '../../doubles/certum/double.js';
import { ROOT, cliSandbox } from '../../helpers/cli.js';
import { openssl, opensslCsr, publicKeyHex } from '../../helpers/openssl.js';
import { paneClass, tmuxOn } from '../../helpers/tmux-pane.js';
import { createSoftHsm } from '../../helpers/softhsm.js';

const SOCKET = `reissue-certum-${process.pid}`;
const tmux = tmuxOn(SOCKET);
const Pane = paneClass(SOCKET);

let certum: CertumDouble;
let dir = '';
beforeAll(async () => {
  certum = await startCertumDouble();
  dir = await mkdtemp(join(tmpdir(), 'reissue-certum-wizard-'));
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await certum?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('wizard at 80×24: filter → details → paste CSR → pending at Certum (AWAITING, VERIFICATION) → reissued → download', async () => {
  const box = await cliSandbox();
  const password = certum.users.find((u) => u.userName === 'partner1')!.password;
  const env = { ...box.env, REISSUE_PORTAL: `certum:${certum.url}`, REISSUE_CERTUM_USER: 'partner1', REISSUE_CERTUM_PASSWORD: password, REISSUE_CERTUM_POLL: '0.7' };
  const pane = Pane.start('certum', dir, env, join(dir, 'terminal.log'));
  const order = certum.orders.manual;
  try {
    let s = await pane.waitFor('Certificates (1–', 20_000);
    expect(s).toContain('Certum Partner API at');
    expect(s).toContain('mail.assecodata.pl');

    await pane.keys('/');
    await pane.type('ORDER/0000123456');
    await pane.keys('Enter');
    s = await pane.waitFor(/> assecodata\.pl\s+Valid/);
    await pane.keys('Enter');
    s = await pane.waitFor(`Certificate for order ${order.orderID}`);
    expect(s).toContain('Domain list [2]: assecodata.pl, www.assecodata.pl');
    const serialOld = /Certificate serial number: ([0-9a-f]+)/.exec(s)![1]!;

    // The actions row (no CA certificate, CRL or e-mails: Certum's kind lacks them) is drawn once the details are.
    await pane.waitFor('[Certificate preview]');
    expect(s).not.toContain('E-mails');
    for (let i = 0; i < 10 && !pane.screen().includes('[Reissue certificate]'); i++) {
      await pane.keys('Right');
      await new Promise((r) => setTimeout(r, 150));
    }
    await pane.waitFor('[Reissue certificate]');
    await pane.keys('Enter');
    await pane.waitFor('Key pair generation method');
    await pane.keys('Enter');
    await pane.waitFor('❯ Paste CSR');
    await pane.keys('Enter');
    await pane.waitFor('Paste the CSR here');
    const { csrPath } = opensslCsr(dir, 'new', { key: 'rsa-2048', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });
    await pane.paste(csrPath);
    s = await pane.waitFor('✓ Correct');
    expect(s).toContain('Subject: CN=assecodata.pl');

    await pane.keys('Enter');
    await pane.waitFor(/is pending at the portal[\s\S]*\(AWAITING\)/, 15_000);
    await pane.waitFor(/is pending at the portal[\s\S]*\(VERIFICATION\)/, 15_000);
    s = await pane.waitFor('✓ Reissued: a new copy of assecodata.pl was issued', 20_000);
    expect(s).not.toContain('is pending at the portal');
    const serialRow = /Serial number\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(s)!;
    expect(serialRow[2]).toBe(serialOld);
    const validTo = /Valid to\s+(\S+ \S+)\s+(\S+ \S+)/.exec(s)!;
    expect(validTo[1]).toBe(validTo[2]);
    expect(s).toMatch(/\(1[34] days left\)/);

    await pane.keys('Enter');
    await pane.waitFor('Save to: assecodata.pl.pem');
    await pane.keys('Enter');
    const pem = join(dir, 'assecodata.pl.pem');
    await pane.waitFor(`✓ Saved PEM to ${pem}`);
    expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
    const newSerial = openssl(['x509', '-in', pem, '-noout', '-serial']).trim().split('=')[1]!.toLowerCase();
    expect(newSerial.replace(/^0+/, '')).toBe(serialRow[1]!.replace(/^0+/, ''));
    // Certum's own record agrees: the new certificate belongs to a reissue order of this partner.
    const issued = certum.state.certificates.get([...certum.state.certificates.keys()].find((k) => k.toLowerCase().replace(/^0+/, '') === newSerial.replace(/^0+/, ''))!)!;
    expect(certum.state.orders.get(issued.orderID)!.reissue).toBe(true);

    await pane.keys('Escape');
    await pane.waitFor('Certificates (1–');
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    expect(pane.screens.every((x) => x.split('\n').length <= 24 && x.split('\n').every((l) => [...l].length <= 80))).toBe(true);
    expect(pane.raw()).not.toContain(password);
  } finally {
    pane.kill();
    await box.cleanup();
  }
}, 120_000);

test('no password set, a terminal: asked for with a masked prompt, each key shown as *, then the list', async () => {
  const box = await cliSandbox();
  const password = certum.users.find((u) => u.userName === 'partner1')!.password;
  // The launcher runs `reissue list` (Pane starts the binary without arguments).
  const launcher = join(dir, 'list.mjs');
  writeFileSync(launcher, `process.argv.push('list');\nawait import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cli.js')).href)});\n`);
  const env = { ...box.env, REISSUE_PORTAL: `certum:${certum.url}`, REISSUE_CERTUM_USER: 'partner1' };
  const pane = Pane.start('prompt', dir, env, join(dir, 'prompt.log'), { columns: 80, rows: 24 }, launcher);
  try {
    await pane.waitFor('Certum Partner API password for partner1:');
    await pane.type(password);
    const s = await pane.waitFor(`password for partner1: ${'*'.repeat([...password].length)}`);
    expect(s).not.toContain(password);
    await pane.keys('Enter');
    await pane.waitFor('assecodata.pl');
    await pane.waitFor('EXIT=0');
    expect(pane.raw()).not.toContain(password);
  } finally {
    pane.kill();
    await box.cleanup();
  }
}, 60_000);

test('a wrong password typed at the wizard\'s prompt: refused, dropped and asked for again (never retried); the right one opens the list', async () => {
  const box = await cliSandbox();
  const password = certum.users.find((u) => u.userName === 'partner1')!.password;
  const wrong = 'not-the-Password-7';
  const env = { ...box.env, REISSUE_PORTAL: `certum:${certum.url}`, REISSUE_CERTUM_USER: 'partner1' };
  const pane = Pane.start('retry', dir, env, join(dir, 'retry.log'));
  const withWrong = () => certum.requests.filter((r) => r.xml.includes(`<password>${wrong}</password>`)).length;
  try {
    await pane.waitFor('Certum Partner API password for partner1:', 20_000);
    await pane.type(wrong);
    // Masked here too (the wizard's first frame was up before the prompt): each key a *.
    await pane.waitFor(`password for partner1: ${'*'.repeat(wrong.length)}`);
    await pane.keys('Enter');
    let s = await pane.waitFor('Certum did not accept that password. Type it again', 20_000);
    // Asked again on a new line; the refused password went to Certum once and is not tried again.
    await pane.waitFor(/Type it again[^\n]*\n[\s\S]*password for partner1: *$/m);
    expect(withWrong()).toBe(1);
    await pane.type(password);
    await pane.keys('Enter');
    s = await pane.waitFor('Certificates (1–', 20_000);
    expect(s).toContain('mail.assecodata.pl');
    expect(s).not.toContain('did not accept');
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    expect(withWrong()).toBe(1);
    expect(pane.raw()).not.toContain(password);
    expect(pane.raw()).not.toContain(wrong);
  } finally {
    pane.kill();
    await box.cleanup();
  }
}, 90_000);

test('a key generated on the card (SoftHSM2), left pending by Certum: once ENROLLED the wizard goes on to the card holding the key, and the new copy is installed next to it (pkcs11-tool)', async () => {
  const box = await cliSandbox();
  const hsm = await createSoftHsm();
  const PIN = '4321';
  await hsm.initToken('partner card', PIN);
  const password = certum.users.find((u) => u.userName === 'partner1')!.password;
  const env = { ...box.env, REISSUE_PORTAL: `certum:${certum.url}`, REISSUE_CERTUM_USER: 'partner1', REISSUE_CERTUM_PASSWORD: password, REISSUE_CERTUM_POLL: '0.7', SOFTHSM2_CONF: hsm.conf, REISSUE_PKCS11_MODULE: hsm.module };
  const pane = Pane.start('card', dir, env, join(dir, 'card.log'));
  const order = certum.orders.eccOnly;
  try {
    await pane.waitFor('Certificates (1–', 20_000);
    await pane.keys('/');
    await pane.type(order.orderID);
    await pane.keys('Enter');
    await pane.waitFor(/> shop\.assecodata\.pl\s+Valid/);
    await pane.keys('Enter');
    await pane.waitFor('[Certificate preview]', 15_000);
    for (let i = 0; i < 10 && !pane.screen().includes('[Reissue certificate]'); i++) {
      await pane.keys('Right');
      await new Promise((r) => setTimeout(r, 150));
    }
    await pane.keys('Enter');
    await pane.waitFor('Key pair generation method');
    await pane.keys('Down');
    await pane.waitFor('❯ Generating key pair on card');
    await pane.keys('Enter');
    await pane.waitFor('EC P-256', 15_000);
    for (let i = 0; i < 5 && !pane.screen().includes('❯ EC P-256'); i++) await pane.keys('Down');
    await pane.keys('Enter');
    await pane.waitFor('Enter uses this card.', 15_000);
    await pane.keys('Enter');
    await pane.waitFor('Common profile PIN:');
    await pane.type(PIN);
    await pane.keys('Enter');
    await pane.waitFor(/is pending at the portal[\s\S]*\(AWAITING\)/, 30_000);
    // Enrolled: the install screen for the card holding the key, its PIN asked (no reader to pick).
    let s = await pane.waitFor('Certificate installation', 30_000);
    expect(s).toContain('Install on card · shop.assecodata.pl');
    expect(s).toContain('Common profile PIN:');
    await pane.type(PIN);
    await pane.keys('Enter');
    s = await pane.waitFor(/Certificate installed on card [0-9a-f ]+\./, 30_000);
    expect(s).toContain('✓ Reissued: a new copy of shop.assecodata.pl was issued');
    const serial = /Serial number\s+([0-9a-f]+)/.exec(s)![1]!;
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    expect(pane.screens.every((x) => x.split('\n').length <= 24 && x.split('\n').every((l) => [...l].length <= 80))).toBe(true);
    expect(pane.raw()).not.toContain(PIN);
    // pkcs11-tool: the certificate next to the key pair (same ID), and it is the new copy.
    const objects = (await hsm.pkcs11Tool(['--token-label', 'partner card', '--login', '--pin', PIN, '--list-objects'])).split(/\n(?=\S)/);
    const key = objects.find((b) => b.startsWith('Private Key Object'))!;
    const cert = objects.find((b) => b.startsWith('Certificate Object'));
    expect(cert).toBeDefined();
    const id = /ID:\s+([0-9a-f]+)/.exec(key)![1]!;
    expect(cert).toContain(`ID:         ${id}`);
    const der = execFileSync('pkcs11-tool', ['--module', hsm.module, '--token-label', 'partner card', '--read-object', '--type', 'cert', '--id', id], { env: hsm.env });
    expect(openssl(['x509', '-inform', 'DER', '-noout', '-serial'], der).trim().toLowerCase().replace(/^serial=0*/, '')).toBe(serial.replace(/^0+/, ''));
  } finally {
    pane.kill();
    await hsm.cleanup();
    await box.cleanup();
  }
}, 150_000);

test('three wrong passwords typed: the refusal stands (exit 5), each sent once, none on the terminal', async () => {
  const box = await cliSandbox();
  const launcher = join(dir, 'list-3.mjs');
  writeFileSync(launcher, `process.argv.push('list');\nawait import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cli.js')).href)});\n`);
  const env = { ...box.env, REISSUE_PORTAL: `certum:${certum.url}`, REISSUE_CERTUM_USER: 'partner1' };
  const pane = Pane.start('three', dir, env, join(dir, 'three.log'), { columns: 80, rows: 24 }, launcher);
  const wrongs = ['wrong-One-1', 'wrong-Two-2', 'wrong-Three-3'];
  try {
    for (const [i, wrong] of wrongs.entries()) {
      await pane.waitFor(new RegExp(`(password for partner1: *\\n?[\\s\\S]*){${i + 1}}`), 20_000);
      await pane.type(wrong);
      await pane.keys('Enter');
      if (i < 2) await pane.waitFor(new RegExp(`(Type it again[\\s\\S]*){${i + 1}}`), 20_000);
    }
    const s = await pane.waitFor('EXIT=5', 20_000);
    expect(s).toContain('Certum did not accept the partner user name and password.');
    for (const wrong of wrongs) {
      expect(certum.requests.filter((r) => r.xml.includes(`<password>${wrong}</password>`))).toHaveLength(1);
      expect(pane.raw()).not.toContain(wrong);
    }
  } finally {
    pane.kill();
    await box.cleanup();
  }
}, 90_000);
