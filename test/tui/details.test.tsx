import { afterEach, describe, expect, test } from 'vitest';
import { fits } from '../helpers/ink.js';
import { formatDateTime } from '../../src/wizard/format.js';
import { FakePortal, fakeServices, manualExample } from './fakes.js';
import { endSessions, startWizard, type Session } from './harness.js';

let session: Session | null = null;
afterEach(endSessions);

async function openFirst(services = fakeServices()) {
  session = await startWizard(services);
  await session.t.press('enter');
  await session.t.waitFor('Certificate for order');
  return session.t;
}

describe('Details screen', () => {
  test("shows every field of the manual's details view and the actions; fits 80×24", async () => {
    const t = await openFirst();
    const f = t.lastFrame();
    const cert = manualExample();
    for (const text of [
      'Certificate for order ORDER/0000123456/po',
      'CN: assecodata.pl   CERTIFICATE STATE Valid',
      "Subscriber's data: Paula Chlebicka <paula.chlebicka@assecodata.pl>",
      'Verification method: Automatic identity verification',
      "Organization's data: Asseco Data Systems S.A.",
      'Verification method: KRS 0000421310',
      'Country: Poland · State or province: pomorskie · Locality: Gdańsk',
      "Subscriber's authorization: KRS 0000421310",
      'Domain list [2]: assecodata.pl, www.assecodata.pl',
      'Product category: SSL (TLS)',
      'Product: Trusted MultiDomain SSL 4 domains 365 days',
      `Activation date: ${formatDateTime(cert.notBefore)}   Valid to: ${formatDateTime(cert.notAfter)}`,
      'Certificate serial number: 6a5d7ffef2f6c2ac3b0b4a43c2cb773',
      '[Certificate preview]',
      'Download PEM',
      'Download DER',
      'Reissue certificate',
      'Revoke certificate',
    ]) {
      expect(f).toContain(text);
    }
    expect(fits(f)).toBe(true);
    // Links to other copies are their own lines, and only when there are any.
    expect(f).not.toMatch(/Replace|Subordinate/);
  });

  test('a copy whose key pair was made on a card shows the recorded card, as a declaration; fits 80×24', async () => {
    const card = { serial: '0aa4edb09bec81db', token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so', keyId: 'c0ffee' };
    const portal = new FakePortal({ certificates: [manualExample({ keySource: 'card', cardEvidence: card })] });
    const t = await openFirst(fakeServices({ portal }));
    const f = t.lastFrame();
    expect(f).toContain('Key: generated on a card: "card2" serial 0aa4edb09bec81db');
    expect(fits(f)).toBe(true);
  });

  test('keys that arrive in one chunk (slow SSH link) each move the action cursor', async () => {
    const t = await openFirst();
    await t.write('\u001b[C\u001b[C\u001b[C');
    await t.waitFor('[Reissue certificate]');
    await t.write('\u001b[D\r');
    await t.waitFor('Download DER ·');
  });

  test('a copy awaiting revocation shows the date and days left', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    await t.press('down');
    await t.press('down');
    await t.press('enter');
    const f = await t.waitFor('⚠ This copy will be revoked on');
    expect(f).toMatch(/⚠ This copy will be revoked on \d{4}-\d\d-\d\d \d\d:\d\d \(13 days left\)/);
    expect(f).toMatch(/^Replaced by: c-0004$/m);
    expect(f).not.toContain('Replaces:');
  });

  test('Certificate preview scrolls and goes back', async () => {
    const t = await openFirst();
    await t.press('enter');
    let f = await t.waitFor('Raw: certificate 6a5d7ffef2f6c2ac3b0b4a43c2cb773');
    expect(f).toContain('Certificate preview · assecodata.pl  (lines 1–');
    await t.press('pageDown');
    f = await t.waitFor((x) => !x.includes('Raw:'));
    expect(fits(f)).toBe(true);
    await t.press('escape');
    await t.waitFor('Certificate for order');
  });

  test('Download PEM: typed path, overwrite needs y, then a notice naming the absolute path', async () => {
    const services = fakeServices({ workDir: '/srv/certs' });
    const t = await openFirst(services);
    await t.press('right');
    await t.press('enter');
    await t.waitFor('Save to: assecodata.pl.pem');
    await t.press('enter');
    let f = await t.waitFor('✓ Saved PEM to /srv/certs/assecodata.pl.pem');
    expect(f).toContain('[Download PEM]');
    expect(new TextDecoder().decode(services.written.get('/srv/certs/assecodata.pl.pem'))).toContain('-----BEGIN CERTIFICATE-----');
    // Again to the same path (the cursor stayed on Download PEM): the file exists now.
    await t.press('enter');
    await t.waitFor('Save to:');
    await t.press('enter');
    await t.waitFor('assecodata.pl.pem already exists. Replace it? (y/n)');
    await t.write('y');
    await t.waitFor('✓ Saved PEM to /srv/certs/assecodata.pl.pem');
    await t.press('enter');
    await t.waitFor('Save to:');
    await t.press('enter');
    await t.waitFor('Replace it? (y/n)');
    await t.write('n');
    await t.waitFor((x) => !x.includes('Replace it?'));
    for (let i = 0; i < 'assecodata.pl.pem'.length; i++) await t.press('backspace');
    await t.type('copy.pem');
    await t.press('enter');
    await t.waitFor('✓ Saved PEM to /srv/certs/copy.pem');
    expect(services.written.has('/srv/certs/copy.pem')).toBe(true);
  });

  test('Revoke certificate asks first; n keeps it, y revokes', async () => {
    const services = fakeServices();
    const t = await openFirst(services);
    for (let i = 0; i < 4; i++) await t.press('right');
    await t.waitFor('[Revoke certificate]');
    await t.press('enter');
    await t.waitFor('Revoke this certificate? (y/n)');
    await t.write('n');
    await t.waitFor('Certificate for order');
    expect(services.portal.certificates[0]!.state).toBe('valid');
    await t.press('enter');
    await t.waitFor('Revoke this certificate? (y/n)');
    await t.write('y');
    const f = await t.waitFor('✓ The certificate was revoked.');
    expect(f).toContain('CERTIFICATE STATE Revoked');
    expect(f).not.toContain('Reissue certificate');
  });

  test('a "y" typed ahead with the keys that open the revoke question is dropped with a note; a later "y" revokes', async () => {
    const services = fakeServices();
    const t = await openFirst(services);
    // Right ×4, Enter and y in ONE read: the y was typed before the question was on screen.
    await t.write('\u001b[C\u001b[C\u001b[C\u001b[C\ry');
    const f = await t.waitFor('Keys typed before this question appeared were ignored: answer it again.');
    expect(f).toContain('Revoke this certificate? (y/n)');
    expect(services.portal.certificates[0]!.state).toBe('valid');
    await t.write('y');
    await t.waitFor('✓ The certificate was revoked.');
    expect(services.portal.certificates[0]!.state).toBe('revoked');
  });

  test('a copy that was already replaced offers no reissue and names the copy that replaced it', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    await t.press('down');
    await t.press('down');
    await t.press('enter');
    const f = await t.waitFor('Certificate for order ORDER/0000123458/po');
    expect(f).toContain('Replaced by: c-0004');
    expect(f).toContain('Revoke certificate');
    expect(f).not.toContain('Reissue certificate');
  });
});
