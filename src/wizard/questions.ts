// Questions that cannot be taken back — revoke a certificate, spend the card's final PIN (or PUK)
// try, submit a checked CSR, issue a copy in the cloud — are answered only by a key typed after the
// question was on screen. A key typed ahead (in the same burst as the key that opened the question,
// or while a CSR was being checked) is dropped and the screen says so. The PIN field is only ever
// reached past the final-try question while the card reports its final try. Pure: the view reports
// when a question was drawn (question-shown) and each answer says when its key was read.
import { findReader } from './selectors.js';
import type { WizardState } from './state.js';

/** The irreversible question on screen, by an id that changes when another question is asked; null if none. */
export function questionOn(state: WizardState): string | null {
  const s = state.screen;
  if (state.help) return null;
  if (s.kind === 'revoke' && s.phase === 'confirm') return `revoke:${s.cert.id}`;
  if (s.kind === 'card' && s.phase === 'final-try' && s.reader) return `final-try:${s.reader.module}:${s.reader.slotId}`;
  if (s.kind === 'csr' && s.mode === 'report' && s.report?.ok) return `csr-review:${s.cert.id}`;
  if (s.kind === 'pin-dialog' && s.stage === 'final-try') return `pin-dialog-final-try:${s.mode}:${s.token.serial}`;
  if (s.kind === 'step1' && s.stage === 'cloud-confirm') return `cloud-confirm:${s.cert.id}`;
  return null;
}

/** Whether a key read at `at` may answer what is on screen: any key, unless an irreversible question is asked. */
export function answersInTime(state: WizardState, at: number | undefined): boolean {
  const id = questionOn(state);
  if (id === null) return true;
  const asked = state.asked;
  return asked?.id === id && asked.shownAt !== null && at !== undefined && at > asked.shownAt;
}

/** A key typed ahead tried to answer: it is dropped, and the question says so. */
export function typedAhead(state: WizardState): WizardState {
  return state.asked && !state.asked.early ? { ...state, asked: { ...state.asked, early: true } } : state;
}

/** The question `id` was drawn at `at` (the first frame counts). */
export function questionShown(state: WizardState, id: string, at: number): WizardState {
  const asked = state.asked;
  if (asked?.id !== id || asked.shownAt !== null) return state;
  return { ...state, asked: { ...asked, shownAt: at } };
}

/** `state` with its rules applied after any event: the PIN field guarded, `asked` following the screen. */
export function settle(state: WizardState): WizardState {
  return followQuestion(guardPinField(state));
}

/**
 * Every way to the PIN field (choosing the reader, back from a wrong PIN, a rescan that finds the
 * card changed) passes here: a card at its final try asks first, a locked card goes back to the
 * checklist that says so.
 */
function guardPinField(state: WizardState): WizardState {
  const s = state.screen;
  if (s.kind !== 'card' || s.phase !== 'pin') return state;
  const pin = findReader(s.inventory, s.reader)?.token?.pin;
  if (pin?.locked) return { ...state, screen: { ...s, phase: 'select', finalTryConfirmed: false, pinError: null } };
  if (pin?.finalTry && !s.finalTryConfirmed) return { ...state, screen: { ...s, phase: 'final-try', pinError: null } };
  return state;
}

function followQuestion(state: WizardState): WizardState {
  const id = questionOn(state);
  if (id === null) return state.asked ? { ...state, asked: null } : state;
  if (state.asked?.id === id) return state;
  return { ...state, asked: { id, shownAt: null, early: false } };
}
