// The PIN rules, checked before the card is asked: the token's state (initialised, user PIN set,
// locked, final try) and the PIN's length (4–32 and the token's own range). Pure: the CLI and the
// wizard check them too, before prompting. The PIN itself never appears in an error.
import { cardError } from '../domain/errors.js';
import type { PinState } from './card.js';
import { finalTryNeedsConfirmation, pinLocked, tokenNotInitialized, userPinNotSet } from './messages.js';

export const PIN_MIN = 4;
export const PIN_MAX = 32;

/** Refuses a token that cannot be logged into, before any PIN is sent. */
export function checkPinState(pin: PinState, confirmFinalTry: boolean | undefined): void {
  if (!pin.initialized) throw tokenNotInitialized();
  if (!pin.userPinSet) throw userPinNotSet();
  if (pin.locked) throw pinLocked();
  if (pin.finalTry && !confirmFinalTry) throw finalTryNeedsConfirmation();
}

/** The allowed length range: 4–32, narrowed by what the token reports (0 means "not reported"). */
export function pinRange(token?: Pick<PinState, 'minLength' | 'maxLength'> | null): { min: number; max: number } {
  const min = Math.max(PIN_MIN, token?.minLength || 0);
  const max = Math.min(PIN_MAX, token?.maxLength || PIN_MAX);
  return { min, max: Math.max(min, max) };
}

/** Length rules: 4–32 characters, and within what the token itself accepts. Skipped on a PIN pad. */
export function checkPinLength(pin: string, state?: PinState): void {
  if (state?.protectedAuthPath && pin === '') return;
  const chars = [...pin].length;
  const bytes = Buffer.byteLength(pin, 'utf8');
  const { min, max } = pinRange(state);
  if (chars < PIN_MIN || chars > PIN_MAX || bytes < min || bytes > max) {
    throw cardError('pin-length', `The PIN must be ${min}–${max} characters long.`, 'Type the PIN again.', { min, max });
  }
}

/** What the token reports about tries after a failed login, in words. */
export function triesLeftWords(state: PinState): { words: string; tries: 'locked' | 'final' | 'low' | 'unknown' } {
  if (state.locked) return { words: 'The card has now locked the PIN.', tries: 'locked' };
  if (state.finalTry) return { words: 'The card reports one try left: the next wrong PIN locks it.', tries: 'final' };
  if (state.countLow) return { words: 'The card reports that few tries are left.', tries: 'low' };
  return { words: 'The card does not say how many tries are left.', tries: 'unknown' };
}
