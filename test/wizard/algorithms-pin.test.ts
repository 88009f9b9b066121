import { describe, expect, test } from 'vitest';
import { offeredAlgorithms, readerCanGenerate } from '../../src/wizard/algorithms.js';
import { pinRange, pinWarning, validatePin } from '../../src/wizard/pin.js';
import { reader, token } from '../tui/fakes.js';

describe('offered algorithms = product ∩ card', () => {
  test('narrows the product list to what the card can generate, in canonical order', () => {
    const card = reader(token({ algorithms: ['ec-p256', 'rsa-2048'] }));
    expect(offeredAlgorithms(['rsa-4096', 'rsa-2048', 'ec-p256', 'ec-p384'], [card])).toEqual(['rsa-2048', 'ec-p256']);
  });
  test('several cards: what any of them can do', () => {
    const a = reader(token({ algorithms: ['rsa-2048'] }), 'A', '1');
    const b = reader(token({ algorithms: ['ec-p384'] }), 'B', '2');
    expect(offeredAlgorithms(['rsa-2048', 'rsa-3072', 'ec-p384'], [a, b])).toEqual(['rsa-2048', 'ec-p384']);
  });
  test('nothing in common: nothing offered', () => {
    expect(offeredAlgorithms(['rsa-4096'], [reader(token({ algorithms: ['rsa-2048'] }))])).toEqual([]);
  });
  test('no card present yet: the product list, to be checked per reader later', () => {
    expect(offeredAlgorithms(['ec-p384', 'rsa-2048'], [reader(null)])).toEqual(['rsa-2048', 'ec-p384']);
    expect(readerCanGenerate(reader(null), 'rsa-2048')).toBe(false);
    expect(readerCanGenerate(reader(token()), 'rsa-2048')).toBe(true);
    expect(readerCanGenerate(reader(token()), 'rsa-4096')).toBe(false);
  });
});

describe('PIN length: 4–32 and the token range', () => {
  test('the manual range when the token reports nothing', () => {
    expect(pinRange(null)).toEqual({ min: 4, max: 32 });
    expect(pinRange({ minLength: 0, maxLength: 0 })).toEqual({ min: 4, max: 32 });
  });
  test('the token\'s own range when it reports one (PKCS#11 counts bytes)', () => {
    expect(pinRange({ minLength: 6, maxLength: 8 })).toEqual({ min: 6, max: 8 });
    expect(pinRange({ minLength: 4, maxLength: 255 })).toEqual({ min: 4, max: 255 });
    expect(pinRange({ minLength: 6, maxLength: 0 })).toEqual({ min: 6, max: 32 });
    expect(validatePin('ąęłó', { minLength: 4, maxLength: 7 })).toBe('The PIN must have from 4 to 7 bytes (you typed 8).');
  });
  test('messages give the range and the typed length, never the PIN', () => {
    const t = { minLength: 4, maxLength: 8 };
    expect(validatePin('', t)).toMatch(/Type the common profile PIN/);
    const short = validatePin('123', t)!;
    expect(short).toBe('The PIN must have from 4 to 8 bytes (you typed 3).');
    expect(short).not.toContain('123 ');
    expect(validatePin('123456789', t)).toMatch(/from 4 to 8 bytes \(you typed 9\)/);
    expect(validatePin('1234', t)).toBeNull();
    expect(validatePin('12345678', t)).toBeNull();
    expect(validatePin('x'.repeat(33))).toMatch(/from 4 to 32/);
  });
  test('warnings from the token flags', () => {
    expect(pinWarning({ countLow: false, finalTry: false, locked: false })).toBeNull();
    expect(pinWarning({ countLow: true, finalTry: false, locked: false })).toMatch(/few tries are left/);
    expect(pinWarning({ countLow: true, finalTry: true, locked: false })).toMatch(/Final try/);
    expect(pinWarning({ countLow: false, finalTry: false, locked: true })).toMatch(/locked.*PUK/);
  });
});
