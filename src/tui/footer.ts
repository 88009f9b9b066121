// The footer's key hints for the current state.
import { isBusy, isTyping } from '../wizard/selectors.js';
import type { WizardState } from '../wizard/state.js';

export function footerHints(state: WizardState): string[] {
  if (state.help) return ['Esc close help'];
  const s = state.screen;
  const typing = isTyping(state);
  const tail = typing ? ['Ctrl+C quit'] : isBusy(state) ? ['please wait'] : ['? help', 'q quit'];
  switch (s.kind) {
    case 'list':
      return state.list.filtering ? ['type to filter', 'Enter done', 'Esc clear', ...tail] : ['↑↓ PgUp PgDn move', 'Enter details', '/ filter', 'p pending', ...tail];
    case 'pending':
      return ['↑↓ move', 'Enter details', 'Esc back', ...tail];
    case 'details':
    case 'result':
      return ['←→ choose', 'Enter run', 'Esc back to list', ...tail];
    case 'preview':
      return ['↑↓ PgUp PgDn scroll', 'Esc back', ...tail];
    case 'download':
      return s.phase === 'confirm-overwrite' ? ['y replace', 'n keep', ...tail] : ['Enter save', 'Esc back', ...tail];
    case 'revoke':
      return ['y revoke', 'n keep', ...tail];
    case 'step1':
      return s.scan === 'failed' ? ['r retry', 'Esc Cancel', ...tail] : ['↑↓ choose', 'Enter Next', 'Esc Cancel', ...tail];
    case 'csr':
      if (s.mode === 'report') return s.report?.ok ? ['Enter Next', 'Esc Back', ...tail] : ['Esc Back', ...tail];
      if (s.mode === 'paste') return ['paste the CSR', 'Esc Back', ...tail];
      return ['Enter Next', 'Esc Back', ...tail];
    case 'card':
      if (s.phase === 'final-try') return ['y continue', 'n back', ...tail];
      if (s.phase === 'pin') return ['Enter Ok', 'Esc Cancel', ...tail];
      if (s.phase === 'select') return ['↑↓ reader', 'Enter use card', 'Esc Back', ...tail];
      return tail;
    case 'error':
      return ['Enter/Esc back', ...tail];
  }
}
