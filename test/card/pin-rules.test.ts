// The PIN rules for the PUK (SO PIN) and a new PIN: pure, checked before any card is asked.
import { describe, expect, test } from 'vitest';
import type { PinState } from '../../src/card/card.js';
import { checkLogin, checkNewPin, checkSoPinState, triesLeftWords } from '../../src/card/pin-rules.js';

const state = (over: Partial<PinState> = {}): PinState => ({
  initialized: true, userPinSet: true, countLow: false, finalTry: false, locked: false, toBeChanged: false, protectedAuthPath: false, minLength: 4, maxLength: 255,
  so: { countLow: false, finalTry: false, locked: false }, ...over,
});

describe('the PUK', () => {
  test('a locked user PIN does not stop the PUK; a locked PUK does (card unusable); its final try needs consent', () => {
    expect(() => checkSoPinState(state({ locked: true }), false)).not.toThrow();
    expect(() => checkSoPinState(state({ so: { countLow: false, finalTry: false, locked: true } }), true)).toThrow(expect.objectContaining({ kind: 'card', code: 'puk-locked', message: expect.stringContaining('unusable') }));
    expect(() => checkSoPinState(state({ so: { countLow: true, finalTry: true, locked: false } }), false)).toThrow(expect.objectContaining({ code: 'puk-final-try' }));
    expect(() => checkSoPinState(state({ so: { countLow: true, finalTry: true, locked: false } }), true)).not.toThrow();
    expect(() => checkSoPinState(state({ initialized: false }), true)).toThrow(expect.objectContaining({ code: 'token-not-initialized' }));
  });

  test('checkLogin: the holder\'s own state and the length; the PUK is named in its length error', () => {
    expect(() => checkLogin(state({ locked: true }), 'user', '1234', false)).toThrow(expect.objectContaining({ code: 'pin-locked' }));
    expect(() => checkLogin(state({ locked: true }), 'so', '87654321', false)).not.toThrow();
    expect(() => checkLogin(state(), 'so', '876', false)).toThrow(expect.objectContaining({ kind: 'input', code: 'puk-length', message: expect.stringContaining('PUK') }));
    // A PIN pad takes no PIN from us.
    expect(() => checkLogin(state({ protectedAuthPath: true }), 'so', '', false)).not.toThrow();
  });

  test('tries left in words, for the PUK', () => {
    expect(triesLeftWords(state({ so: { countLow: true, finalTry: false, locked: false } }), 'so')).toMatchObject({ tries: 'low', words: expect.stringContaining('PUK') });
    expect(triesLeftWords(state({ so: { countLow: false, finalTry: true, locked: false } }), 'so').tries).toBe('final');
    expect(triesLeftWords(state({ so: { countLow: false, finalTry: false, locked: true } }), 'so').words).toContain('can no longer be unblocked');
    // The user PIN's flags say nothing about the PUK.
    expect(triesLeftWords(state({ locked: true }), 'so').tries).toBe('unknown');
  });
});

describe('a new PIN', () => {
  test('bytes, not characters; the repeat must match', () => {
    const s = state({ minLength: 4, maxLength: 8 });
    expect(() => checkNewPin('żż', 'żż', s)).not.toThrow(); // 2 characters, 4 bytes
    expect(() => checkNewPin('żżżżż', null, s)).toThrow(expect.objectContaining({ kind: 'input', code: 'new-pin-length', details: { min: 4, max: 8, length: 10 } }));
    expect(() => checkNewPin('abc', null, s)).toThrow(expect.objectContaining({ code: 'new-pin-length' }));
    expect(() => checkNewPin('abcd', 'abce', s)).toThrow(expect.objectContaining({ kind: 'input', code: 'new-pin-mismatch' }));
    expect(() => checkNewPin('', null, state({ protectedAuthPath: true }))).not.toThrow();
  });
});
