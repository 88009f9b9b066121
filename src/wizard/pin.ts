// PIN rules: the token's own range in bytes, the manual's SignService dialog ("from 4 to 32
// characters") when the token gives none. Messages never contain the PIN itself, only its length.
import type { PinState } from '../card/card.js';
import { PIN_MAX, PIN_MIN, pinLengthProblem, pinRange } from '../card/pin-rules.js';
import { t } from '../i18n/i18n.js';

// One set of length rules for the card layer and the wizard.
export { PIN_MAX, PIN_MIN, pinRange };

/** Null when the length is acceptable, otherwise a message that says what to type. */
export function validatePin(pin: string, token?: (Pick<PinState, 'minLength' | 'maxLength'> & Partial<Pick<PinState, 'protectedAuthPath'>>) | null): string | null {
  // On a PIN pad an empty entry means "ask the reader".
  if (pin.length === 0) return token?.protectedAuthPath ? null : t('pin.empty');
  const wrong = pinLengthProblem(pin, token);
  return wrong ? t('pin.length', { min: wrong.min, max: wrong.max, count: wrong.length }) : null;
}

/** The warning to show before the PIN is typed, if the token reports one. */
export function pinWarning(pin: Pick<PinState, 'countLow' | 'finalTry' | 'locked'>): string | null {
  if (pin.locked) return t('pin.locked');
  if (pin.finalTry) return t('card.finalTry');
  if (pin.countLow) return t('pin.countLow');
  return null;
}
