import { afterEach, describe, expect, test } from 'vitest';
import { cardError } from '../../src/domain/errors.js';
import { fits } from '../helpers/ink.js';
import { FakeCard, fakeServices, reader, token, type FakeServices } from './fakes.js';
import { endSessions, openCardPin, openReissueStep1, startWizard, type Session } from './harness.js';

let session: Session | null = null;
afterEach(endSessions);

const PIN = '9731';

/** List → the code-signing certificate (card only) → Reissue certificate → step 1. */
async function toStep1(services: FakeServices) {
  session = await startWizard(services);
  return openReissueStep1(session, 1, 'ORDER/0000123457/cs');
}

async function toReaders(services: FakeServices) {
  const t = await toStep1(services);
  await t.press('enter');
  await t.waitFor('❯ RSA 2048');
  await t.press('enter');
  await t.waitFor('Choose the reader and card:');
  return t;
}

async function toPin(services: FakeServices) {
  session = await startWizard(services);
  return openCardPin(session);
}

describe('Reissue with a key pair generated on a card', () => {
  test('step 1 offers the product algorithms the card can generate', async () => {
    const card = new FakeCard({ readers: [reader(token({ algorithms: ['rsa-2048', 'ec-p256', 'ec-p384'] }))] });
    const services = fakeServices({ card });
    const t = await toStep1(services);
    let f = t.lastFrame();
    expect(f).toContain('❯ Generating key pair on card');
    expect(f).not.toMatch(/❯ CSR|  CSR\n/);
    expect(services.openCardCalls).toBe(0);
    await t.press('enter');
    f = await t.waitFor('❯ RSA 2048');
    expect(f).toContain('KEY ALGORITHM AND KEY LENGTH');
    expect(f).toContain('EC P-256');
    // Product: RSA 2048, RSA 3072, EC P-256; card: RSA 2048, EC P-256, EC P-384.
    expect(f).not.toContain('RSA 3072');
    expect(f).not.toContain('EC P-384');
    expect(f).toContain('Issuing a reissue certificate will automatically revoke the previous');
    expect(fits(f)).toBe(true);
    expect(services.openCardCalls).toBe(1);
  });

  test('the whole path: reader, checklist, masked PIN, confirmation, progress, result — the PIN never on screen', async () => {
    const card = new FakeCard({ phaseMs: 250 });
    const services = fakeServices({ card });
    const t = await toReaders(services);
    let f = await t.waitFor('Enter uses this card.');
    expect(f).toContain('❯ ACS ACR39U ICC Reader 0 · card 1625 8349 7691 9804 (Certum common)');
    expect(f).toContain('✓ Reader connected');
    expect(f).toContain('✓ Card inserted');
    expect(f).toContain('✓ User PIN set (common profile initialized)');
    expect(f).toContain('✓ Card can generate RSA 2048');
    await t.press('enter');
    f = await t.waitFor('Common profile PIN:');
    for (const text of ['New key pair generation', 'Cards data', 'Reader name:  ACS ACR39U ICC Reader 0', 'Card number:  1625 8349 7691 9804', 'Key details', 'Algorithm:    RSA', 'Size:         2048', '[from 4 to 8 bytes]', 'Do not remove the card from the reader during the operation']) {
      expect(f).toContain(text);
    }
    expect(f.replace(/\s+/g, ' ')).toContain('Depending on the algorithm and size of the key generation may take up to several minutes');
    expect(fits(f)).toBe(true);
    expect(session!.everything()).not.toContain(PIN);
    await t.type(PIN);
    f = await t.waitFor('Common profile PIN: ****');
    await t.press('enter');
    f = await t.waitFor('Generating the key pair on the card…');
    expect(f).toMatch(/Elapsed: \d+ s/);
    expect(f).toContain('Do not remove the card from the reader during the operation');
    expect(f).toContain('please wait');
    f = await t.waitFor('✓ Reissued: a new copy of Asseco Data Systems S.A. was issued', 8000);
    expect(f).toContain('Key            on card 1625 8349 7691 9804');
    expect(f).toContain('= same expiry date');
    expect(f).toContain('Install on card');
    // The real PIN reached the card; no frame ever showed it.
    expect(card.received).toEqual([{ pin: PIN, algorithm: 'rsa-2048', serial: '1625834976919804', confirmFinalTry: false }]);
    expect(services.portal.reissueCalls.map((c) => c.keySource)).toEqual(['card']);
    expect(session!.everything()).not.toContain(PIN);
    expect(session!.stdout()).not.toContain(PIN);
  });

  test('a PIN outside 4–32 and the card range is refused before the card sees it', async () => {
    const card = new FakeCard();
    const t = await toPin(fakeServices({ card }));
    await t.type('12');
    await t.press('enter');
    const f = await t.waitFor('✗ The PIN must have from 4 to 8 bytes (you typed 2).');
    expect(card.received).toHaveLength(0);
    expect(f).toContain('Common profile PIN:');
  });

  test('a wrong PIN says so and leads back to the PIN', async () => {
    const card = new FakeCard({ fail: { code: 'pin-wrong', phase: 'login' } });
    const services = fakeServices({ card });
    const t = await toPin(services);
    await t.type(PIN);
    await t.press('enter');
    let f = await t.waitFor('✗ Card error: The PIN is wrong.');
    expect(f.replace(/\s+/g, ' ')).toContain("What to do: Type the user (common profile) PIN again; each wrong PIN uses up one of the card's tries.");
    expect(f).toContain('Press Enter or Esc to go back.');
    await t.press('escape');
    f = await t.waitFor('Common profile PIN:');
    expect(f).not.toContain('*');
    // The PIN flags are read again: the card now reports that tries are running low.
    f = await t.waitFor('⚠ A wrong PIN was entered before: few tries are left.');
    expect(services.portal.reissueCalls).toHaveLength(0);
    expect(session!.everything()).not.toContain(PIN);
  });

  test('card removed during generation: clear message, nothing submitted, back to the checklist', async () => {
    const card = new FakeCard({ fail: { code: 'card-removed', phase: 'generate' }, phaseMs: 50 });
    const services = fakeServices({ card });
    const t = await toPin(services);
    await t.type(PIN);
    await t.press('enter');
    let f = await t.waitFor('✗ Card error: The card was removed from the reader during key generation.');
    expect(f.replace(/\s+/g, ' ')).toContain('nothing was submitted');
    expect(services.portal.reissueCalls).toHaveLength(0);
    // The card is gone: the checklist says so when we go back.
    card.readers = [reader(null)];
    await t.press('enter');
    f = await t.waitFor('✗ Card inserted\n    → Insert the card into the reader.');
    expect(f).toContain('ACS ACR39U ICC Reader 0 · no card');
    expect(f).not.toContain('Enter uses this card.');
  });

  test('the checklist is re-checked live: inserting the card turns ✗ into ✓', async () => {
    const card = new FakeCard({ readers: [reader(null)] });
    const t = await toReaders(fakeServices({ card }));
    let f = await t.waitFor('✗ Card inserted');
    expect(f).toContain('✗ User PIN set');
    await t.press('enter');
    expect(t.lastFrame()).toContain('Choose the reader and card:');
    card.readers = [reader(token())];
    f = await t.waitFor('✓ Card inserted', 5000);
    expect(f).toContain('Enter uses this card.');
  });

  test('a card without a user PIN cannot be used', async () => {
    const card = new FakeCard({ readers: [reader(token({}, { userPinSet: false }))] });
    const t = await toReaders(fakeServices({ card }));
    const f = await t.waitFor('✗ User PIN set');
    expect(f.replace(/\s+/g, ' ')).toContain('→ Initialize the common profile and set its PIN and PUK (e.g. in proCertum CardManager).');
    expect(f).not.toContain('Enter uses this card.');
  });

  test('final try: warned and asked before the PIN is typed', async () => {
    const card = new FakeCard({ readers: [reader(token({}, { countLow: true, finalTry: true }))] });
    const t = await toReaders(fakeServices({ card }));
    let f = await t.waitFor('⚠ Final try: one more wrong PIN locks the card.');
    await t.press('enter');
    f = await t.waitFor('Continue and type the PIN? (y/n)');
    await t.write('n');
    await t.waitFor('Choose the reader and card:');
    await t.press('enter');
    await t.waitFor('Continue and type the PIN? (y/n)');
    await t.write('x');
    await t.waitFor('Choose the reader and card:');
    expect(card.received).toEqual([]); // anything but "y" leaves the card untouched
    await t.press('enter');
    await t.waitFor('Continue and type the PIN? (y/n)');
    await t.write('y');
    f = await t.waitFor('Common profile PIN:');
    expect(f).toContain('⚠ Final try');
    // The fake card applies the card layer's PIN rules: without the consent passed on it refuses.
    await t.type(PIN);
    await t.press('enter');
    await t.waitFor('✓ Reissued', 8000);
    expect(card.received).toEqual([{ pin: PIN, algorithm: 'rsa-2048', serial: '1625834976919804', confirmFinalTry: true }]);
  });

  test('back from a wrong PIN when the card is now at its final try: asked y/n again before the PIN field', async () => {
    const card = new FakeCard({ readers: [reader(token({}, { countLow: true }))], fail: { code: 'pin-wrong', phase: 'login', times: 1 }, afterWrongPin: { finalTry: true } });
    const t = await toPin(fakeServices({ card }));
    await t.type('1111');
    await t.press('enter');
    await t.waitFor('✗ Card error: The PIN is wrong.');
    await t.press('enter');
    await t.waitFor('Continue and type the PIN? (y/n)');
    await t.write('y');
    const f = await t.waitFor('Common profile PIN:');
    expect(f).toContain('⚠ Final try');
    await t.type(PIN);
    await t.press('enter');
    await t.waitFor('✓ Reissued', 8000);
    // The second login carried the consent; without it the card layer would have refused the PIN.
    expect(card.received.map((r) => r.confirmFinalTry)).toEqual([false, true]);
  });

  test('the final-try question takes no key typed before it was on screen (a PIN typed ahead is not an answer)', async () => {
    const card = new FakeCard({ readers: [reader(token({}, { countLow: true, finalTry: true }))] });
    const t = await toReaders(fakeServices({ card }));
    await t.waitFor('Enter uses this card.');
    await t.write(`\ry${PIN}\r`);
    let f = await t.waitFor('Keys typed before this question appeared were ignored: answer it again.');
    expect(f).toContain('Continue and type the PIN? (y/n)');
    await t.write('y');
    f = await t.waitFor('Common profile PIN:');
    expect(f).not.toContain('*');
    expect(card.received).toEqual([]);
  });

  test('? is a PIN character; F1 opens help from the PIN field and keeps what was typed', async () => {
    const card = new FakeCard();
    const t = await toPin(fakeServices({ card }));
    let f = t.lastFrame();
    expect(f).toContain('F1 help');
    expect(f).not.toContain('? help');
    await t.write('97?1');
    await t.waitFor('Common profile PIN: ****');
    await t.write('\u001bOP');
    f = await t.waitFor('Help ·');
    await t.press('escape');
    await t.waitFor('Common profile PIN: ****');
    await t.press('enter');
    await t.waitFor('✓ Reissued', 8000);
    expect(card.received.map((r) => r.pin)).toEqual(['97?1']);
  });

  test('no PKCS#11 module: the error and its hint in step 1, r retries', async () => {
    const services = fakeServices({ openCardError: cardError('module-missing', 'No PKCS#11 module was found.', 'Install OpenSC or set REISSUE_PKCS11_MODULE.') });
    const t = await toStep1(services);
    await t.press('enter');
    const f = await t.waitFor('✗ Card error: No PKCS#11 module was found.');
    expect(f).toContain('What to do: Install OpenSC or set REISSUE_PKCS11_MODULE.');
    expect(f).toContain('r retry');
    await t.write('r');
    await t.waitFor(() => services.openCardCalls === 2);
  });

  test('install the new copy on the card from the result', async () => {
    const card = new FakeCard();
    const services = fakeServices({ card });
    const t = await toPin(services);
    await t.type(PIN);
    await t.press('enter');
    await t.waitFor('✓ Reissued', 8000);
    await t.press('right');
    await t.press('right');
    await t.waitFor('[Install on card]');
    await t.press('enter');
    await t.waitFor('Install on card · Asseco Data Systems S.A.');
    await t.waitFor('Enter uses this card.');
    await t.press('enter');
    let f = await t.waitFor('Certificate installation');
    expect(f).toContain('Certificate:  Asseco Data Systems S.A. · serial');
    await t.type(PIN);
    await t.press('enter');
    f = await t.waitFor('✓ Certificate installed on card 1625 8349 7691 9804.');
    expect(f).toContain('✓ Reissued');
    expect(card.received.map((r) => r.pin)).toEqual([PIN, PIN]);
    expect(session!.everything()).not.toContain(PIN);
  });

  test('Ctrl+C while choosing the card exits with 130 and closes the card', async () => {
    const card = new FakeCard();
    const t = await toReaders(fakeServices({ card }));
    await t.waitFor('Enter uses this card.');
    await t.press('ctrlC');
    expect(await session!.exit).toBe(130);
    expect(card.closed).toBe(1);
    session = null;
  });
});
