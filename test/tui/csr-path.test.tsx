import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { portalError } from '../../src/domain/errors.js';
import { formatDateTime } from '../../src/wizard/format.js';
import { fits } from '../helpers/ink.js';
import { csrFor, FakePortal, fakeServices, type FakeServices } from './fakes.js';
import { endSessions, openReissueStep1, pasteCsrAtStep1, startWizard, type Session } from './harness.js';

let session: Session | null = null;
afterEach(endSessions);

let goodCsr = '';
let badCsr = '';
beforeAll(async () => {
  goodCsr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
  badCsr = await csrFor('evil.example', ['evil.example', 'assecodata.pl']);
});

/** List → details of the manual's example → Reissue certificate → step 1. */
async function toStep1(services: FakeServices) {
  session = await startWizard(services);
  return openReissueStep1(session, 0, 'ORDER/0000123456/po');
}

async function toCsrChoice(services: FakeServices) {
  const t = await toStep1(services);
  await t.press('enter');
  await t.waitFor('❯ Paste CSR');
  return t;
}

/** CSR choice → Generate a new key and CSR here → the algorithm `algorithmDowns` below the first → default key path → passphrase. */
async function toPassphrase(services: FakeServices, algorithmDowns: number) {
  const t = await toCsrChoice(services);
  await t.press('down');
  await t.press('down');
  await t.press('enter');
  await t.waitFor('Key algorithm and key length:');
  for (let i = 0; i < algorithmDowns; i++) await t.press('down');
  await t.press('enter');
  await t.waitFor('Save the new private key to: assecodata.pl.key');
  await t.press('enter');
  await t.waitFor('Passphrase for the key');
  return t;
}

describe('Reissue with a CSR', () => {
  test('step 1: step indicator, the product methods and the info box; fits 80×24', async () => {
    const t = await toStep1(fakeServices());
    const f = t.lastFrame();
    expect(f).toContain('Reissue certificate · assecodata.pl');
    expect(f).toContain('[1 Choose generation method] → 2 Key generation');
    expect(f).toContain('❯ CSR');
    expect(f).not.toContain('Generating key pair on card');
    for (const reason of ['the private key for the certificate was lost,', 'other key algorithm or length is needed,', 'error appears during installation or certificate and private key mismatch,', 'web server/hosting provider was changed.']) {
      expect(f).toContain(`- ${reason}`);
    }
    expect(f).toContain('Issuing a reissue certificate will automatically revoke the previous\n│ certificate after 14 days.');
    expect(f).toContain('Enter Next · Esc Cancel');
    // The manual's intro above the methods and its CSR-versus-card note below them.
    expect(f).toMatch(/\[1 Choose generation method\] → 2 Key generation\nChoose one of the key generation methods available below\./);
    expect(f).toMatch(/❯ CSR\nThe CSR method will allow you to obtain a certificate with a key/);
    expect(f.replace(/\s+/g, ' ')).toContain('Remember to save a private key generated with your CSR.');
    expect(fits(f)).toBe(true);
    await t.press('escape');
    await t.waitFor('[Reissue certificate]');
  });

  test('a menu typed ahead in one chunk (slow SSH link): ↓ ↓ Enter chooses the third item', async () => {
    const t = await toCsrChoice(fakeServices());
    await t.write('\u001b[B\u001b[B\r');
    const f = await t.waitFor('Key algorithm and key length:');
    expect(f).not.toContain('CSR file');
    expect(f).not.toContain('Paste the CSR here');
    // Back on the menu, ↑ Enter in one chunk: the item above the generator (load from a file).
    await t.press('escape');
    await t.waitFor('❯ Generate a new key and CSR here');
    await t.write('\u001b[A\r');
    await t.waitFor('CSR file (PEM or DER):');
  });

  test('below 70 columns the result shows the previous copy under the new one, nothing cut', async () => {
    const services = fakeServices();
    session = await startWizard(services, { columns: 60, rows: 20 });
    const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
    await pasteCsrAtStep1(t, goodCsr);
    await t.press('enter');
    const f = await t.waitFor('[Download PEM]');
    const [fresh, old] = [services.portal.certificates.at(-1)!, services.portal.certificates[0]!];
    const lines = f.split('\n');
    const newAt = lines.findIndex((l) => l === 'New copy');
    const oldAt = lines.findIndex((l) => l === 'Previous copy');
    expect(newAt).toBeGreaterThan(0);
    expect(oldAt).toBeGreaterThan(newAt);
    expect(lines.slice(newAt, oldAt).join('\n')).toContain(`Serial number: ${fresh.serialNumber}`);
    expect(lines.slice(oldAt).join('\n')).toContain(`Serial number: ${old.serialNumber}`);
    expect(f).toContain(`Revocation: ${formatDateTime(old.revocationDate!)} (14 days left)`);
    expect(f).toContain('State: Valid, revoked in 14 d');
    expect(f).toMatch(/Valid to: \S+ \S+ \(= same expiry date\)/);
    expect(lines.slice(2).join('\n')).not.toContain('…'); // below the header
    expect(fits(f, 60, 20)).toBe(true);
  });

  test('bracketed paste of a PEM → ✓ Correct → Next → the new copy beside the old', async () => {
    const services = fakeServices({ workDir: '/srv' });
    const t = await toCsrChoice(services);
    let f = t.lastFrame();
    expect(f).toContain('✓ Choose generation method → [2 Key generation]');
    await t.press('enter');
    await t.waitFor('Paste the CSR here');
    expect(session!.stdout().includes('\u001B[?2004h')).toBe(true);
    await t.write(`\u001B[200~${goodCsr.replace(/\n/g, '\r')}\u001B[201~`);
    f = await t.waitFor('✓ Correct');
    expect(f).toContain('Subject: CN=assecodata.pl');
    expect(f).toContain('Domains: assecodata.pl, www.assecodata.pl');
    expect(f).toContain('Key: EC P-256');
    expect(f).toContain('Enter Next');
    expect(session!.stdout().includes('\u001B[?2004l')).toBe(true);
    expect(services.portal.reissueCalls).toHaveLength(0);
    await t.press('enter');
    f = await t.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
    const [fresh, old] = [services.portal.certificates.at(-1)!, services.portal.certificates[0]!];
    expect(f).toMatch(new RegExp(`Serial number\\s+${fresh.serialNumber}\\s+${old.serialNumber}`));
    expect(f).toMatch(new RegExp(`Valid to\\s+${formatDateTime(fresh.notAfter)}\\s+${formatDateTime(old.notAfter)}`));
    expect(f).toContain('= same expiry date');
    expect(f).toMatch(/State\s+Valid\s+Valid, revoked in 14 d/);
    expect(f).toMatch(new RegExp(`Revocation\\s+—\\s+${formatDateTime(old.revocationDate!)} \\(14 days left\\)`));
    expect(f).toContain('Key            from your CSR');
    expect(f).toContain('[Download PEM]');
    // The header now names the old copy's pending revocation.
    expect(f.split('\n')[1]).toMatch(/^⚠ assecodata\.pl — will be revoked on .* \(14 days left\)$/);
    expect(fits(f)).toBe(true);
    expect(services.portal.reissueCalls.map((c) => c.keySource)).toEqual(['csr']);
    // Download from the result, then back to the list where the badge appears.
    await t.press('enter');
    await t.waitFor('Save to: assecodata.pl.pem');
    await t.press('enter');
    await t.waitFor('✓ Saved PEM to /srv/assecodata.pl.pem');
    await t.press('escape');
    f = await t.waitFor('(1–7 of 7)');
    expect(f).toMatch(/> assecodata\.pl\s+Valid .* revoked in 14 d/);
  });

  test('plain multi-line input (no bracketed paste) ends at the END line', async () => {
    const t = await toCsrChoice(fakeServices());
    await t.press('enter');
    await t.waitFor('Paste the CSR here');
    const lines = goodCsr.trimEnd().split('\n');
    for (const [i, line] of lines.entries()) {
      await t.write(line);
      if (i < lines.length - 1) await t.press('enter');
    }
    await t.waitFor('✓ Correct', 30000);
  });

  test('a bad CSR lists each problem and cannot be submitted; Esc goes back', async () => {
    const services = fakeServices();
    const t = await toCsrChoice(services);
    await t.press('enter');
    await t.waitFor('Paste the CSR here');
    await t.write(`\u001B[200~${badCsr}\u001B[201~`);
    const f = await t.waitFor('✗ The CSR cannot be used:');
    expect(f).toMatch(/• .*evil\.example/);
    expect(f).not.toContain('✓ Correct');
    await t.press('enter');
    expect(services.portal.reissueCalls).toHaveLength(0);
    await t.press('escape');
    await t.waitFor('❯ Paste CSR');
  });

  test('a truncated paste is reported, not submitted', async () => {
    const t = await toCsrChoice(fakeServices());
    await t.press('enter');
    await t.waitFor('Paste the CSR here');
    await t.write(`\u001B[200~${goodCsr.slice(0, 200)}\u001B[201~`);
    await t.waitFor('✗ The CSR cannot be used:');
  });

  test('CSR from a file path', async () => {
    const t = await toCsrChoice(fakeServices({ files: { '/srv/req.pem': goodCsr } }));
    await t.press('down');
    await t.press('enter');
    await t.waitFor('CSR file (PEM or DER):');
    await t.type('/srv/nope.pem');
    await t.press('enter');
    let f = await t.waitFor('Input error');
    expect(f).toContain('Cannot read /srv/nope.pem');
    await t.press('escape');
    await t.waitFor('❯ Load CSR from a file');
    await t.press('enter');
    await t.type('/srv/req.pem');
    await t.press('enter');
    f = await t.waitFor('✓ Correct');
  });

  test('generate here: algorithm, key path, masked passphrase that never appears on screen', async () => {
    const services = fakeServices();
    const t = await toPassphrase(services, 3);
    await t.type('Tr0ub4dor');
    let f = await t.waitFor('*********');
    await t.press('enter');
    // Typed twice, as key generators ask: a mistyped passphrase would lock the key for good.
    await t.waitFor('Type the passphrase again:');
    await t.type('Tr0ub4dr');
    await t.press('enter');
    f = await t.waitFor('✗ The two passphrases did not match.');
    expect(services.generated).toEqual([]);
    expect(f).toContain('Passphrase for the key');
    await t.type('Tr0ub4dor');
    await t.press('enter');
    await t.waitFor('Type the passphrase again:');
    await t.type('Tr0ub4dor');
    await t.press('enter');
    f = await t.waitFor('✓ Correct');
    expect(f).toContain('Private key saved to assecodata.pl.key');
    expect(services.generated).toEqual([{ keyPath: 'assecodata.pl.key', algorithm: 'ec-p256', passphrase: 'Tr0ub4dor' }]);
    expect(session!.everything()).not.toContain('Tr0ub4dor');
    expect(session!.everything()).not.toMatch(/Tr0ub|ub4d|4dor|4dr/);
    await t.press('enter');
    f = await t.waitFor('✓ Reissued');
    expect(f).toContain('saved to assecodata.pl.key');
  });

  test('generate here: Enter for no passphrase asks nothing more; Esc from the repeat forgets the first', async () => {
    const services = fakeServices();
    const t = await toPassphrase(services, 0);
    await t.type('first');
    await t.press('enter');
    await t.waitFor('Type the passphrase again:');
    await t.press('escape');
    await t.waitFor('Passphrase for the key');
    await t.press('enter');
    await t.waitFor('✓ Correct');
    expect(services.generated).toEqual([{ keyPath: 'assecodata.pl.key', algorithm: 'rsa-2048' }]);
  });

  test('a portal error while submitting (network) shows what to do and leads back to the report', async () => {
    const portal = new FakePortal({ reissueError: portalError('network', 'The portal did not answer (ECONNRESET).', 'Check the connection and press Next again; the same CSR is not issued twice.') });
    const services = fakeServices({ portal });
    const t = await toCsrChoice(services);
    await t.press('enter');
    await t.waitFor('Paste the CSR here');
    await t.write(`\u001B[200~${goodCsr}\u001B[201~`);
    await t.waitFor('✓ Correct');
    await t.press('enter');
    let f = await t.waitFor('✗ Portal error: The portal did not answer (ECONNRESET).');
    expect(f.replace(/\s+/g, ' ')).toContain('What to do: Check the connection and press Next again; the same CSR is not issued twice.');
    await t.press('escape');
    f = await t.waitFor('✓ Correct');
    await t.press('enter');
    await t.waitFor('✗ Portal error');
    // The retry carries the same idempotency key: a lost answer cannot issue a second copy.
    expect(portal.reissueCalls).toHaveLength(2);
    expect(portal.reissueCalls[0]!.key).toBe(portal.reissueCalls[1]!.key);
  });
});
