// The PIN dialog's flow: opened with `c` (change) on the card screen or `u` (unblock with the PUK)
// on a locked PIN — the reader checklist or the error that says the PIN is locked. The y/n before
// a last try, the masked fields, then the card command; a failure shows the error and goes back to
// the card screen, whose readers are checked afresh. Also the PIN pad on the card path: with
// CKF_PROTECTED_AUTHENTICATION_PATH no PIN field is shown, the card is asked at once.
import type { TokenInfo } from '../card/card.js';
import { run, stay, type Step } from './commands.js';
import { dialogFinalTry, freshCardScreen, pinDialogBack } from './pin-dialog.js';
import type { PinDialogMode, PinDialogScreen } from './pin-dialog-state.js';
import { reduceReissue } from './reduce-reissue.js';
import { pukLocked } from '../card/messages.js';
import { findReader, shownError } from './selectors.js';
import type { CardScreen, Screen, WizardEvent, WizardState } from './state.js';

/** The next step when the event belongs to the PIN dialog, else null. */
export function reducePin(state: WizardState, event: WizardEvent): Step | null {
  const s = state.screen;
  const to = (screen: Screen): Step => stay({ ...state, screen });
  if (event.type === 'pin-dialog-open') {
    const opened = openDialog(s, event.mode);
    if (!opened) return stay(state);
    // A locked PUK: nothing can unblock the card; say so instead of asking for it.
    if (opened.mode === 'unblock' && opened.token.pin.so?.locked) return to({ kind: 'error', error: shownError(pukLocked()), back: freshCardScreen(opened.back) });
    return begin(state, opened);
  }
  if (s.kind !== 'pin-dialog') return null;
  switch (event.type) {
    case 'answer':
      if (s.stage !== 'final-try') return stay(state);
      return event.yes ? begin(state, { ...s, finalTryConfirmed: true }) : to(freshCardScreen(s.back));
    case 'back': {
      if (state.help) return null;
      const back = pinDialogBack(s);
      return back ? to(back) : stay(state);
    }
    case 'pin-dialog-typed':
      if (s.stage !== 'secret' && s.stage !== 'new' && s.stage !== 'again') return stay(state);
      if (event.problem) return to({ ...s, stage: s.stage === 'again' ? 'new' : s.stage, problem: event.problem });
      return to({ ...s, stage: s.stage === 'secret' ? 'new' : 'again', problem: null });
    case 'pin-dialog-submit':
      if (s.stage !== 'again') return stay(state);
      return working(state, s, event.secret, event.newPin);
    case 'pin-dialog-done':
      if (s.stage !== 'working') return stay(state);
      return to({ ...s, stage: 'done', token: event.token });
    case 'failed':
      if (s.stage !== 'working') return null;
      return to({ kind: 'error', error: event.error, back: freshCardScreen(s.back) });
    default:
      return null;
  }
}

/** The dialog for the reader in view: the one highlighted on the card screen, or the one a locked-PIN error came from. */
function openDialog(s: Screen, mode: PinDialogMode): PinDialogScreen | null {
  const card: CardScreen | null = s.kind === 'card' && s.phase === 'select' ? s : s.kind === 'error' && s.back.kind === 'card' && s.error.code === 'pin-locked' ? s.back : null;
  if (!card) return null;
  const reader = s.kind === 'card' ? card.inventory?.readers[card.cursor] : findReader(card.inventory, card.reader);
  const token = reader?.token;
  if (!reader || !token?.pin.initialized) return null;
  // Change needs a PIN that works; unblock is for a locked one (or a forgotten one: the PUK sets it anew).
  if (mode === 'change' && (token.pin.locked || !token.pin.userPinSet)) return null;
  const stage = dialogFinalTry(mode, token.pin) ? 'final-try' : 'secret';
  return { kind: 'pin-dialog', mode, reader: { module: reader.module, slotId: reader.slotId }, token, stage, finalTryConfirmed: false, problem: null, back: card };
}

/** After the y/n (if any): the fields, or on a PIN pad the card at once. */
function begin(state: WizardState, s: PinDialogScreen): Step {
  if (s.stage === 'final-try' && !s.finalTryConfirmed) return stay({ ...state, screen: s });
  if (s.token.pin.protectedAuthPath) return working(state, s, '', '');
  return stay({ ...state, screen: { ...s, stage: 'secret' } });
}

function working(state: WizardState, s: PinDialogScreen, secret: string, newPin: string): Step {
  const next = { ...state, screen: { ...s, stage: 'working' as const, problem: null } };
  const common = { token: s.token, newPin, confirmFinalTry: s.finalTryConfirmed };
  return s.mode === 'change' ? run(next, { type: 'change-pin', pin: secret, ...common }) : run(next, { type: 'unblock-pin', puk: secret, ...common });
}

/**
 * The card path on a PIN-pad reader: where the reissue flow would show the PIN field, the card is
 * asked at once with no PIN (the reader asks for it), as if an empty PIN had been entered.
 */
export function withPinPad(step: Step | null): Step | null {
  const s = step?.state.screen;
  if (!step || s?.kind !== 'card' || s.phase !== 'pin' || !onPad(findReader(s.inventory, s.reader)?.token)) return step;
  const pad = reduceReissue(step.state, { type: 'pin-submit', pin: '' });
  return pad ? { state: pad.state, commands: [...step.commands, ...pad.commands] } : step;
}

const onPad = (token: TokenInfo | null | undefined) => Boolean(token?.pin.protectedAuthPath);
