// PIN rules: the token's own range in bytes, the manual's SignService dialog ("from 4 to 32
// characters") when the token gives none. Messages never contain the PIN itself, only its length.
import type { PinState } from '../card/card.js';
import { PIN_MAX, PIN_MIN, pinLengthProblem, pinRange } from '../card/pin-rules.js';
import { t } from '../i18n/i18n.js';

// One set of length rules for the card layer and the wizard.
export { PIN_MAX, PIN_MIN, pinRange };

/** Null when the length is acceptable, otherwise a message that says what to type. */
export function validatePin(pin: string, token?: Pick<PinState, 'minLength' | 'maxLength'> | null): string | null {
  if (pin.length === 0) return 'Type the common profile PIN of the card.';
  const wrong = pinLengthProblem(pin, token);
  return wrong ? `The PIN must have from ${wrong.min} to ${wrong.max} bytes (you typed ${wrong.length}).` : null;
}

/** The warning to show before the PIN is typed, if the token reports one. */
export function pinWarning(pin: Pick<PinState, 'countLow' | 'finalTry' | 'locked'>): string | null {
  if (pin.locked) return t('pin.locked');
  if (pin.finalTry) return t('card.finalTry');
  if (pin.countLow) return t('pin.countLow');
  return null;
}
