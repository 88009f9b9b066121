// The built binary on the PIN shim (REISSUE_PKCS11_MODULE → test/pkcs11-shim over SoftHSM2): the
// PIN states a real card reports — few tries left, one try left, locked, PIN pad — reach the user
// through `reissue card list` and `card keygen` as they would with a smart card, with no fake card.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPinShim, shimBinary, type PinShim } from '../helpers/pin-shim.js';

const PIN = '1234';
const WRONG = '86420000';

const bin = shimBinary();
const { cli, pinOf } = bin;

async function pinLine(shim: PinShim, label: string): Promise<string> {
  const out = (await cli(shim, ['card', 'list', '--token', label])).stdout;
  return /^\s+PIN: .*$/m.exec(out)?.[0].trim() ?? out;
}

describe('three wrong PINs through the binary', () => {
  let shim: PinShim;
  beforeAll(async () => {
    shim = await createPinShim({ tries: 3 });
    await shim.hsm.initToken('shim-card', PIN);
  });
  afterAll(async () => {
    await shim?.cleanup();
  });

  test('card list and keygen show few tries left, then one try left, then locked; the right PIN is refused', async () => {
    const csr = join(bin.box.dir, 'never.csr');
    const keygen = (pin: string, ...more: string[]) => cli(shim, ['card', 'keygen', '--cn', 'pin.example', '--algorithm', 'ec-p256', '--token', 'shim-card', '--pin-stdin', '--csr-out', csr, ...more], `${pin}\n`);
    expect(await pinOf(shim, 'shim-card')).toMatchObject({ countLow: false, finalTry: false, locked: false });
    expect(await pinLine(shim, 'shim-card')).toBe('PIN: set; 4–255 bytes');

    const first = await keygen(WRONG);
    expect(first.code).toBe(4);
    expect(first.stderr).toContain('The PIN is wrong. The card reports that few tries are left.');
    expect(await pinOf(shim, 'shim-card')).toMatchObject({ countLow: true, finalTry: false, locked: false });
    expect(await pinLine(shim, 'shim-card')).toBe('PIN: set, few tries left; 4–255 bytes');

    const second = await keygen(WRONG);
    expect(second.code).toBe(4);
    expect(second.stderr).toContain('The PIN is wrong. The card reports one try left: the next wrong PIN locks it.');
    expect(await pinOf(shim, 'shim-card')).toMatchObject({ countLow: false, finalTry: true, locked: false });
    expect(await pinLine(shim, 'shim-card')).toBe('PIN: ONE try left; 4–255 bytes');

    // The final try needs --force with --pin-stdin; without it the card is not asked at all.
    const unconfirmed = await keygen(WRONG);
    expect(unconfirmed.code).toBe(4);
    expect(unconfirmed.stderr).toContain('Only one PIN try is left');
    expect(await pinOf(shim, 'shim-card')).toMatchObject({ finalTry: true, locked: false });

    const third = await keygen(WRONG, '--force');
    expect(third.code).toBe(4);
    expect(third.stderr).toContain('The PIN is wrong, and the card has now locked it.');
    expect(await pinOf(shim, 'shim-card')).toMatchObject({ finalTry: false, locked: true });
    expect(await pinLine(shim, 'shim-card')).toBe('PIN: LOCKED (unblock with the PUK in the card manager); 4–255 bytes');

    const right = await keygen(PIN, '--force');
    expect(right.code).toBe(4);
    expect(right.stderr).toContain('The PIN is locked: it was entered wrongly too many times.');
    expect(existsSync(csr)).toBe(false);
    // The card itself refuses the right PIN too (not only the binary's own check of the flags).
    expect((await shim.pkcs11Tool(['--token-label', 'shim-card', '--login', '--pin', PIN, '--list-objects'])).stderr).toContain('CKR_PIN_LOCKED');
    // Nothing typed was echoed.
    for (const r of [first, second, third, right]) expect(r.stdout + r.stderr).not.toContain(WRONG);
  });
});

test('a PIN-pad reader: card list says the PIN is typed on the reader', async () => {
  const pad = await createPinShim({ pinpad: { pin: PIN } });
  try {
    await pad.hsm.initToken('pad-card', PIN);
    expect(await pinOf(pad, 'pad-card')).toMatchObject({ protectedAuthPath: true, locked: false });
    expect(await pinLine(pad, 'pad-card')).toBe('PIN: set; 4–255 bytes; typed on the reader');
  } finally {
    await pad.cleanup();
  }
});
