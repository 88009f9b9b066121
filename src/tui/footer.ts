// The footer's key hints for the current state, in the current language.
import { t } from '../i18n/i18n.js';
import { isBusy, isTyping } from '../wizard/selectors.js';
import type { WizardState } from '../wizard/state.js';
import { detailsOverflow } from '../wizard/view-size.js';
import { IDLE_TAIL, LIST_HINTS } from './skeleton.js';

/** Hint ids, each a message footer.ID. */
function hintIds(state: WizardState): readonly string[] {
  if (state.help) return ['closeHelp'];
  // The last frame: nothing is waited for any more.
  if (state.ending) return [];
  const s = state.screen;
  // Every key typed into a field is text (a PIN may hold "?" or "q"): help is F1 there.
  const tail = isTyping(state) ? ['helpInField', 'ctrlcQuit'] : isBusy(state) ? ['wait'] : IDLE_TAIL;
  switch (s.kind) {
    case 'list':
      return state.list.filtering ? ['typeToFilter', 'enterDone', 'escClear', ...tail] : [...LIST_HINTS, ...tail];
    case 'pending':
      return ['moveShort', 'details', 'escBack', ...tail];
    case 'details':
      return ['chooseLeftRight', 'run', ...(detailsOverflow(state) ? ['pageScroll'] : []), 'backToList', ...tail];
    case 'result':
      return ['chooseLeftRight', 'run', 'backToList', ...tail];
    case 'preview':
      return ['scroll', 'escBack', ...tail];
    case 'download':
      return s.phase === 'confirm-overwrite' ? ['yReplace', 'nKeep', ...tail] : ['save', 'escBack', ...tail];
    case 'revoke':
      return ['yRevoke', 'nKeep', ...tail];
    case 'step1':
      if (s.stage === 'cloud-confirm') return ['yReissue', 'nBack', ...tail];
      return s.scan === 'failed' ? ['retry', 'escCancel', ...tail] : ['chooseUpDown', 'next', 'escCancel', ...tail];
    case 'csr':
      // dns-01 by hand: the records wait for the user, not the other way round.
      if (s.dnsRecords) return ['dnsPublished', 'escCancelOrder'];
      if (s.mode === 'report') return s.report?.ok ? ['next', 'escBackStep', ...tail] : ['escBackStep', ...tail];
      if (s.mode === 'paste') return ['pasteCsr', 'escBackStep', ...tail];
      return ['next', 'escBackStep', ...tail];
    case 'card':
      if (s.dnsRecords) return ['dnsPublished', 'escCancelOrder'];
      if (s.phase === 'final-try') return ['yContinue', 'nBack', ...tail];
      if (s.phase === 'pin') return ['ok', 'escCancel', ...tail];
      if (s.phase === 'select') return ['reader', 'useCard', 'escBackStep', ...tail];
      return tail;
    case 'error':
      return ['errorBack', ...tail];
    case 'pin-dialog':
      if (s.stage === 'final-try') return ['yContinue', 'nBack', ...tail];
      if (s.stage === 'done') return ['errorBack', ...tail];
      return s.stage === 'working' ? tail : ['ok', 'escCancel', ...tail];
  }
}

export function footerHints(state: WizardState): string[] {
  return hintIds(state).map((id) => t(`footer.${id}`));
}
