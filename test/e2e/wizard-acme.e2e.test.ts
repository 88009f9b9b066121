// The built wizard walks an ACME reissue in tmux at 80×24 against a real CA (Pebble, real http-01
// validation answered by reissue's own responder): a certificate obtained by certbot is imported,
// then reissued from the wizard with a CSR file, and with a key pair generated on a SoftHSM2 card
// (PIN masked) whose certificate is then installed on the card next to the key. Keys go to the
// terminal in one write per step, as a fast typist or a paste delivers them. openssl, pkcs11-tool
// and Pebble's management interface judge the result.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { certbotCertonly } from '../helpers/acme-clients.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { openssl, opensslCsr, opensslStatus, publicKeyHex } from '../helpers/openssl.js';
import { startPebble, type Pebble } from '../helpers/pebble.js';
import { formatDateTime, formatDateTimeSeconds } from '../../src/wizard/format.js';
import { SOFTHSM_MODULE, softHsmWithToken } from '../helpers/softhsm.js';
import { RAW, paneClass, tmuxOn } from '../helpers/tmux-pane.js';

const SOCKET = `reissue-wizacme-${process.pid}`;
const Pane = paneClass(SOCKET);
const PIN = '739146';

let pebble: Pebble;
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-wizard-acme-'));
  pebble = await startPebble();
});
afterAll(async () => {
  try {
    tmuxOn(SOCKET)('kill-server');
  } catch {
    // no server left
  }
  await pebble?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Copy {
  id: string;
  serialNumber?: string;
  commonName?: string;
  replaces?: string | null;
  notAfter?: string;
}

/** A data dir with an ACME account and a certbot certificate for `name` imported; the wizard's command line. */
async function prepared(name: string, env: Record<string, string> = {}) {
  const cleanBox = await cliSandbox();
  const box = { ...cleanBox, env: { ...cleanBox.env, ...env } };
  const globals = ['--portal', `acme:${pebble.directoryUrl}`, '--ca-file', pebble.caFile];
  const cli = async (args: string[]) => {
    const r = await runCli([...globals, ...args], { env: box.env, timeoutMs: 60_000 });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  await cli(['acme', 'account', '--email', 'wizard@reissue.test', '--agree-tos']);
  const got = await certbotCertonly(pebble, { domains: [name], dir: join(box.dir, 'certbot') });
  await cli(['acme', 'import', got.fullchainFile, '--key', got.keyFile]);
  const list = async () => JSON.parse(await cli(['list', '--json'])) as Copy[];
  const [old] = await list();
  expect(old).toBeDefined();
  return { box, cli, list, old: old!, wizardArgs: [...globals, '--http-address', `127.0.0.1:${pebble.httpPort}`] };
}

/** The result screen tells the expiry as it is: the same, or set by the CA with both dates. */
function expectHonestExpiry(screen: string, fresh: Copy, old: Copy): void {
  const flat = screen.replace(/\s+/g, ' ');
  if (Date.parse(fresh.notAfter!) === Date.parse(old.notAfter!)) {
    expect(flat).toContain('= same expiry date');
    return;
  }
  const fmt = formatDateTime(fresh.notAfter!) === formatDateTime(old.notAfter!) ? formatDateTimeSeconds : formatDateTime;
  expect(flat).toContain('≠ set by the CA');
  expect(flat).toContain(`The CA set the expiry: ${fmt(fresh.notAfter!)}; the old copy ends ${fmt(old.notAfter!)}.`);
}

async function chainFile(name: string): Promise<string> {
  const f = join(dir, `${name}-pebble-chain.pem`);
  writeFileSync(f, `${await pebble.roots()}\n${await pebble.intermediates()}`);
  return f;
}

describe('the built wizard reissues through ACME (Pebble) in tmux, 80×24', () => {
  test('CSR path: a CSR file → ✓ Correct → Next → a new copy from Pebble, the old one revoked in 14 days; openssl agrees', async () => {
    const name = 'csr.wiz.example.com';
    const p = await prepared(name);
    const work = await mkdtemp(join(dir, 'csr-'));
    const { csrPath } = opensslCsr(work, 'new', { key: 'ec-p256', cn: name, sans: [name] });
    const pane = Pane.start('csr', work, p.box.env, join(work, 'terminal.log'), undefined, undefined, p.wizardArgs);
    try {
      let s = await pane.waitFor('Certificates (1–1 of 1)');
      expect(s).toContain(`ACME CA 127.0.0.1:${new URL(pebble.directoryUrl).port}`);
      expect(s).toContain(name);
      pane.send(RAW.enter);
      s = await pane.waitFor('Domain list [1]: ' + name);
      expect(s).toContain(`Certificate serial number: ${p.old.serialNumber ?? ''}`);
      // The account's contact is all an ACME CA knows of the subscriber.
      expect(s).toContain("Subscriber's data: <wizard@reissue.test>");
      // To "Reissue certificate" and into it, in one write.
      pane.send(`${RAW.right}${RAW.right}${RAW.right}${RAW.enter}`);
      s = await pane.waitFor('Key pair generation method');
      pane.send(RAW.enter);
      await pane.waitFor('❯ Paste CSR');
      pane.send(`${RAW.down}${RAW.enter}`);
      await pane.waitFor('CSR file (PEM or DER):');
      pane.send(`${csrPath}${RAW.enter}`);
      s = await pane.waitFor('✓ Correct');
      expect(s).toContain(`Domains: ${name}`);
      expect(s).toContain('Key: EC P-256');
      pane.send(RAW.enter);
      s = await pane.waitFor(`✓ Reissued: a new copy of ${name} was issued`, 45_000);
      const result = s;
      expect(s).toMatch(/Revocation\s+—\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(14 days left\)/);
      expect(s).toMatch(/Key\s+from your CSR/);
      // The CA's steps were drawn by the wizard while it waited (the terminal stream has them).
      expect(pane.raw()).toContain(`${name}: http-01`);
      expect(pane.raw()).toContain('finalizing the order with the CSR');
      pane.send('q');
      await pane.waitFor('EXIT=0');

      // The new copy replaced the imported one; Pebble issued it for the CSR's key; openssl
      // verifies it against this Pebble's root and intermediate.
      const copies = await p.list();
      const fresh = copies.find((c) => c.replaces === p.old.id);
      expect(fresh, JSON.stringify(copies)).toBeDefined();
      expectHonestExpiry(result, fresh!, p.old);
      const pem = join(work, 'new.pem');
      await p.cli(['download', fresh!.id, '--out', pem]);
      const v = opensslStatus(['verify', '-CAfile', await chainFile('csr'), pem]);
      expect(v.output).toContain(`${pem}: OK`);
      expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
      expect(openssl(['x509', '-in', pem, '-noout', '-ext', 'subjectAltName'])).toContain(`DNS:${name}`);
      const serial = openssl(['x509', '-in', pem, '-noout', '-serial']).trim().replace(/^serial=/, '');
      expect(await pebble.certStatus(serial)).toEqual({ status: 'Valid' });
      // The old copy is not revoked at once: the 14-day rule runs on this side.
      const oldSerial = openssl(['x509', '-noout', '-serial'], readFileSync(join(p.box.dir, 'certbot', 'config', 'live', name, 'cert.pem'))).trim().replace(/^serial=/, '');
      expect(await pebble.certStatus(oldSerial)).toEqual({ status: 'Valid' });
    } finally {
      pane.kill();
      await p.box.cleanup();
    }
  }, 120_000);

  test('key generated here, acmeRevokeAfterDays 0: the wizard says the old copy was revoked at once, and Pebble agrees (superseded)', async () => {
    const name = 'gen.wiz.example.com';
    const p = await prepared(name, { REISSUE_ACME_REVOKE_AFTER_DAYS: '0' });
    const work = await mkdtemp(join(dir, 'gen-'));
    const pane = Pane.start('gen', work, p.box.env, join(work, 'terminal.log'), undefined, undefined, p.wizardArgs);
    try {
      await pane.waitFor('Certificates (1–1 of 1)');
      pane.send(RAW.enter);
      await pane.waitFor('Domain list [1]: ' + name);
      pane.send(`${RAW.right}${RAW.right}${RAW.right}${RAW.enter}`);
      await pane.waitFor('Key pair generation method');
      pane.send(RAW.enter);
      await pane.waitFor('❯ Paste CSR');
      pane.send(`${RAW.down}${RAW.down}${RAW.enter}`);
      let s = await pane.waitFor('Key algorithm and key length:');
      // The first algorithm offered is RSA 2048; EC P-256 is the fourth.
      pane.send(`${RAW.down}${RAW.down}${RAW.down}${RAW.enter}`);
      s = await pane.waitFor(`Save the new private key to: ${name}.key`);
      pane.send(RAW.enter);
      await pane.waitFor('Passphrase for the key');
      pane.send(RAW.enter);
      s = await pane.waitFor('✓ Correct');
      expect(s).toContain('Key: EC P-256');
      expect(s).toContain('Private key saved to');
      pane.send(RAW.enter);
      s = await pane.waitFor(`✓ Reissued: a new copy of ${name} was issued`, 45_000);
      // The long path puts the copies one under the other; the line may wrap.
      expect(s.replace(/\s+/g, ' ')).toContain(`saved to ${join(work, `${name}.key`)}`);
      expect(s).toMatch(/State: Revoked/);
      expect(s.replace(/[│\s]+/g, ' ')).toContain('The previous copy was revoked at once.');
      pane.send('q');
      await pane.waitFor('EXIT=0');

      const oldSerial = openssl(['x509', '-noout', '-serial'], readFileSync(join(p.box.dir, 'certbot', 'config', 'live', name, 'cert.pem'))).trim().replace(/^serial=/, '');
      const st = await pebble.certStatus(oldSerial);
      expect(st.status).toBe('Revoked');
      expect(st.reason).toBe(4);
      const fresh = (await p.list()).find((c) => c.replaces === p.old.id)!;
      const pem = join(work, 'fresh.pem');
      await p.cli(['download', fresh.id, '--out', pem]);
      expect(execFileSync('openssl', ['pkey', '-in', join(work, `${name}.key`), '-pubout', '-outform', 'DER']).toString('hex')).toBe(publicKeyHex(pem, 'x509'));
      expect(opensslStatus(['verify', '-CAfile', await chainFile('gen'), pem]).output).toContain(`${pem}: OK`);
    } finally {
      pane.kill();
      await p.box.cleanup();
    }
  }, 120_000);

  describe('card path on SoftHSM2', () => {
    const softhsm = softHsmWithToken('ACME card', PIN);

    test('key pair generated on the card, PIN masked, issued by Pebble, installed on the card next to the key', async () => {
      const name = 'card.wiz.example.com';
      const p = await prepared(name);
      const work = await mkdtemp(join(dir, 'card-'));
      const env = { ...p.box.env, SOFTHSM2_CONF: softhsm().conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE };
      const pane = Pane.start('card', work, env, join(work, 'terminal.log'), undefined, undefined, p.wizardArgs);
      try {
        await pane.waitFor('Certificates (1–1 of 1)');
        pane.send(RAW.enter);
        await pane.waitFor('Domain list [1]: ' + name);
        pane.send(`${RAW.right}${RAW.right}${RAW.right}${RAW.enter}`);
        await pane.waitFor('Key pair generation method');
        pane.send(`${RAW.down}${RAW.enter}`);
        await pane.waitFor('KEY ALGORITHM AND KEY LENGTH');
        // RSA 2048, RSA 3072, RSA 4096, EC P-256: three Downs and Enter, in one write.
        let s = await pane.waitFor('❯ RSA 2048');
        pane.send(`${RAW.down}${RAW.down}${RAW.down}${RAW.enter}`);
        s = await pane.waitFor('Enter uses this card.');
        expect(s).toContain('Key pair on card · EC P-256');
        expect(s).toContain('(ACME card)');
        expect(s).toContain('✓ Card can generate EC P-256');
        pane.send(RAW.enter);
        s = await pane.waitFor('Common profile PIN:');
        expect(s).toContain('New key pair generation');
        // The PIN and Enter in one write: the wizard splits them into keys itself.
        pane.send(`${PIN}${RAW.enter}`);
        s = await pane.waitFor(`✓ Reissued: a new copy of ${name} was issued`, 45_000);
        const result = s;
        expect(s).toMatch(/Key\s+on card [0-9a-f ]+/);
        expect(s).toContain('Install on card');

        // Install on card: the action after Download PEM and Download DER; the PIN again.
        pane.send(`${RAW.right}${RAW.right}${RAW.enter}`);
        s = await pane.waitFor('Enter uses this card.');
        pane.send(RAW.enter);
        s = await pane.waitFor('Certificate installation');
        expect(s).toContain(`Certificate:  ${name}`);
        await pane.waitFor('Common profile PIN:');
        pane.send(`${PIN}${RAW.enter}`);
        s = await pane.waitFor(/✓ Certificate installed on card [0-9a-f ]+\./, 30_000);
        pane.send('q');
        await pane.waitFor('EXIT=0');

        // Masked: the PIN is on no screen and nowhere in what the program wrote to the terminal.
        expect(pane.raw()).toContain('Common profile PIN:');
        expect(pane.screens.some((x) => x.includes(PIN))).toBe(false);
        expect(pane.raw()).not.toContain(PIN);

        // pkcs11-tool, from outside: one key pair and the certificate next to it (same CKA_ID).
        const objects = await softhsm().pkcs11Tool(['--token-label', 'ACME card', '--login', '--pin', PIN, '--list-objects']);
        expect(objects).toMatch(/Private Key Object; EC/);
        expect(objects).toMatch(/Certificate Object; type = X\.509 cert/);
        const ids = [...objects.matchAll(/^(Private Key|Certificate|Public Key) Object.*\n(?:\s+.*\n)*?\s+ID:\s+([0-9a-f]+)/gm)].map((m) => `${m[1]}=${m[2]}`);
        const keyId = ids.find((x) => x.startsWith('Private Key='))!.split('=')[1];
        expect(ids).toContain(`Certificate=${keyId}`);
        // The certificate on the card is the copy Pebble issued, for the card's public key.
        const onCard = join(work, 'on-card.der');
        await softhsm().pkcs11Tool(['--token-label', 'ACME card', '--read-object', '--type', 'cert', '--id', keyId!, '--output-file', onCard]);
        const onCardPem = join(work, 'on-card.pem');
        writeFileSync(onCardPem, execFileSync('openssl', ['x509', '-inform', 'DER', '-in', onCard]));
        const cardPub = join(work, 'card-pub.der');
        await softhsm().pkcs11Tool(['--token-label', 'ACME card', '--read-object', '--type', 'pubkey', '--id', keyId!, '--output-file', cardPub]);
        expect(execFileSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', cardPub, '-outform', 'DER']).toString('hex')).toBe(publicKeyHex(onCardPem, 'x509'));
        const v = opensslStatus(['verify', '-CAfile', await chainFile('card'), onCardPem]);
        expect(v.output).toContain(`${onCardPem}: OK`);
        const copies = await p.list();
        const fresh = copies.find((c) => c.replaces === p.old.id);
        expect(fresh).toBeDefined();
        expectHonestExpiry(result, fresh!, p.old);
        const downloaded = join(work, 'fresh.pem');
        await p.cli(['download', fresh!.id, '--out', downloaded]);
        expect(publicKeyHex(downloaded, 'x509')).toBe(publicKeyHex(onCardPem, 'x509'));
        const serial = openssl(['x509', '-in', onCardPem, '-noout', '-serial']).trim().replace(/^serial=/, '');
        expect(await pebble.certStatus(serial)).toEqual({ status: 'Valid' });
      } finally {
        pane.kill();
        await p.box.cleanup();
      }
    }, 150_000);
  });
});
