// PIN rules of the manual's SignService dialog ("from 4 to 32 characters") and the token's own
// range. Messages never contain the PIN itself, only its length.
import type { PinState } from '../card/card.js';
import { PIN_MAX, PIN_MIN, pinRange } from '../card/pin-rules.js';
import { t } from '../i18n/i18n.js';

// One set of length rules for the card layer and the wizard.
export { PIN_MAX, PIN_MIN, pinRange };

/** Null when the length is acceptable, otherwise a message that says what to type. */
export function validatePin(pin: string, token?: Pick<PinState, 'minLength' | 'maxLength'> | null): string | null {
  const { min, max } = pinRange(token);
  const n = [...pin].length;
  if (n === 0) return t('pin.empty');
  if (n < min || n > max) return t('pin.length', { min, max, count: n });
  return null;
}

/** The warning to show before the PIN is typed, if the token reports one. */
export function pinWarning(pin: Pick<PinState, 'countLow' | 'finalTry' | 'locked'>): string | null {
  if (pin.locked) return t('pin.locked');
  if (pin.finalTry) return t('card.finalTry');
  if (pin.countLow) return t('pin.countLow');
  return null;
}
