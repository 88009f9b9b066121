// `reissue card pin change|unblock` and the PIN pad, through the built binary on the PIN shim
// (test/pkcs11-shim over SoftHSM2: tries counter, COUNT_LOW / FINAL_TRY / LOCKED for the user PIN
// and the PUK, a keypad). pkcs11-tool, from outside, judges which PIN the card takes afterwards.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { createPinShim, shimBinary, type PinShim } from '../helpers/pin-shim.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';
import { openssl } from './support.js';

const PIN = '1234';
const PUK = '87654321';
const WRONG = '86420000';

const suite = tmuxSuite('pinlife');

const bin = shimBinary();
const { cli, pinOf } = bin;

/** Whether the card, asked from outside by pkcs11-tool, takes this PIN. */
async function cardTakes(shim: PinShim, label: string, pin: string): Promise<boolean> {
  const r = await shim.pkcs11Tool(['--token-label', label, '--login', '--pin', pin, '--list-objects']);
  return r.code === 0;
}

describe('card pin change', () => {
  let shim: PinShim;
  beforeAll(async () => {
    shim = await createPinShim({ tries: 3 });
    await shim.hsm.initToken('change-card', PIN);
  });
  afterAll(async () => {
    await shim?.cleanup();
  });
  const change = (input: string, ...more: string[]) => cli(shim, ['card', 'pin', 'change', '--token', 'change-card', '--pin-stdin', ...more], input);

  test('a new PIN out of the card\'s range in BYTES is refused before the card is asked', async () => {
    // 128 characters but 256 bytes: over SoftHSM's 255.
    const long = await change(`${PIN}\n${'ż'.repeat(128)}\n`);
    expect(long.code).toBe(3);
    expect(long.stderr).toContain('The new PIN must be 4–255 bytes long');
    expect(long.stderr).toContain('it has 256 bytes');
    const short = await change(`${PIN}\nab1\n`);
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('The new PIN must be 4–255 bytes long');
    // A wrong current PIN then would have counted: the card was not asked.
    expect(await pinOf(shim, 'change-card')).toMatchObject({ countLow: false, locked: false });
    expect(await cardTakes(shim, 'change-card', PIN)).toBe(true);
    for (const r of [long, short]) expect(r.stdout + r.stderr).not.toContain(PIN);
  });

  test('a missing second line is named, and nothing changes', async () => {
    const r = await change(`${PIN}\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stdin has no line 2: the new PIN.');
    expect(await cardTakes(shim, 'change-card', PIN)).toBe(true);
  });

  test('a wrong current PIN counts as at login and says how many tries are left', async () => {
    const r = await change(`${WRONG}\n5555\n`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('The PIN is wrong. The card reports that few tries are left.');
    expect(r.stdout + r.stderr).not.toContain(WRONG);
    expect(await pinOf(shim, 'change-card')).toMatchObject({ countLow: true, locked: false });
  });

  test('the PIN changes (2 characters of 2 bytes each count as 4 bytes); the old one no longer works', async () => {
    const NEW = 'żż';
    const r = await change(`${PIN}\n${NEW}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The PIN of card "change-card"');
    expect(r.stdout).toContain('was changed.');
    expect(r.stdout).not.toContain(NEW);
    expect(await cardTakes(shim, 'change-card', NEW)).toBe(true);
    expect(await cardTakes(shim, 'change-card', PIN)).toBe(false);
    // The right PIN cleared the count of wrong ones; pkcs11-tool's wrong try above counts again.
    const back = await change(`${NEW}\n${PIN}\n`, '--json');
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ result: 'changed', token: { label: 'change-card' }, pin: { locked: false, countLow: false } });
    expect(await cardTakes(shim, 'change-card', PIN)).toBe(true);
  });
});

describe('card pin change in a terminal (tmux)', () => {
  let shim: PinShim;
  beforeAll(async () => {
    shim = await createPinShim({ tries: 3 });
    await shim.hsm.initToken('tty-card', PIN);
  });
  afterAll(async () => {
    await shim?.cleanup();
  });
  const start = async (name: string, args: string[]) => (await suite.wizard(name, { box: bin.box, env: { ...shim.vars, REISSUE_PKCS11_MODULE: shim.module }, args })).pane;

  test('masked prompts; the new PIN typed twice; a mismatch is refused before the card is asked', async () => {
    const pane = await start('mismatch', ['card', 'pin', 'change', '--token', 'tty-card']);
    try {
      await pane.waitFor('Current PIN for card "tty-card":');
      pane.send(`${PIN}\r`);
      await pane.waitFor('New PIN (4–255 bytes):');
      pane.send('5678\r');
      await pane.waitFor('New PIN again:');
      pane.send('5679\r');
      const s = await pane.waitFor('EXIT=');
      expect(s).toContain('The new PIN was not typed the same twice; nothing was changed.');
      expect(s).toContain('EXIT=3');
      expect(s).toContain('Current PIN for card "tty-card": ****');
      expect(pane.raw()).not.toMatch(/1234|5678|5679/);
      expect(await cardTakes(shim, 'tty-card', PIN)).toBe(true);
    } finally {
      pane.kill();
    }
  });

  test('one try left: the y/n question comes before the PIN; n asks the card nothing', async () => {
    // Two wrong PINs from outside leave one try.
    await shim.pkcs11Tool(['--token-label', 'tty-card', '--login', '--pin', WRONG, '--list-objects']);
    await shim.pkcs11Tool(['--token-label', 'tty-card', '--login', '--pin', WRONG, '--list-objects']);
    expect(await pinOf(shim, 'tty-card')).toMatchObject({ finalTry: true });
    const pane = await start('final', ['card', 'pin', 'change', '--token', 'tty-card']);
    try {
      let s = await pane.waitFor('Continue?');
      expect(s).toContain('The card reports ONE PIN try left');
      expect(s).not.toContain('Current PIN');
      pane.send('n\r');
      s = await pane.waitFor('EXIT=');
      expect(s).toContain('Only one PIN try is left');
      expect(s).toContain('EXIT=4');
      expect(await pinOf(shim, 'tty-card')).toMatchObject({ finalTry: true, locked: false });
    } finally {
      pane.kill();
    }
    const yes = await start('final-yes', ['card', 'pin', 'change', '--token', 'tty-card']);
    try {
      await yes.waitFor('Continue?');
      yes.send('y\r');
      await yes.waitFor('Current PIN for card "tty-card":');
      yes.send(`${PIN}\r`);
      await yes.waitFor('New PIN (4–255 bytes):');
      yes.send('56785678\r');
      await yes.waitFor('New PIN again:');
      yes.send('56785678\r');
      const s = await yes.waitFor('EXIT=');
      expect(s).toContain('The PIN of card "tty-card"');
      expect(s).toContain('EXIT=0');
    } finally {
      yes.kill();
    }
    expect(await cardTakes(shim, 'tty-card', '56785678')).toBe(true);
  });
});

describe('three wrong PINs lock the card; the PUK unblocks it', () => {
  let shim: PinShim;
  beforeAll(async () => {
    shim = await createPinShim({ tries: 3, soTries: 3 });
    await shim.hsm.initToken('lock-card', PIN, PUK);
  });
  afterAll(async () => {
    await shim?.cleanup();
  });
  const change = (input: string, ...more: string[]) => cli(shim, ['card', 'pin', 'change', '--token', 'lock-card', '--pin-stdin', ...more], input);
  const unblock = (input: string, ...more: string[]) => cli(shim, ['card', 'pin', 'unblock', '--token', 'lock-card', '--pin-stdin', ...more], input);

  test('final try needs --force; the third wrong PIN locks; unblock with the PUK sets a new PIN', async () => {
    expect((await change(`${WRONG}\n5555\n`)).code).toBe(4);
    const second = await change(`${WRONG}\n5555\n`);
    expect(second.stderr).toContain('one try left');
    const unconfirmed = await change(`${WRONG}\n5555\n`);
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stderr).toContain('Only one PIN try is left');
    expect(await pinOf(shim, 'lock-card')).toMatchObject({ finalTry: true, locked: false });
    const third = await change(`${WRONG}\n5555\n`, '--force');
    expect(third.code).toBe(4);
    expect(third.stderr).toContain('The PIN is wrong, and the card has now locked it.');
    expect(third.stderr).toContain('reissue card pin unblock');
    expect(await pinOf(shim, 'lock-card')).toMatchObject({ locked: true });
    expect(await cardTakes(shim, 'lock-card', PIN)).toBe(false);

    const NEW = '24682468';
    const r = await unblock(`${PUK}\n${NEW}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('was unblocked and set anew');
    expect(await pinOf(shim, 'lock-card')).toMatchObject({ locked: false, finalTry: false, countLow: false });
    expect(await cardTakes(shim, 'lock-card', NEW)).toBe(true);
    expect(await cardTakes(shim, 'lock-card', PIN)).toBe(false);
    for (const x of [r, third]) expect(x.stdout + x.stderr).not.toMatch(new RegExp(`${PUK}|${NEW}|${WRONG}`));
  });

  test('a wrong PUK counts down and is named; its final try needs --force; a locked PUK means the card is unusable', async () => {
    const first = await unblock(`${WRONG}\n11112222\n`);
    expect(first.code).toBe(4);
    expect(first.stderr).toContain('The PUK (SO PIN) is wrong. The card reports that few PUK tries are left.');
    const second = await unblock(`${WRONG}\n11112222\n`);
    expect(second.stderr).toContain('The PUK (SO PIN) is wrong. The card reports one PUK try left: the next wrong PUK makes the card unusable.');
    expect((await pinOf(shim, 'lock-card')).so).toMatchObject({ finalTry: true, locked: false });
    const unconfirmed = await unblock(`${WRONG}\n11112222\n`);
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stderr).toContain('Only one PUK try is left');
    const third = await unblock(`${WRONG}\n11112222\n`, '--force');
    expect(third.code).toBe(4);
    expect(third.stderr).toContain('The PUK is wrong, and the card has now locked it: the card can no longer be unblocked and is unusable.');
    expect((await pinOf(shim, 'lock-card')).so).toMatchObject({ locked: true });
    const right = await unblock(`${PUK}\n11112222\n`, '--force');
    expect(right.code).toBe(4);
    expect(right.stderr).toContain('The PUK (SO PIN) is locked');
    expect(right.stderr).toContain('unusable');
    expect(await cardTakes(shim, 'lock-card', '11112222')).toBe(false);
  });
});

describe('a PIN-pad reader', () => {
  test('keygen --submit and install with no PIN typed: the binary says to use the keypad', async () => {
    const pad = await createPinShim({ pinpad: { pin: PIN, delayMs: 300 } });
    try {
      await pad.hsm.initToken('pad-card', PIN);
      const list: Certificate[] = JSON.parse((await cli(pad, ['list', '--json'])).stdout);
      const old = list.find((c) => c.keySources.length === 1 && c.keySources[0] === 'card' && !c.replacedBy && c.state === 'valid')!;
      const r = await cli(pad, ['card', 'keygen', '--for', old.id, '--algorithm', 'ec-p256', '--token', 'pad-card', '--submit', '--json']);
      expect(r.stderr).toContain("Enter the PIN on the reader's keypad");
      expect(r.code).toBe(0);
      const issued = JSON.parse(r.stdout) as ReissueResult & { key: { keyId: string } };
      expect(issued.replaced.id).toBe(old.id);
      const inst = await cli(pad, ['card', 'install', issued.certificate.id, '--token', 'pad-card']);
      expect(inst.stderr).toContain("Enter the PIN on the reader's keypad");
      expect(inst.code).toBe(0);
      // The issued copy is on the card, next to the key the pad's login made.
      const objects = await pad.pkcs11Tool(['--token-label', 'pad-card', '--login', '--pin', PIN, '--list-objects']);
      expect(objects.stdout).toMatch(/Certificate Object/);
      expect(objects.stdout).toContain(issued.key.keyId);
    } finally {
      await pad.cleanup();
    }
  });

  test('in a terminal (tmux): no PIN prompt, the keypad line and the login\'s elapsed time; the CSR verifies', async () => {
    const pad = await createPinShim({ pinpad: { pin: PIN, delayMs: 2500 } });
    try {
      await pad.hsm.initToken('pad-card', PIN);
      const csr = join(suite.dir, 'pad.csr');
      const args = ['card', 'keygen', '--cn', 'pad.example', '--algorithm', 'ec-p256', '--token', 'pad-card', '--csr-out', csr];
      const { pane, done } = await suite.wizard('pad-cli', { box: bin.box, env: { ...pad.vars, REISSUE_PKCS11_MODULE: pad.module }, args });
      try {
        let s = await pane.waitFor("Enter the PIN on the reader's keypad");
        s = await pane.waitFor(/Logging in… \d+\.\d s/);
        expect(s).not.toContain('PIN for card');
        s = await pane.waitFor('EXIT=', 20_000);
        expect(s).toContain('EXIT=0');
      } finally {
        await done();
      }
      expect(await openssl(['req', '-in', csr, '-noout', '-verify', '-subject'])).toContain('pad.example');
    } finally {
      await pad.cleanup();
    }
  });

  test('Cancel on the keypad: exit 4, nothing generated', async () => {
    const pad = await createPinShim({ pinpad: { pin: PIN } });
    try {
      await pad.hsm.initToken('pad-card', PIN);
      await pad.typeOnPad(null);
      const csr = join(bin.box.dir, 'pad-cancel.csr');
      const r = await cli(pad, ['card', 'keygen', '--cn', 'pad.example', '--algorithm', 'ec-p256', '--token', 'pad-card', '--csr-out', csr]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('PIN entry was cancelled on the reader.');
      expect(existsSync(csr)).toBe(false);
    } finally {
      await pad.cleanup();
    }
  });
});
