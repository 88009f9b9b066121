// Reducer runs as the wizard runs them: each state is drawn before the next key is read, so a
// question on screen counts as shown (question-shown), and an answer's key was read after that (its `at`).
import { reduce } from '../../src/wizard/reducer.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';

let clock = 0;
/** A moment later than any before (a key read now). */
export const nextRead = (): number => ++clock;
export const drawn = (s: WizardState): WizardState => (s.asked && s.asked.shownAt === null ? reduce(s, { type: 'question-shown', id: s.asked.id, at: nextRead() }) : s);
export const keyed = (e: WizardEvent): WizardEvent => ((e.type === 'answer' || e.type === 'submit-start') && e.at === undefined ? { ...e, at: nextRead() } : e);
/** The events one after another, each state drawn before the next key. */
export const run = (state: WizardState, ...events: WizardEvent[]): WizardState => events.reduce((s, e) => drawn(reduce(s, keyed(e))), drawn(state));
