// The wizard's flow: one pure function from (state, event) to the next state and, when one is
// due, the command to run (src/wizard/commands.ts). Screens send events; this decides where they
// lead and what work starts. Events that no longer fit the current screen (a late answer from the
// portal after the user went back) are ignored and start nothing.
import { run, stay, type Step } from './commands.js';
import { moveCursor } from './list-window.js';
import { loadsFor } from './loads.js';
import { backFrom, chooseAction, recoveryFrom, withTypedPath } from './navigation.js';
import { listHeight, reduceList, startCount } from './reduce-list.js';
import { reduceInterrupt } from './reduce-interrupt.js';
import { reducePin, withPinPad } from './reduce-pin.js';
import { isSubmitting, reduceReissue } from './reduce-reissue.js';
import { answersInTime, questionShown, settle, typedAhead } from './questions.js';
import { knownRows } from './selectors.js';
import type { Screen, WizardEvent, WizardState } from './state.js';
import { MANUAL_TERMS } from '../portal/portal.js';

export { CSR_SOURCES } from './navigation.js';
export { listHeight } from './reduce-list.js';

export function initialState(opts: { rows?: number; columns?: number; now: string }): WizardState {
  const rows = opts.rows ?? 24;
  return {
    portalName: null,
    capabilities: null,
    terms: MANUAL_TERMS,
    pendingOrder: null,
    now: opts.now,
    rows,
    columns: opts.columns ?? 80,
    help: false,
    list: { query: '', filtering: false, cursor: 0, top: 0, height: listHeight(rows), total: null, totalStale: false, page: null, error: null, focusId: null, pageLoading: null, counting: null },
    screen: { kind: 'list' },
    asked: null,
    ending: null,
  };
}

/** The state the wizard starts from: the initial one with what is already known applied (the launcher's first page). */
export function startState(opts: { rows?: number; columns?: number; now: string }, known: readonly WizardEvent[] = []): WizardState {
  return known.reduce(reduce, initialState(opts));
}

/** The next state and the commands the event starts: the loads the screen on view needs (loads.ts) and the work it asks for. */
export function step(state: WizardState, event: WizardEvent): Step {
  if (state.ending) return stay(state); // the last frame is on screen
  const decided = decide(state, event);
  const loads = loadsFor(state, settle(withoutStaleOrder(decided.state)));
  // What the screen on view lacks goes first: at start, the rows before the portal's name.
  return { state: loads.state, commands: [...loads.commands, ...decided.commands] };
}

/** The next state alone, without starting or noting any load (what the view shows). */
export function reduce(state: WizardState, event: WizardEvent): WizardState {
  return state.ending ? state : settle(withoutStaleOrder(decide(state, event).state));
}

/** A pending order is followed only while its submitting screen is on view (a result, an error or Esc ends it). */
function withoutStaleOrder(state: WizardState): WizardState {
  return state.pendingOrder && !isSubmitting(state.screen) ? { ...state, pendingOrder: null } : state;
}

function decide(state: WizardState, event: WizardEvent): Step {
  switch (event.type) {
    case 'start':
      return state.portalName === null ? run(state, { type: 'load-info' }) : stay(state);
    case 'question-shown':
      return stay(questionShown(state, event.id, event.at));
    case 'answer':
    case 'submit-start':
      // An irreversible question takes only a key typed after it was on screen.
      if (!answersInTime(state, event.at)) return stay(typedAhead(state));
      return reducePin(state, event) ?? reduceReissue(state, event) ?? stay(state);
    case 'count-due': {
      const counted = startCount(state.list, event.query);
      return counted.command ? run({ ...state, list: counted.list }, counted.command) : stay(state);
    }
    default:
      return reduceInterrupt(state, event) ?? reducePin(state, event) ?? withPinPad(reduceReissue(state, event)) ?? stay(reduceView(state, event));
  }
}

function reduceView(state: WizardState, event: WizardEvent): WizardState {
  const s = state.screen;
  const to = (screen: Screen): WizardState => ({ ...state, screen });

  switch (event.type) {
    case 'portal-info':
      return { ...state, portalName: event.name, now: event.now, capabilities: event.capabilities, terms: event.terms ?? MANUAL_TERMS };
    case 'tick':
      return { ...state, now: event.now };
    case 'resize': {
      const height = listHeight(event.rows);
      const list = { ...state.list, height, ...moveCursor(state.list, state.list.cursor, knownRows(state.list) ?? 0, height) };
      return { ...state, rows: event.rows, columns: event.columns, list };
    }
    case 'toggle-help':
      return { ...state, help: !state.help, helpScroll: 0 };
    case 'back': {
      if (state.help) return { ...state, help: false };
      if (s.kind === 'list') {
        if (state.list.filtering || state.list.query) return { ...state, list: reduceList(state.list, { type: 'filter-end', clear: true }) };
        return state;
      }
      const back = backFrom(s, state.capabilities);
      if (!back) return state;
      // Coming back to the list shows fresh rows: a reissue or revocation may have changed them.
      if (back.kind === 'list' && (s.kind === 'result' || s.kind === 'details')) {
        return { ...state, screen: back, list: { ...state.list, page: null, totalStale: state.list.total !== null } };
      }
      return to(back);
    }
    case 'move':
    case 'move-to':
      // The help overlay scrolls over its text (helpWindow keeps it within the lines).
      if (state.help) return { ...state, helpScroll: Math.max(0, event.type === 'move' ? (state.helpScroll ?? 0) + event.delta : event.to === 'first' ? 0 : Number.MAX_SAFE_INTEGER) };
      if (s.kind === 'list' && !state.list.filtering) return { ...state, list: reduceList(state.list, event) };
      if (s.kind === 'details' && event.type === 'move') return to({ ...s, scroll: Math.max(0, (s.scroll ?? 0) + event.delta) });
      if (s.kind === 'preview') {
        const lines = (s.text ?? '').split('\n').length;
        const target = event.type === 'move' ? s.scroll + event.delta : event.to === 'first' ? 0 : lines - 1;
        return to({ ...s, scroll: Math.min(Math.max(0, target), Math.max(0, lines - 1)) });
      }
      return state;
    case 'highlight':
      switch (s.kind) {
        case 'pending':
        case 'details':
        case 'result':
        case 'csr':
        case 'card':
          return to({ ...s, cursor: event.index });
        case 'step1':
          return to(s.stage === 'method' ? { ...s, cursor: event.index } : { ...s, algCursor: event.index });
        default:
          return state;
      }

    case 'filter-start':
    case 'filter-change':
    case 'filter-input':
    case 'filter-erase':
    case 'filter-end':
    case 'list-retry':
      if (s.kind !== 'list') return state;
      return { ...state, list: reduceList(state.list, event) };
    case 'page-loaded':
    case 'page-failed':
    case 'total-loaded':
    case 'total-failed':
      return { ...state, list: reduceList(state.list, event) };
    case 'open-details':
      return to({ kind: 'details', cert: event.cert, cursor: 0, notice: null });
    case 'open-pending':
      if (s.kind !== 'list' || state.list.filtering) return state;
      return to({ kind: 'pending', items: null, cursor: 0 });
    case 'pending-loaded':
      if (s.kind !== 'pending') return state;
      return to({ ...s, items: event.items, cursor: Math.min(s.cursor, Math.max(0, event.items.length - 1)) });
    case 'details-loaded':
      if (s.kind !== 'details' || s.cert.id !== event.cert.id) return state;
      return to({ ...s, cert: event.cert, ...(event.emails !== undefined ? { emails: event.emails } : {}) });

    case 'choose-action':
      return chooseAction(state, event.action);
    case 'preview-loaded':
      if (s.kind !== 'preview' || s.cert.id !== event.id) return state;
      return to({ ...s, text: event.text, scroll: 0 });
    case 'text-change':
      return withTypedPath(state, () => event.value);
    case 'text-input':
      return withTypedPath(state, (before) => before + event.text);
    case 'text-erase':
      return withTypedPath(state, (before) => (event.all ? '' : [...before].slice(0, -1).join('')));
    case 'failed':
      return to({ kind: 'error', error: event.error, back: recoveryFrom(s, event.error) });
    default:
      return state;
  }
}

