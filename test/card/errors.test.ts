// PKCS#11 return values → card errors with a next step.
import { describe, expect, test } from 'vitest';
import pkcs11js from 'pkcs11js';
import { ckrOf, toCardError } from '../../src/card/pkcs11/errors.js';
import { checkPinLength, checkPinState, triesLeftWords } from '../../src/card/pin-rules.js';
import type { PinState } from '../../src/card/card.js';
import { ckrError } from './support.js';

describe('ckrOf', () => {
  test('reads Pkcs11Error.code, the "CKR_X:n" text of plain errors, and vendor codes', () => {
    expect(ckrOf(ckrError('CKR_PIN_INCORRECT', 'C_Login'))).toEqual({ name: 'CKR_PIN_INCORRECT', code: 0xa0 });
    expect(ckrOf(new Error('CKR_SESSION_HANDLE_INVALID:179'))).toEqual({ name: 'CKR_SESSION_HANDLE_INVALID', code: 0xb3 });
    expect(ckrOf(new pkcs11js.Pkcs11Error('CKR_VENDOR_DEFINED', 0x80000123, ''))).toEqual({ name: 'CKR_VENDOR_DEFINED', code: 0x80000123 });
    expect(ckrOf(new Error('libfoo.so: cannot open shared object file'))).toBeNull();
    expect(ckrOf('text')).toBeNull();
  });
});

describe('toCardError', () => {
  const cases: [keyof typeof pkcs11js & `CKR_${string}`, string][] = [
    ['CKR_PIN_INCORRECT', 'pin-wrong'],
    ['CKR_PIN_INVALID', 'pin-invalid'],
    ['CKR_PIN_LEN_RANGE', 'pin-length'],
    ['CKR_PIN_EXPIRED', 'pin-expired'],
    ['CKR_PIN_LOCKED', 'pin-locked'],
    ['CKR_USER_PIN_NOT_INITIALIZED', 'user-pin-not-set'],
    ['CKR_USER_NOT_LOGGED_IN', 'not-logged-in'],
    ['CKR_FUNCTION_CANCELED', 'cancelled'],
    ['CKR_TOKEN_NOT_RECOGNIZED', 'card-not-recognized'],
    ['CKR_DEVICE_ERROR', 'card-device-error'],
    ['CKR_DEVICE_MEMORY', 'card-memory-full'],
    ['CKR_TOKEN_WRITE_PROTECTED', 'card-write-protected'],
    ['CKR_OPERATION_ACTIVE', 'card-busy'],
    ['CKR_MECHANISM_INVALID', 'algorithm-unsupported'],
    ['CKR_KEY_SIZE_RANGE', 'algorithm-unsupported'],
    ['CKR_TEMPLATE_INCONSISTENT', 'algorithm-unsupported'],
    ['CKR_FUNCTION_NOT_SUPPORTED', 'algorithm-unsupported'],
    ['CKR_TEMPLATE_INCOMPLETE', 'card-template-rejected'],
    ['CKR_GENERAL_ERROR', 'card-general-error'],
    ['CKR_RANDOM_NO_RNG', 'card-error'],
  ];
  test.each(cases)('%s → %s, kind card, with a hint', (ckr, code) => {
    const e = toCardError(ckrError(ckr));
    expect(e).toMatchObject({ kind: 'card', code, exitCode: 4, details: { ckr } });
    expect(e.hint).toBeTruthy();
  });

  test('CURVE_NOT_SUPPORTED (PKCS#11 3.0, unknown to pkcs11js) is algorithm-unsupported', () => {
    expect(toCardError(new Error('CKR_VENDOR_DEFINED:320'))).toMatchObject({ code: 'algorithm-unsupported', details: { ckr: 'CKR_CURVE_NOT_SUPPORTED' } });
  });

  test('removal: "card removed" during an operation, "no card" before one', () => {
    for (const ckr of ['CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED'] as const) {
      expect(toCardError(ckrError(ckr), 'generate')).toMatchObject({ code: 'card-removed' });
      expect(toCardError(ckrError(ckr), 'sign').message).toContain('while signing');
      expect(toCardError(ckrError(ckr))).toMatchObject({ code: 'no-card' });
    }
  });

  test('unknown codes name themselves; non-PKCS#11 errors are card-unexpected', () => {
    expect(toCardError(ckrError('CKR_RANDOM_NO_RNG')).message).toContain('CKR_RANDOM_NO_RNG (0x121)');
    expect(toCardError(new Error('boom'))).toMatchObject({ code: 'card-unexpected', kind: 'card' });
  });
});

describe('PIN rules', () => {
  const state = (over: Partial<PinState> = {}): PinState => ({
    initialized: true, userPinSet: true, countLow: false, finalTry: false, locked: false, toBeChanged: false, protectedAuthPath: false, minLength: 4, maxLength: 255, ...over,
  });

  test('state: not initialised, no user PIN, locked, final try without / with confirmation', () => {
    expect(() => checkPinState(state({ initialized: false }), true)).toThrow(expect.objectContaining({ code: 'token-not-initialized' }));
    expect(() => checkPinState(state({ userPinSet: false }), true)).toThrow(expect.objectContaining({ code: 'user-pin-not-set' }));
    expect(() => checkPinState(state({ locked: true, finalTry: true }), true)).toThrow(expect.objectContaining({ code: 'pin-locked' }));
    expect(() => checkPinState(state({ finalTry: true }), false)).toThrow(expect.objectContaining({ code: 'pin-final-try' }));
    expect(() => checkPinState(state({ finalTry: true }), true)).not.toThrow();
    expect(() => checkPinState(state({ countLow: true }), false)).not.toThrow();
  });

  test('length: the token\'s range in bytes (4–32 only where it gives none); invalid input (exit 3); empty allowed only on a PIN pad', () => {
    const none = { minLength: 0, maxLength: 0 };
    expect(() => checkPinLength('1234', state(none))).not.toThrow();
    expect(() => checkPinLength('x'.repeat(32), state(none))).not.toThrow();
    expect(() => checkPinLength('123', state(none))).toThrow(expect.objectContaining({ kind: 'input', code: 'pin-length', details: { min: 4, max: 32 } }));
    expect(() => checkPinLength('x'.repeat(33), state(none))).toThrow(expect.objectContaining({ code: 'pin-length' }));
    // SoftHSM reports 4–255: a 40-character PIN is fine there.
    expect(() => checkPinLength('x'.repeat(40), state({ minLength: 4, maxLength: 255 }))).not.toThrow();
    expect(() => checkPinLength('x'.repeat(256), state({ minLength: 4, maxLength: 255 }))).toThrow(expect.objectContaining({ details: { min: 4, max: 255 } }));
    // Bytes, as PKCS#11 counts them: 4 characters of 2 bytes each are 8 bytes.
    expect(() => checkPinLength('ąęłó', state({ minLength: 4, maxLength: 7 }))).toThrow(expect.objectContaining({ code: 'pin-length' }));
    expect(() => checkPinLength('ąęł', state({ minLength: 6, maxLength: 8 }))).not.toThrow();
    expect(() => checkPinLength('123456', state({ minLength: 6, maxLength: 8 }))).not.toThrow();
    expect(() => checkPinLength('123456789', state({ minLength: 6, maxLength: 8 }))).toThrow(expect.objectContaining({ details: { min: 6, max: 8 } }));
    expect(() => checkPinLength('', state({ protectedAuthPath: true }))).not.toThrow();
    expect(() => checkPinLength('', state())).toThrow(expect.objectContaining({ code: 'pin-length' }));
  });

  test('tries left in words', () => {
    expect(triesLeftWords(state({ countLow: true })).tries).toBe('low');
    expect(triesLeftWords(state({ countLow: true, finalTry: true })).tries).toBe('final');
    expect(triesLeftWords(state({ locked: true })).tries).toBe('locked');
    expect(triesLeftWords(state()).words).toBe('The card does not say how many tries are left.');
  });

  test('the PIN never appears in a length error', () => {
    try {
      checkPinLength('secret-pin-that-is-far-too-long-to-be-accepted', state());
      expect.unreachable();
    } catch (e) {
      expect(JSON.stringify(e) + String(e)).not.toContain('secret-pin');
    }
  });
});
