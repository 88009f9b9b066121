// The PIN rules, checked before the card is asked: the token's state (initialised, user PIN set,
// locked, final try) and the PIN's length in bytes (the token's range, else 4–32). Pure: the CLI and the
// wizard check them too, before prompting. The PIN itself never appears in an error.
import { inputError } from '../domain/errors.js';
import type { PinHolder, PinState } from './card.js';
import { finalTryNeedsConfirmation, pinLocked, pukFinalTryNeedsConfirmation, pukLocked, tokenNotInitialized, userPinNotSet } from './messages.js';

export const PIN_MIN = 4;
export const PIN_MAX = 32;

/** Refuses a token that cannot be logged into, before any PIN is sent. */
export function checkPinState(pin: PinState, confirmFinalTry: boolean | undefined): void {
  if (!pin.initialized) throw tokenNotInitialized();
  if (!pin.userPinSet) throw userPinNotSet();
  if (pin.locked) throw pinLocked();
  if (pin.finalTry && !confirmFinalTry) throw finalTryNeedsConfirmation();
}

/** The same for the SO PIN (the PUK): it unblocks a locked user PIN, so only its own tries count. */
export function checkSoPinState(pin: PinState, confirmFinalTry: boolean | undefined): void {
  if (!pin.initialized) throw tokenNotInitialized();
  if (pin.so?.locked) throw pukLocked();
  if (pin.so?.finalTry && !confirmFinalTry) throw pukFinalTryNeedsConfirmation();
}

/** Every check before a login: the holder's PIN state, then the PIN's length. */
export function checkLogin(state: PinState, who: PinHolder, pin: string, confirmFinalTry: boolean | undefined): void {
  if (who === 'so') checkSoPinState(state, confirmFinalTry);
  else checkPinState(state, confirmFinalTry);
  checkPinLength(pin, state, who);
}

// Reported maxima this large mean "no limit given" (CK_UNAVAILABLE_INFORMATION and friends).
const NO_LIMIT = 1 << 16;

/**
 * The allowed PIN length in bytes (PKCS#11 counts ulPinLen in bytes): the token's own range;
 * 4–32 (the manual's range) only for a bound the token does not report (0).
 */
export function pinRange(token?: Pick<PinState, 'minLength' | 'maxLength'> | null): { min: number; max: number } {
  const min = token?.minLength || PIN_MIN;
  const max = token?.maxLength && token.maxLength < NO_LIMIT ? token.maxLength : PIN_MAX;
  return { min, max: Math.max(min, max) };
}

/** A PIN's length as the card counts it: UTF-8 bytes. */
export const pinBytes = (pin: string) => Buffer.byteLength(pin, 'utf8');

/** Null when the length fits the token's range, else the range and the typed length. */
export function pinLengthProblem(pin: string, token?: Pick<PinState, 'minLength' | 'maxLength'> | null): { min: number; max: number; length: number } | null {
  const { min, max } = pinRange(token);
  const length = pinBytes(pin);
  return length < min || length > max ? { min, max, length } : null;
}

/** The length rule, before the card is asked. Skipped on a PIN pad. Invalid input: exit 3. */
export function checkPinLength(pin: string, state?: PinState, who: PinHolder | 'new' = 'user'): void {
  if (state?.protectedAuthPath && pin === '') return;
  const wrong = pinLengthProblem(pin, state);
  if (!wrong) return;
  const range = `${wrong.min}–${wrong.max} bytes long (${wrong.min}–${wrong.max} characters when it is plain ASCII)`;
  const details = { min: wrong.min, max: wrong.max };
  if (who === 'so') throw inputError('puk-length', `The PUK (SO PIN) must be ${range}.`, 'Type the PUK again.', details);
  if (who === 'new') throw inputError('new-pin-length', `The new PIN must be ${range}; it has ${wrong.length} bytes.`, 'Choose a PIN of a length the card accepts; nothing was changed.', { ...details, length: wrong.length });
  throw inputError('pin-length', `The PIN must be ${range}.`, 'Type the PIN again.', details);
}

/** A new PIN: typed the same twice, of a length the card takes. Checked before the card is asked. */
export function checkNewPin(newPin: string, repeated: string | null, state: PinState): void {
  if (state.protectedAuthPath && newPin === '') return;
  checkPinLength(newPin, state, 'new');
  if (repeated !== null && repeated !== newPin) throw inputError('new-pin-mismatch', 'The new PIN was not typed the same twice; nothing was changed.', 'Type the new PIN again, carefully, twice.');
}

/** What the token reports about tries after a failed login, in words. */
export function triesLeftWords(state: PinState, who: PinHolder = 'user'): { words: string; tries: 'locked' | 'final' | 'low' | 'unknown' } {
  if (who === 'so') {
    const so = state.so;
    if (so?.locked) return { words: 'The card has now locked the PUK: it can no longer be unblocked.', tries: 'locked' };
    if (so?.finalTry) return { words: 'The card reports one PUK try left: the next wrong PUK makes the card unusable.', tries: 'final' };
    if (so?.countLow) return { words: 'The card reports that few PUK tries are left.', tries: 'low' };
    return { words: 'The card does not say how many PUK tries are left.', tries: 'unknown' };
  }
  if (state.locked) return { words: 'The card has now locked the PIN.', tries: 'locked' };
  if (state.finalTry) return { words: 'The card reports one try left: the next wrong PIN locks it.', tries: 'final' };
  if (state.countLow) return { words: 'The card reports that few tries are left.', tries: 'low' };
  return { words: 'The card does not say how many tries are left.', tries: 'unknown' };
}
