// Keys typed faster than the wizard renders (they pile up while a query holds the event loop and
// are read in one go), or delivered in one chunk, must all reach the field they were typed into.
import { afterEach, describe, expect, test } from 'vitest';
import { FakeCard, fakeServices, reader, token, type FakeServices } from './fakes.js';
import { endSessions, startWizard, type Session } from './harness.js';

let session: Session | null = null;
afterEach(endSessions);

async function start(services: FakeServices = fakeServices()) {
  session = await startWizard(services);
  return session.t;
}

/** The first certificate → Reissue → CSR → "Generate a new key and CSR here" → the first algorithm: the key path field. */
async function openKeyPathField(t: Awaited<ReturnType<typeof start>>) {
    await t.press('enter');
    await t.waitFor('Certificate for order');
    for (let i = 0; i < 3; i++) await t.press('right');
    await t.press('enter');
    await t.waitFor('Key pair generation method');
    await t.press('enter');
    await t.waitFor('❯ Paste CSR');
    await t.press('down');
    await t.press('down');
    await t.press('enter');
    await t.waitFor('Key algorithm and key length:');
    await t.press('enter');
    await t.waitFor('Save the new private key to: assecodata.pl.key');
}

describe('filter typing is lossless', () => {
  test('"/b0000" as separate keys read in one go: every key lands in the filter', async () => {
    const t = await start();
    await t.typeFast('/b0000');
    const f = await t.waitFor('Filter: b0000');
    expect(f).not.toContain('Filter: 000');
  });

  test('"/shop" in one chunk starts the filter and types the rest', async () => {
    const t = await start();
    await t.write('/shop');
    const f = await t.waitFor('Filter: shop');
    expect(f).toContain('shop.example.pl');
  });

  test('Backspace among fast keys erases from the latest text; letters that are commands are typed', async () => {
    const t = await start();
    await t.typeFast('/qp?x\u007f');
    const f = await t.waitFor('Filter: qp?');
    // `q`, `p` and `?` were typed into the filter: no quit, no pending view, no help.
    expect(f).toContain('Certificates (');
    expect(f).not.toContain('Pending revocations');
    expect(f).not.toContain('Esc close help');
    await t.write('\r');
    await t.waitFor('Filter: qp?  (/ edit · Esc clear)');
  });
});

describe('Ctrl+U clears a field, as in the shell', () => {
  test('the filter: Ctrl+U empties it, what follows is typed afresh', async () => {
    const t = await start();
    await t.typeFast('/shop\u0015b0');
    await t.waitFor('Filter: b0');
  });

  test('the key path and the passphrase: cleared, then typed again; the key goes where the second path says', async () => {
    const services = fakeServices();
    const t = await start(services);
    await openKeyPathField(t);
    await t.typeFast('\u0015/srv/tls/new.key');
    await t.waitFor('Save the new private key to: /srv/tls/new.key');
    await t.typeFast('\rwrong\u0015Tr0ub4dor');
    await t.waitFor('Passphrase for the key (optional, Enter for none): *********');
    await t.typeFast('\rTr0ub4dor');
    await t.waitFor('Type the passphrase again: *********');
    await t.press('enter');
    await t.waitFor('✓ Correct');
    expect(services.generated).toEqual([expect.objectContaining({ keyPath: '/srv/tls/new.key', passphrase: 'Tr0ub4dor' })]);
  });
});

describe('other fields are lossless', () => {
  test('a passphrase typed fast, right after the Enter that opens its field', async () => {
    const services = fakeServices();
    const t = await start(services);
    await openKeyPathField(t);
    await t.typeFast('\rTr0ub4dor');
    await t.waitFor('Passphrase for the key (optional, Enter for none): *********');
    // The repetition typed fast too, behind the Enter that ends the first entry.
    await t.typeFast('\rTr0ub4dor');
    await t.waitFor('Type the passphrase again: *********');
    await t.press('enter');
    await t.waitFor('✓ Correct');
    expect(services.generated.map((g) => g.passphrase)).toEqual(['Tr0ub4dor']);
    expect(session!.everything()).not.toMatch(/Tr0ub|ub4d|4dor/);
  });

  test('download path typed fast', async () => {
    const services = fakeServices({ workDir: '/srv' });
    const t = await start(services);
    await t.press('enter');
    await t.waitFor('Certificate for order');
    await t.press('right');
    await t.waitFor('[Download PEM]');
    // The Enter that opens the field and the keys after it, all read in one go.
    await t.typeFast('\r\u007f\u007f\u007fder.txt');
    await t.waitFor('Save to: assecodata.pl.der.txt');
    await t.press('enter');
    await t.waitFor('✓ Saved PEM to /srv/assecodata.pl.der.txt');
    expect([...services.written.keys()]).toEqual(['/srv/assecodata.pl.der.txt']);
  });

  test('CSR file path typed fast, then Enter in the same burst', async () => {
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nnot really\n-----END CERTIFICATE REQUEST-----\n';
    const services = fakeServices({ files: { '/srv/req.pem': csr } });
    const t = await start(services);
    await t.press('enter');
    await t.waitFor('Certificate for order');
    for (let i = 0; i < 3; i++) await t.press('right');
    await t.press('enter');
    await t.waitFor('Key pair generation method');
    await t.press('enter');
    await t.waitFor('❯ Paste CSR');
    await t.press('down');
    await t.press('enter');
    await t.waitFor('CSR file (PEM or DER):');
    await t.typeFast('/srv/req.pem\r');
    // The whole path was read (a lost key would ask for a file that does not exist).
    const f = await t.waitFor((x) => x.includes('✗') || x.includes('✓ Correct') || x.includes('error'));
    expect(f).not.toContain('Cannot read');
  });

  test('a PIN typed fast keeps every digit and never shows one', async () => {
    const card = new FakeCard({ readers: [reader(token())] });
    const services = fakeServices({ card });
    const t = await start(services);
    await t.press('down');
    await t.press('enter');
    await t.waitFor('Certificate for order ORDER/0000123457/cs');
    for (let i = 0; i < 3; i++) await t.press('right');
    await t.press('enter');
    await t.waitFor('Key pair generation method');
    await t.press('enter');
    await t.waitFor('❯ RSA 2048');
    await t.press('enter');
    await t.waitFor('Enter uses this card.');
    // Enter on the reader and the PIN right behind it, before the PIN field is on screen.
    await t.typeFast('\r97315');
    await t.waitFor('Common profile PIN: *****');
    await t.typeFast('\u007f2\r');
    await t.waitFor('✓ Reissued', 8000);
    expect(card.received.map((r) => r.pin)).toEqual(['97312']);
    expect(session!.everything()).not.toMatch(/9731|7312|97315/);
  });
});
