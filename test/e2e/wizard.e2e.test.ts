// The built binary in a real pseudo-terminal: tmux at 80×24, keys sent with send-keys, the screen
// read with capture-pane, the raw terminal stream logged with pipe-pane (to prove the PIN never
// reached the terminal). The CSR path pastes an openssl CSR with bracketed paste; the card path
// generates the key pair on a SoftHSM2 token. Artifacts are checked with openssl and the CLI.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { openssl, opensslCsr, publicKeyHex } from '../helpers/openssl.js';
import { SOFTHSM_MODULE, softHsmWithToken } from '../helpers/softhsm.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('e2e');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the built wizard in tmux (80×24)', () => {
  test('CSR path: paste an openssl CSR → ✓ Correct → Next → result → download; openssl agrees', async () => {
    const { pane, box, work, done } = await suite.wizard('csr');
    try {
      let s = await pane.waitFor('Certificates (1–');
      expect(s).toContain('reissue · SANDBOX portal');
      expect(s).toMatch(/> assecodata\.pl\s+Valid/);
      expect(s).toMatch(/revoked in \d+ d/);
      expect(s.split('\n').length).toBeLessThanOrEqual(24);

      await pane.keys('Enter');
      s = await pane.waitFor('Certificate for order ORDER/0000123456/po');
      expect(s).toContain('Domain list [2]: assecodata.pl, www.assecodata.pl');
      expect(s).toContain("Organization's data: Asseco Data Systems S.A.");
      const serialOld = /Certificate serial number: ([0-9a-f]+)/.exec(s)![1]!;

      await pane.keys('Right', 'Right', 'Right');
      await pane.waitFor('[Reissue certificate]');
      await pane.keys('Enter');
      s = await pane.waitFor('Key pair generation method');
      expect(s).toContain('[1 Choose generation method] → 2 Key generation');
      expect(s).toContain('Issuing a reissue certificate will automatically revoke the previous');

      await pane.keys('Enter');
      await pane.waitFor('❯ Paste CSR');
      await pane.keys('Enter');
      await pane.waitFor('Paste the CSR here');
      // The wizard asked the terminal for bracketed paste.
      expect(pane.raw()).toContain('\u001B[?2004h');

      const { csrPath } = opensslCsr(work, 'new', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });
      await pane.paste(csrPath);
      s = await pane.waitFor('✓ Correct');
      expect(s).toContain('Subject: CN=assecodata.pl');
      expect(s).toContain('Key: EC P-256');

      await pane.keys('Enter');
      s = await pane.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
      expect(s).toContain('= same expiry date');
      const serialRow = /Serial number\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(s)!;
      expect(serialRow[2]).toBe(serialOld);
      const validTo = /Valid to\s+(\S+ \S+)\s+(\S+ \S+)/.exec(s)!;
      expect(validTo[1]).toBe(validTo[2]);
      expect(s).toMatch(/Revocation\s+—\s+\S+ \S+ \(14 days left\)/);
      expect(s).toMatch(/^⚠ assecodata\.pl — will be revoked on .* \(14 days left\)$/m);

      // Download the new copy (PEM) to the default path in the working folder.
      await pane.keys('Enter');
      await pane.waitFor('Save to: assecodata.pl.pem');
      await pane.keys('Enter');
      // The notice names the file by its absolute path.
      const pem = join(work, 'assecodata.pl.pem');
      await pane.waitFor(`✓ Saved PEM to ${pem}`);
      expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
      const newSerial = openssl(['x509', '-in', pem, '-noout', '-serial']).trim().split('=')[1]!.toLowerCase();
      expect(newSerial.replace(/^0+/, '')).toBe(serialRow[1]!.replace(/^0+/, ''));

      // Back to the list; quit with q.
      await pane.keys('Escape');
      s = await pane.waitFor(/assecodata\.pl\s+Valid .* revoked in 14 d/);
      await pane.keys('q');
      await pane.waitFor('EXIT=0');

      // The CLI on the same data dir agrees: same notAfter, old copy pending revocation.
      const show = await runCli(['show', serialOld, '--json'], { env: box.env });
      const old = JSON.parse(show.stdout) as { notAfter: string; state: string; replacedBy: string };
      expect(old.state).toBe('pending-revocation');
      const fresh = JSON.parse((await runCli(['show', old.replacedBy, '--json'], { env: box.env })).stdout) as { notAfter: string; serialNumber: string };
      expect(fresh.notAfter).toBe(old.notAfter);
      expect(new Date(openssl(['x509', '-in', pem, '-noout', '-enddate']).trim().split('=')[1]!).toISOString()).toBe(new Date(old.notAfter).toISOString());
      expect(pane.screens.every((x) => x.split('\n').every((l) => [...l].length <= 80))).toBe(true);
    } finally {
      await done();
    }
  }, 60_000);

  test('with CI=true in an interactive terminal (a CI job shell) the wizard still draws every frame', async () => {
    const { pane, done } = await suite.wizard('ci', { env: { CI: 'true' } });
    try {
      await pane.waitFor('Certificates (1–');
      await pane.keys('Enter');
      await pane.waitFor('Certificate for order');
      await pane.keys('q');
      await pane.waitFor('EXIT=0');
    } finally {
      await done();
    }
  });

  test('CSR path: a weak CSR from a file lists its problems and cannot be submitted', async () => {
    const { pane, box, work, done } = await suite.wizard('bad');
    try {
      await pane.waitFor('Certificates (1–');
      await pane.keys('Enter');
      await pane.waitFor('Certificate for order ORDER/0000123456/po');
      await pane.keys('Right', 'Right', 'Right', 'Enter');
      await pane.waitFor('Key pair generation method');
      await pane.keys('Enter');
      await pane.waitFor('❯ Paste CSR');
      await pane.keys('Down', 'Enter');
      await pane.waitFor('CSR file (PEM or DER):');
      const { csrPath } = opensslCsr(work, 'weak', { key: 'rsa-1024', cn: 'evil.example', sans: ['evil.example'] });
      await pane.type(csrPath);
      await pane.keys('Enter');
      const s = await pane.waitFor('✗ The CSR cannot be used:');
      expect(s).toMatch(/• .*1024/);
      expect(s).toMatch(/• .*evil\.example/);
      await pane.keys('Enter');
      await sleep(300);
      expect(pane.screen()).not.toContain('✓ Reissued');
      await pane.keys('Escape');
      await pane.waitFor('❯ Load CSR from a file');
      const list = JSON.parse((await runCli(['list', '--json'], { env: box.env })).stdout) as unknown[];
      expect(list).toHaveLength(7);
    } finally {
      await done();
    }
  }, 60_000);
});

describe('the built wizard in tmux, card path on SoftHSM2', () => {
  const PIN = '739146';
  const softhsm = softHsmWithToken('Certum common', PIN);

  test('reader checklist, masked PIN, progress, result — the PIN never reaches the terminal', async () => {
    const { pane, box, done } = await suite.wizard('card', { env: { SOFTHSM2_CONF: softhsm().conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE } });
    try {
      await pane.waitFor('Certificates (1–');
      await pane.keys('/');
      await pane.type('Code Signing on a card');
      await pane.waitFor('(1–1 of 1)');
      await pane.keys('Enter', 'Enter');
      let s = await pane.waitFor('Product category: Code Signing');
      expect(s).toContain('Key pair generation: on card');
      await pane.keys('Right', 'Right', 'Right', 'Enter');
      s = await pane.waitFor('Key pair generation method');
      expect(s).toContain('❯ Generating key pair on card');
      await pane.keys('Enter');
      s = await pane.waitFor('KEY ALGORITHM AND KEY LENGTH');
      s = await pane.waitFor('EC P-256');
      for (let i = 0; i < 5 && !pane.screen().includes('❯ EC P-256'); i++) await pane.keys('Down');
      await pane.waitFor('❯ EC P-256');
      await pane.keys('Enter');
      s = await pane.waitFor('Enter uses this card.');
      expect(s).toMatch(/❯ .* · card [0-9a-f ]+ \(Certum common\)/);
      expect(s).toContain('✓ Card inserted');
      expect(s).toContain('✓ User PIN set (common profile initialized)');
      expect(s).toContain('✓ Card can generate EC P-256');
      await pane.keys('Enter');
      s = await pane.waitFor('Common profile PIN:');
      expect(s).toContain('New key pair generation');
      expect(s).toMatch(/Card number: {2}[0-9a-f]{4} [0-9a-f]{4}/);
      expect(s).toContain('Algorithm:    EC');
      expect(s).toContain('Do not remove the card from the reader during the operation');
      await pane.type(PIN);
      s = await pane.waitFor('Common profile PIN: ******');
      await pane.keys('Enter');
      s = await pane.waitFor('✓ Reissued: a new copy of Asseco Data Systems S.A. was issued', 30_000);
      expect(s).toContain('= same expiry date');
      expect(s).toMatch(/Key\s+on card [0-9a-f ]+/);
      await pane.keys('q');
      await pane.waitFor('EXIT=0');

      // The PIN is in no screen and nowhere in what the program wrote to the terminal (which the
      // log did capture: the masked field is in it).
      expect(pane.raw()).toContain('Common profile PIN:');
      expect(pane.raw()).toContain('******');
      expect(pane.screens.some((x) => x.includes(PIN))).toBe(false);
      expect(pane.raw()).not.toContain(PIN);
      // The key pair is on the token, and the portal issued the copy for it.
      const objects = await softhsm().pkcs11Tool(['--token-label', 'Certum common', '--login', '--pin', PIN, '--list-objects']);
      expect(objects).toMatch(/Private Key Object; EC/);
      const pending = JSON.parse((await runCli(['status', '--json'], { env: box.env })).stdout) as { productCategory: string }[];
      expect(pending.some((c) => c.productCategory === 'Code Signing')).toBe(true);
    } finally {
      await done();
    }
  }, 90_000);
});

describe('the built wizard in tmux, key stored in the cloud', () => {
  test('step 1 shows the manual\'s sentence and the algorithms; the portal generates the key; details show the key and the e-mail', async () => {
    const { pane, box, work, done } = await suite.wizard('cloud', { env: (work) => ({ HOME: join(work, 'home') }) });
    try {
      await pane.waitFor('Certificates (1–');
      await pane.keys('/');
      await pane.type('in the cloud');
      await pane.waitFor('(1–1 of 1)');
      await pane.keys('Enter', 'Enter');
      let s = await pane.waitFor('Product category: Code Signing');
      expect(s).toContain('Key pair generation: in the cloud · RSA 3072, EC P-256');
      await pane.keys('Right', 'Right', 'Right', 'Enter');
      s = await pane.waitFor('Key pair generation method');
      expect(s).toContain('Key pair for certificates stored in the cloud will be generated automatically.');
      expect(s).toContain('❯ Key pair stored in the cloud');
      expect(s.split('\n').length).toBeLessThanOrEqual(24);
      await pane.keys('Enter');
      s = await pane.waitFor('KEY ALGORITHM AND KEY LENGTH');
      expect(s).toMatch(/❯ RSA 3072\n\s+EC P-256/);
      // Down and Enter in one write, as a fast typist's keys arrive.
      suite.tmux('send-keys', '-t', pane.name, 'Down', 'Enter');
      // Nothing is issued before the user has read what will happen and said yes.
      s = await pane.waitFor('Reissue the certificate now? (y/n)');
      expect(s).toContain('Product: Code Signing in the cloud 365 days');
      expect(s).toContain('Key algorithm and length: EC P-256');
      const flat = s.replace(/\s+/g, ' ');
      expect(flat).toContain('The portal generates the key pair in its key store; the private key never leaves it.');
      expect(flat).toContain('is revoked automatically 14 days after the new copy is issued.');
      expect(JSON.parse((await runCli(['list', '--json', '--query', 'in the cloud'], { env: box.env })).stdout)).toHaveLength(1);
      await pane.keys('y');
      s = await pane.waitFor('✓ Reissued: a new copy of Asseco Data Systems S.A. (cloud) was issued', 30_000);
      expect(s).toContain('= same expiry date');
      expect(s).toMatch(/Key\s+generated in the cloud key store/);
      expect(s.split('\n').length).toBeLessThanOrEqual(24);

      // Back to the list: the new copy is the first of the two; its details name the key and the e-mail.
      await pane.keys('Escape');
      s = await pane.waitFor('Certificates (1–2 of 2)'); // the filter is kept
      expect(s).toMatch(/> Asseco Data Systems S… Valid .*\n {2}Asseco Data Systems S… Valid .* revoked in 14 d/);
      await pane.keys('Enter');
      s = await pane.waitFor('E-mails sent: certificate issued');
      expect(s).toContain('Key: generated in the cloud key store (SANDBOX store, not for production)');
      expect(s).toMatch(/E-mails sent: certificate issued \d{4}-\d\d-\d\d \d\d:\d\d ✓/);
      expect(s.split('\n').length).toBeLessThanOrEqual(24);
      await pane.keys('q');
      await pane.waitFor('EXIT=0');

      const certs = JSON.parse((await runCli(['list', '--json', '--query', 'in the cloud'], { env: box.env })).stdout) as {
        id: string; notAfter: string; replaces: string | null; keySource: string; cloudKey: { keyId: string; store: string } | null;
      }[];
      const [fresh, old] = [certs.find((c) => c.replaces)!, certs.find((c) => !c.replaces)!];
      expect(fresh.notAfter).toBe(old.notAfter);
      expect(fresh).toMatchObject({ keySource: 'cloud', cloudKey: { store: 'sandbox' } });
      expect(fresh.cloudKey!.keyId).toMatch(/^[0-9a-f]{40}$/);
      // The EC P-256 key is in the portal's store only, not in the user's folders.
      const keyFile = join(box.dataDir, 'cloud-keys', `${fresh.cloudKey!.keyId}.key.pem`);
      expect(openssl(['pkey', '-in', keyFile, '-noout', '-text'])).toContain('NIST CURVE: P-256');
      const found = spawnSync('grep', ['-rl', 'PRIVATE KEY', work], { encoding: 'utf8' });
      expect(found.stdout).toBe('');
      expect(found.status).toBe(1); // grep: nothing found
    } finally {
      await done();
    }
  }, 90_000);
});
