// Ctrl+C, telling the truth about a key generation on a card. Before the key pair exists the card
// is closed (it stops at its next safe point and removes what is half-made) and the wizard ends
// with "Cancelled: nothing was generated or issued"; if the pair was finished first, it goes on.
// Once it exists a first Ctrl+C finishes the submission (the result is the last frame, exit 0); a
// second one stops it and ends with the exact command that submits the CSR later (exit 130).
import { run, stay, type Step } from './commands.js';
import type { WizardEvent, WizardState } from './state.js';
import { CANCELLED_LINE, EXIT_INTERRUPTED, stoppedLines } from '../flows/outcome.js';

export function reduceInterrupt(state: WizardState, event: WizardEvent): Step | null {
  const s = state.screen;
  const end = (code: number, message: string | null): Step => stay({ ...state, ending: { code, message } });
  const generating = s.kind === 'card' && s.purpose === 'generate';
  switch (event.type) {
    case 'interrupt':
      if (generating && s.phase === 'progress') return run({ ...state, screen: { ...s, phase: 'cancelling' } }, { type: 'cancel-card' });
      if (generating && s.phase === 'cancelling') return stay(state);
      if (generating && s.phase === 'submitting' && s.made) {
        if (!s.finishing) return stay({ ...state, screen: { ...s, finishing: true } });
        return run(state, { type: 'keep-for-later', cert: s.cert, csrPem: s.made.csrPem, keyId: s.made.keyId });
      }
      return end(EXIT_INTERRUPTED, null);
    case 'card-generated':
      // The pair was finished before the card saw the cancel: it exists, so it is submitted.
      if (!generating || s.phase !== 'cancelling') return null;
      return stay({ ...state, screen: { ...s, phase: 'submitting', finishing: true, made: { csrPem: event.csrPem, keyId: event.keyId } } });
    case 'failed':
      if (generating && s.phase === 'cancelling') return end(EXIT_INTERRUPTED, CANCELLED_LINE);
      return null;
    case 'kept-for-later':
      if (!generating || s.phase !== 'submitting') return null;
      return end(EXIT_INTERRUPTED, stoppedLines(event.command));
    case 'reissued':
      // Interrupted, but the copy was issued: its result is the last frame and the exit is 0.
      if (generating && s.phase === 'submitting' && s.finishing) {
        return { state: { ...state, screen: { kind: 'result', result: event.result, via: 'card', cursor: 0, tokenSerial: event.tokenSerial ?? null, generatedKeyPath: null, notice: null }, ending: { code: 0, message: null } }, command: null };
      }
      return null;
    default:
      return null;
  }
}
