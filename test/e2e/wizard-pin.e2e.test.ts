// The wizard's PIN life on the PIN shim (test/pkcs11-shim over SoftHSM2), the built binary in tmux:
// a PIN pad asks for no PIN; three wrong PINs lock the card (the y/n before the third); the locked
// PIN is unblocked with the PUK from the error screen; "Change PIN" from the reader screen refuses
// a mismatch, then changes it. pkcs11-tool, from outside, checks which PIN the card takes.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createPinShim, readCallLog, type PinShim } from '../helpers/pin-shim.js';
import { tmuxSuite, toCardReaders } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('wizpin');
const PIN = '739146';
const PUK = '87654321';
const WRONG = '111111';

const takes = async (shim: PinShim, pin: string) => (await shim.pkcs11Tool(['--token-label', 'Certum common', '--login', '--pin', pin, '--list-objects'])).code === 0;


/** The wizard on a fresh sandbox with the shim as its module. */
const start = (shim: PinShim, name: string, env: Record<string, string> = {}) => suite.wizard(name, { env: { ...shim.vars, REISSUE_PKCS11_MODULE: shim.module, ...env } });

describe('the built wizard on the PIN shim (80×24)', () => {
  test('a PIN-pad reader: no PIN field; "Enter the PIN on the reader\'s keypad" with the elapsed time; the copy is issued', async () => {
    const shim = await createPinShim({ pinpad: { pin: PIN, delayMs: 2500 } });
    await shim.hsm.initToken('Certum common', PIN);
    const { pane, done } = await start(shim, 'pad');
    try {
      await toCardReaders(pane);
      await pane.keys('Enter');
      const s = await pane.waitFor("Enter the PIN on the reader's keypad");
      expect(s).toMatch(/Elapsed: /);
      expect(s).not.toContain('Common profile PIN:');
      await pane.waitFor('✓ Reissued: a new copy of', 30_000);
      await pane.keys('q');
      await pane.waitFor('EXIT=0');
      const objects = await shim.pkcs11Tool(['--token-label', 'Certum common', '--login', '--pin', PIN, '--list-objects']);
      expect(objects.stdout).toMatch(/Private Key Object; EC/);
    } finally {
      await done();
      await shim.cleanup();
    }
  }, 90_000);

  test('Ctrl+C while the reader waits for its keypad: the card stops, nothing is generated or issued', async () => {
    const shim = await createPinShim({ pinpad: { pin: PIN, delayMs: 3000 } });
    await shim.hsm.initToken('Certum common', PIN);
    // Every C_Login / C_GenerateKeyPair the card saw: a key made and deleted would leave no object behind.
    const callLog = join(suite.dir, 'pad-cancel-calls.log');
    const { pane, done } = await start(shim, 'pad-cancel', { SHIM_CALL_LOG: callLog });
    try {
      await toCardReaders(pane);
      await pane.keys('Enter');
      await pane.waitFor("Enter the PIN on the reader's keypad");
      pane.send('\u0003');
      const s = await pane.waitFor('EXIT=', 20_000);
      expect(s).toContain('EXIT=130');
      expect(s).toContain('nothing was generated');
      const calls = (await readCallLog(callLog)).map((c) => c.name);
      expect(calls).toContain('C_Login');
      expect(calls).not.toContain('C_GenerateKeyPair');
      const objects = await shim.pkcs11Tool(['--token-label', 'Certum common', '--login', '--pin', PIN, '--list-objects']);
      expect(objects.stdout).not.toMatch(/Private Key Object/);
    } finally {
      await done();
      await shim.cleanup();
    }
  }, 90_000);

  test('three wrong PINs lock the card (y/n before the third); u unblocks with the PUK; c changes the PIN', async () => {
    const shim = await createPinShim({ tries: 3, soTries: 3 });
    await shim.hsm.initToken('Certum common', PIN, PUK);
    const { pane, done } = await start(shim, 'lock');
    const NEW = '246802';
    const LATER = '135791';
    try {
      let s = await toCardReaders(pane);
      expect(s).toContain("c: change the card's PIN");
      for (const expected of ['few tries are left', 'one try left']) {
        await pane.keys('Enter');
        await pane.waitFor('Common profile PIN:');
        await pane.type(WRONG);
        await pane.keys('Enter');
        s = await pane.waitFor('The PIN is wrong.');
        expect(s).toContain(expected);
        // Back to the PIN: once the card is at its final try, the way to the PIN field is the y/n.
        await pane.keys('Enter');
        await pane.waitFor(expected === 'one try left' ? 'Continue and type the PIN? (y/n)' : 'Common profile PIN:');
        await pane.keys('Escape'); // to the reader checklist
        await pane.waitFor('Enter uses this card.');
      }
      // The checklist shows the final try; Enter asks y/n before the PIN.
      await pane.waitFor('Final try: one more wrong PIN locks the card.');
      await pane.keys('Enter');
      s = await pane.waitFor('Continue and type the PIN? (y/n)');
      expect(s).not.toContain('Common profile PIN:');
      await pane.keys('y');
      await pane.waitFor('Common profile PIN:');
      await pane.type(WRONG);
      await pane.keys('Enter');
      s = await pane.waitFor('the card has now locked it');
      expect(s).toContain('Press u to unblock it with the PUK now');
      expect(await takes(shim, PIN)).toBe(false);

      // Unblock from the locked-PIN screen: the PUK, then the new PIN twice.
      await pane.keys('u');
      s = await pane.waitFor('PUK (SO PIN):');
      expect(s).toContain('with the PUK');
      await pane.type(PUK);
      await pane.keys('Enter');
      await pane.waitFor('New PIN:');
      await pane.type(NEW);
      await pane.keys('Enter');
      await pane.waitFor('New PIN again:');
      await pane.type(NEW);
      await pane.keys('Enter');
      s = await pane.waitFor('was unblocked and set anew');
      expect(await takes(shim, NEW)).toBe(true);
      expect(await takes(shim, PIN)).toBe(false);

      // Back on the card screen: change the PIN; a mismatch is refused before the card is asked.
      await pane.keys('Escape');
      await pane.waitFor('Enter uses this card.');
      await pane.keys('c');
      await pane.waitFor('Current PIN:');
      await pane.type(NEW);
      await pane.keys('Enter');
      await pane.waitFor('New PIN:');
      await pane.type(LATER);
      await pane.keys('Enter');
      await pane.waitFor('New PIN again:');
      await pane.type('135790');
      await pane.keys('Enter');
      s = await pane.waitFor('was not typed the same twice');
      await pane.type(LATER);
      await pane.keys('Enter');
      await pane.waitFor('New PIN again:');
      await pane.type(LATER);
      await pane.keys('Enter');
      await pane.waitFor('was changed.');
      expect(await takes(shim, LATER)).toBe(true);
      expect(await takes(shim, NEW)).toBe(false);
      // No PIN or PUK reached the terminal.
      for (const secret of [PUK, NEW, LATER, WRONG]) expect(pane.raw()).not.toContain(secret);
      await pane.keys('Escape');
      await pane.waitFor('Enter uses this card.');
    } finally {
      await done();
      await shim.cleanup();
    }
  }, 120_000);
});
