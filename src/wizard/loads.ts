// What the screen on view needs loaded, decided from the state alone: the list's missing page and
// (once typing pauses) its count, a certificate's details, the pending revocations, a preview, the
// card readers. step() adds these commands after every event, so a screen never starts a load and
// each load is asked for once: the state notes what is in flight. Pure.
import type { WizardCommand } from './commands.js';
import { pageKey, pageToFetch } from './list-window.js';
import { totalToCount } from './selectors.js';
import type { ListState, Screen, WizardState } from './state.js';

/** The count waits until typing pauses: a fast typist's intermediate filters are never counted. */
export const COUNT_PAUSE_MS = 250;
/** How often the reader checklist is checked again while it is on screen. */
export const READER_CHECK_MS = 1500;

interface Loads {
  state: WizardState;
  commands: WizardCommand[];
}

/** `next` (the state an event led to from `prev`) with the loads it needs noted, and their commands. */
export function loadsFor(prev: WizardState, next: WizardState): Loads {
  const commands: WizardCommand[] = [];
  const list = next.screen.kind === 'list' ? listLoads(next.list, commands) : next.list;
  const screen = screenLoads(prev.screen, next.screen, commands);
  if (list === next.list && screen === next.screen) return { state: next, commands };
  return { state: { ...next, list, screen }, commands };
}

function listLoads(list: ListState, commands: WizardCommand[]): ListState {
  // After a failure nothing is asked again until `r` (list-retry).
  if (list.error) return list;
  let next = list;
  const loaded = list.page ? { query: list.page.query, offset: list.page.offset, count: list.page.items.length } : null;
  const request = pageToFetch(list.query, list, list.total, list.height, loaded);
  if (request && pageKey(request.text, request.offset) !== list.pageLoading) {
    commands.push({ type: 'load-page', request });
    next = { ...next, pageLoading: pageKey(request.text, request.offset) };
  }
  // The rows are out first; the count follows once typing has paused (see count-due).
  const countFor = totalToCount(list);
  if (countFor !== null && list.counting?.query !== countFor) {
    commands.push({ type: 'wait', ms: COUNT_PAUSE_MS, then: { type: 'count-due', query: countFor } });
    next = { ...next, counting: { query: countFor, started: false } };
  }
  return next;
}

/** Loads due on entering a screen (the same screen updated by its own answer needs none). */
function screenLoads(prev: Screen, next: Screen, commands: WizardCommand[]): Screen {
  switch (next.kind) {
    case 'details':
      if (prev.kind !== 'details' || prev.cert.id !== next.cert.id) commands.push({ type: 'refresh-details', id: next.cert.id });
      return next;
    case 'pending':
      if (prev.kind !== 'pending') commands.push({ type: 'load-pending' });
      return next;
    case 'preview':
      if (prev.kind !== 'preview') commands.push({ type: 'load-preview', cert: next.cert });
      return next;
    case 'step1':
      if (next.scan === 'loading' && (prev.kind !== 'step1' || prev.scan !== 'loading')) commands.push({ type: 'scan-cards' });
      return next;
    case 'card': {
      if (prev.kind === 'card' && prev.phase === next.phase) return next;
      // The checklist is checked on entry and then every READER_CHECK_MS (reduce-reissue); the PIN
      // screen checks once, so the tries-left warning is current (also after a wrong PIN).
      const due = next.phase === 'select' ? next.readerCheck === 'idle' : next.phase === 'pin' && next.readerCheck !== 'scanning';
      if (!due) return next;
      commands.push({ type: 'scan-cards' });
      return { ...next, readerCheck: 'scanning' };
    }
    default:
      return next;
  }
}

/**
 * True while the screen on view waits for what a key typed now would act on: the list's rows
 * (a page in flight), the pending revocations, a preview, the readers, the card's PIN state. Keys
 * wait meanwhile (the input queue holds them) and then apply to the answer, as they do when the
 * portal answers at once; typing into a field never waits.
 */
export function awaitsLoad(state: WizardState): boolean {
  const s = state.screen;
  if (state.help || state.ending) return false;
  switch (s.kind) {
    case 'list':
      return !state.list.filtering && !state.list.error && state.list.pageLoading !== null;
    case 'pending':
      return s.items === null;
    case 'preview':
      return s.text === null;
    case 'step1':
      return s.stage === 'algorithm' && s.scan === 'loading';
    case 'card':
      return (s.phase === 'select' && s.inventory === null && !s.scanError) || (s.phase === 'pin' && s.readerCheck === 'scanning');
    default:
      return false;
  }
}
