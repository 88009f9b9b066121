// Pure rules of the PIN dialog used by the selectors, the navigation and reduce-pin.ts.
import type { PinState } from '../card/card.js';
import type { PinDialogMode, PinDialogScreen } from './pin-dialog-state.js';
import type { Screen } from './state.js';
import { cardNumber } from './format.js';
import { t } from '../i18n/i18n.js';

/** A masked field has the keyboard. */
export const pinDialogTyping = (s: PinDialogScreen): boolean => s.stage === 'secret' || s.stage === 'new' || s.stage === 'again';

/** The card screen again, its readers checked afresh (the PIN state has changed). */
export function freshCardScreen(back: Screen): Screen {
  return back.kind === 'card' ? { ...back, phase: 'select', readerCheck: 'idle', pinError: null, finalTryConfirmed: false, progress: null } : back;
}

/** Esc: one field back, or out of the dialog; nothing while the card works. */
export function pinDialogBack(s: PinDialogScreen): Screen | null {
  if (s.stage === 'working') return null;
  if (s.stage === 'again') return { ...s, stage: 'new', problem: null };
  if (s.stage === 'new') return { ...s, stage: 'secret', problem: null };
  return freshCardScreen(s.back);
}

/** Whose last try the dialog would risk: the current PIN's (change) or the PUK's (unblock). */
export function dialogFinalTry(mode: PinDialogMode, pin: PinState): boolean {
  return mode === 'unblock' ? Boolean(pin.so?.finalTry) : pin.finalTry;
}

/** The dialog's title: which card, and whether its PIN is changed or unblocked. */
export const pinDialogTitle = (s: PinDialogScreen): string =>
  t(s.mode === 'unblock' ? 'pinDialog.titleUnblock' : 'pinDialog.titleChange', { number: cardNumber(s.token.serial), label: s.token.label });
