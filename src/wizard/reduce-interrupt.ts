// Ctrl+C, telling the truth about what the portal or the card holds.
// A key generation on a card: before the key pair exists the card is closed (it stops at its next
// safe point and removes what is half-made) and the wizard ends with "Cancelled: nothing was
// generated or issued"; if the pair was finished first, it goes on. Once it exists a first Ctrl+C
// finishes the submission (the result is the last frame, exit 0); a second one stops it and ends
// with the exact command that submits the CSR later (exit 130).
// A submission to the portal (a CSR, a key pair in the cloud) is finished the same way; a second
// Ctrl+C ends with how to see whether the copy was issued.
import { run, stay, type Step } from './commands.js';
import { reduceReissue } from './reduce-reissue.js';
import type { WizardEvent, WizardState } from './state.js';
import { cancelledLine, EXIT_INTERRUPTED, stoppedLines, unansweredLines } from '../flows/outcome.js';
import { EXIT_CODES } from '../domain/errors.js';

export function reduceInterrupt(state: WizardState, event: WizardEvent): Step | null {
  const s = state.screen;
  const end = (code: number, message: string | null): Step => stay({ ...state, ending: { code, message } });
  const generating = s.kind === 'card' && s.purpose === 'generate';
  const submitting = (s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'step1' && s.stage === 'cloud-submitting');
  const finishing = (generating && s.phase === 'submitting' && s.finishing) || (submitting && s.finishing);
  switch (event.type) {
    case 'interrupt':
      // dns-01 by hand, records still on screen: the CA has checked nothing yet, so the order is
      // cancelled as Esc would, and its answer ("Cancelled: … no certificate was issued") ends it.
      if ((s.kind === 'csr' || s.kind === 'card') && s.dnsRecords) return run({ ...state, screen: { ...s, dnsRecords: null, finishing: true } }, { type: 'answer-dns-records', published: false });
      if (generating && s.phase === 'progress') return run({ ...state, screen: { ...s, phase: 'cancelling' } }, { type: 'cancel-card' });
      if (generating && s.phase === 'cancelling') return stay(state);
      if (generating && s.phase === 'submitting' && s.made) {
        if (!s.finishing) return stay({ ...state, screen: { ...s, finishing: true } });
        return run(state, { type: 'keep-for-later', cert: s.cert, csrPem: s.made.csrPem, keyId: s.made.keyId });
      }
      if (submitting) {
        if (!s.finishing) return stay({ ...state, screen: { ...s, finishing: true } });
        return end(EXIT_INTERRUPTED, unansweredLines(s.cert.id));
      }
      return end(EXIT_INTERRUPTED, null);
    case 'card-generated':
      // The pair was finished before the card saw the cancel: it exists, so it is submitted.
      if (!generating || s.phase !== 'cancelling') return null;
      return stay({ ...state, screen: { ...s, phase: 'submitting', finishing: true, made: { csrPem: event.csrPem, keyId: event.keyId } } });
    case 'failed':
      if (generating && s.phase === 'cancelling') return end(EXIT_INTERRUPTED, cancelledLine());
      // Interrupted, and the portal said no: its answer is the last frame, with its exit status.
      if (submitting && s.finishing) return end(EXIT_CODES[event.error.kind], `✗ ${event.error.message}${event.error.hint ? ` ${event.error.hint}` : ''}`);
      return null;
    case 'kept-for-later':
      if (!generating || s.phase !== 'submitting') return null;
      return end(EXIT_INTERRUPTED, stoppedLines(event.command));
    case 'reissued': {
      // Interrupted, but the copy was issued: its result is the last frame and the exit is 0.
      if (!finishing) return null;
      const result = reduceReissue(state, event);
      return result && { ...result, state: { ...result.state, ending: { code: 0, message: null } } };
    }
    default:
      return null;
  }
}
