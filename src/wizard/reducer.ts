// The wizard's flow: one pure function from (state, event) to the next state. Screens send
// events; this decides where they lead. Events that no longer fit the current screen (a late
// answer from the portal after the user went back) are ignored.
import { reissueRefusal } from '../domain/policy.js';
import type { Certificate } from '../domain/types.js';
import type { CardInventory } from '../card/card.js';
import { offeredAlgorithms } from './algorithms.js';
import { moveCursor } from './list-window.js';
import { defaultDownloadPath, defaultKeyPath, detailsActions, findReader, knownRows, readerReady, shownError } from './selectors.js';
import { cardNumber } from './format.js';
import type {
  CardScreen,
  CsrScreen,
  CsrSource,
  DetailsAction,
  ListState,
  ResultAction,
  Screen,
  ShownError,
  Step1Screen,
  WizardEvent,
  WizardState,
} from './state.js';

/** Header (2) + title, filter and column lines (3) + footer (1) + one spare line (see App). */
const LIST_CHROME_ROWS = 7;

export function listHeight(rows: number): number {
  return Math.max(3, rows - LIST_CHROME_ROWS);
}

export function initialState(opts: { rows?: number; columns?: number; now: string }): WizardState {
  const rows = opts.rows ?? 24;
  return {
    portalName: null,
    now: opts.now,
    rows,
    columns: opts.columns ?? 80,
    help: false,
    list: { query: '', filtering: false, cursor: 0, top: 0, height: listHeight(rows), total: null, totalStale: false, page: null, error: null },
    screen: { kind: 'list' },
  };
}

/** The state the wizard starts from: the initial one with what is already known applied (the launcher's first page). */
export function startState(opts: { rows?: number; columns?: number; now: string }, known: readonly WizardEvent[] = []): WizardState {
  return known.reduce(reduce, initialState(opts));
}

export const CSR_SOURCES: CsrSource[] = ['paste', 'file', 'generate'];

function step1For(cert: Certificate): Step1Screen {
  return { kind: 'step1', cert, methods: [...cert.keySources], cursor: 0, stage: 'method', scan: 'idle', scanError: null, inventory: null, algorithms: [], algCursor: 0 };
}

function csrFor(cert: Certificate): CsrScreen {
  return { kind: 'csr', cert, mode: 'choose', cursor: 0, source: null, csrText: '', csr: null, path: '', algorithm: null, keyPath: '', generatedKeyPath: null, report: null, passphraseMismatch: false };
}

function cardFor(cert: Certificate, purpose: CardScreen['purpose'], back: Screen, algorithm: CardScreen['algorithm'], inventory: CardInventory | null): CardScreen {
  return { kind: 'card', purpose, cert, algorithm, phase: 'select', inventory, scanError: null, cursor: 0, reader: null, finalTryConfirmed: false, pinError: null, progress: null, back };
}

/** The details view with the cursor on `action`, for coming back to where the user was. */
function detailsAt(cert: Certificate, action: DetailsAction): Screen {
  return { kind: 'details', cert, cursor: Math.max(0, detailsActions(cert).indexOf(action)), notice: null };
}

function withNotice(screen: Screen, notice: string): Screen {
  if (screen.kind === 'details' || screen.kind === 'result') return { ...screen, notice };
  return screen;
}

/** Where Esc leads from each screen (null: Esc does nothing here). */
function backFrom(s: Screen): Screen | null {
  switch (s.kind) {
    case 'list':
      return null;
    case 'pending':
      return { kind: 'list' };
    case 'details':
      return { kind: 'list' };
    case 'preview':
      return s.back;
    case 'download':
      if (s.phase === 'confirm-overwrite') return { ...s, phase: 'path' };
      return s.phase === 'path' ? s.back : null;
    case 'revoke':
      return s.phase === 'confirm' ? detailsAt(s.cert, 'revoke') : null;
    case 'step1':
      if (s.stage === 'algorithm' || s.stage === 'cloud') return { ...s, stage: 'method', scan: 'idle', scanError: null };
      if (s.stage === 'cloud-submitting') return null;
      return detailsAt(s.cert, 'reissue');
    case 'csr':
      switch (s.mode) {
        case 'choose':
          return step1For(s.cert);
        case 'paste':
        case 'file':
        case 'gen-algorithm':
        case 'report':
          return { ...csrFor(s.cert), cursor: Math.max(0, CSR_SOURCES.indexOf(s.source ?? 'paste')) };
        case 'gen-key-path':
          return { ...s, mode: 'gen-algorithm' };
        case 'gen-passphrase':
          return { ...s, mode: 'gen-key-path', passphraseMismatch: false };
        case 'gen-passphrase-repeat':
          return { ...s, mode: 'gen-passphrase' };
        default:
          return null;
      }
    case 'card':
      if (s.phase === 'select') return s.back;
      if (s.phase === 'pin' || s.phase === 'final-try') return { ...s, phase: 'select', finalTryConfirmed: false, pinError: null };
      return null;
    case 'result':
      return { kind: 'list' };
    case 'error':
      return s.back;
  }
}

/** Card errors after which typing the PIN again is the way forward. */
const PIN_RETRY_CODES = ['pin-wrong', 'pin-incorrect', 'pin-length', 'pin-invalid'];

/** Where a failed operation returns to, so that the error screen always has a way back. */
function recoveryFrom(s: Screen, error: ShownError): Screen {
  switch (s.kind) {
    case 'csr':
      if (s.mode === 'submitting') return { ...s, mode: 'report' };
      if (s.mode === 'generating') return { ...s, mode: 'gen-key-path' };
      return { ...csrFor(s.cert), cursor: Math.max(0, CSR_SOURCES.indexOf(s.source ?? 'paste')) };
    case 'card':
      // A wrong PIN goes back to the PIN; anything else (card removed, locked) to the reader checklist.
      if (PIN_RETRY_CODES.includes(error.code)) return { ...s, phase: 'pin', progress: null, pinError: null };
      return { ...s, phase: 'select', finalTryConfirmed: false, progress: null, pinError: null };
    case 'download':
      return { ...s, phase: 'path' };
    case 'revoke':
      return detailsAt(s.cert, 'revoke');
    case 'step1':
      return s.stage === 'cloud-submitting' ? { ...s, stage: 'cloud' } : s;
    case 'preview':
      return s.back;
    case 'error':
      return s.back;
    case 'pending':
    case 'details':
      return s.kind === 'details' ? s : { kind: 'list' };
    default:
      return s;
  }
}

function reduceList(list: ListState, event: WizardEvent): ListState {
  switch (event.type) {
    case 'move': {
      // Before the count, moves stay within the loaded rows.
      const rows = knownRows(list);
      if (rows === null) return list;
      return { ...list, ...moveCursor(list, list.cursor + event.delta, rows, list.height) };
    }
    case 'move-to': {
      // The last row needs the count.
      const rows = event.to === 'first' ? knownRows(list) : list.total;
      if (rows === null) return list;
      return { ...list, ...moveCursor(list, event.to === 'first' ? 0 : rows - 1, rows, list.height) };
    }
    case 'filter-start':
      return { ...list, filtering: true };
    case 'filter-change':
      if (event.text === list.query) return list;
      return { ...list, query: event.text, cursor: 0, top: 0, total: null, totalStale: false, error: null };
    case 'filter-input':
      if (!list.filtering || !event.text) return list;
      return reduceList(list, { type: 'filter-change', text: list.query + event.text });
    case 'filter-erase':
      if (!list.filtering) return list;
      return reduceList(list, { type: 'filter-change', text: [...list.query].slice(0, -1).join('') });
    case 'filter-end':
      if (!event.clear) return { ...list, filtering: false };
      if (list.query === '') return { ...list, filtering: false, cursor: 0, top: 0, error: null };
      return { ...list, filtering: false, query: '', cursor: 0, top: 0, total: null, totalStale: false, error: null };
    // Answers for another filter than the one on screen (typed over since) are dropped.
    case 'page-loaded': {
      if (event.query !== list.query) return list;
      const page = { query: event.query, offset: event.offset, items: event.items };
      const counted = event.total !== null;
      const next = { ...list, page, total: counted ? event.total : list.total, totalStale: counted ? false : list.totalStale, error: null };
      return { ...next, ...moveCursor(list, list.cursor, knownRows(next) ?? 0, list.height) };
    }
    case 'total-loaded': {
      if (event.query !== list.query) return list;
      return { ...list, total: event.total, totalStale: false, ...moveCursor(list, list.cursor, event.total, list.height) };
    }
    case 'page-failed':
      if (event.query !== list.query) return list;
      return { ...list, error: event.error };
    case 'total-failed':
      // Retrying (r) reloads the rows, then counts again.
      if (event.query !== list.query) return list;
      return { ...list, page: null, error: event.error };
    default:
      return list;
  }
}

export function reduce(state: WizardState, event: WizardEvent): WizardState {
  const s = state.screen;
  const to = (screen: Screen): WizardState => ({ ...state, screen });

  switch (event.type) {
    case 'portal-info':
      return { ...state, portalName: event.name, now: event.now };
    case 'tick':
      return { ...state, now: event.now };
    case 'resize': {
      const height = listHeight(event.rows);
      const list = { ...state.list, height, ...moveCursor(state.list, state.list.cursor, knownRows(state.list) ?? 0, height) };
      return { ...state, rows: event.rows, columns: event.columns, list };
    }
    case 'toggle-help':
      return { ...state, help: !state.help };
    case 'back': {
      if (state.help) return { ...state, help: false };
      if (s.kind === 'list') {
        if (state.list.filtering || state.list.query) return { ...state, list: reduceList(state.list, { type: 'filter-end', clear: true }) };
        return state;
      }
      const back = backFrom(s);
      if (!back) return state;
      // Coming back to the list shows fresh rows: a reissue or revocation may have changed them.
      if (back.kind === 'list' && (s.kind === 'result' || s.kind === 'details')) {
        return { ...state, screen: back, list: { ...state.list, page: null, totalStale: state.list.total !== null } };
      }
      return to(back);
    }
    case 'move':
    case 'move-to':
      if (s.kind === 'list' && !state.list.filtering) return { ...state, list: reduceList(state.list, event) };
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
      return withTypedPath(state, (before) => [...before].slice(0, -1).join(''));
    case 'download-start':
      if (s.kind !== 'download' || s.phase !== 'path' || !s.path.trim()) return state;
      return to({ ...s, phase: 'writing' });
    case 'file-exists':
      if (s.kind !== 'download' || s.phase !== 'writing') return state;
      return to({ ...s, phase: 'confirm-overwrite' });
    case 'answer':
      if (s.kind === 'download' && s.phase === 'confirm-overwrite') return to({ ...s, phase: event.yes ? 'writing' : 'path' });
      if (s.kind === 'revoke' && s.phase === 'confirm') return to(event.yes ? { ...s, phase: 'working' } : detailsAt(s.cert, 'revoke'));
      if (s.kind === 'card' && s.phase === 'final-try') return to(event.yes ? { ...s, phase: 'pin', finalTryConfirmed: true } : { ...s, phase: 'select', finalTryConfirmed: false });
      return state;
    case 'written':
      if (s.kind !== 'download' || s.phase !== 'writing') return state;
      return to(withNotice(s.back, `Saved ${s.format.toUpperCase()} to ${event.path}`));
    case 'revoked':
      if (s.kind !== 'revoke') return state;
      return to({ kind: 'details', cert: event.cert, cursor: 0, notice: 'The certificate was revoked.' });

    case 'choose-method':
      if (s.kind !== 'step1' || s.stage !== 'method' || !s.methods.includes(event.method)) return state;
      if (event.method === 'csr') return to(csrFor(s.cert));
      // Stored in the cloud: the portal generates the key pair; only the algorithm is chosen here.
      if (event.method === 'cloud') return to({ ...s, cursor: s.methods.indexOf('cloud'), stage: 'cloud', algorithms: [...s.cert.algorithms], algCursor: 0 });
      return to({ ...s, cursor: s.methods.indexOf('card'), stage: 'algorithm', scan: 'loading', scanError: null, algorithms: [], algCursor: 0 });
    case 'rescan':
      if (s.kind === 'step1' && s.stage === 'algorithm' && s.scan === 'failed') return to({ ...s, scan: 'loading', scanError: null });
      return state;
    case 'inventory-loaded':
      if (s.kind === 'step1' && s.stage === 'algorithm') {
        return to({ ...s, scan: 'ready', scanError: null, inventory: event.inventory, algorithms: offeredAlgorithms(s.cert.algorithms, event.inventory.readers) });
      }
      if (s.kind === 'card') {
        const cursor = Math.min(s.cursor, Math.max(0, event.inventory.readers.length - 1));
        return to({ ...s, inventory: event.inventory, scanError: null, cursor });
      }
      return state;
    case 'inventory-failed':
      if (s.kind === 'step1' && s.stage === 'algorithm') return to({ ...s, scan: 'failed', scanError: event.error });
      if (s.kind === 'card') return to({ ...s, scanError: event.error });
      return state;
    case 'choose-algorithm':
      if (s.kind === 'step1' && s.stage === 'cloud' && s.algorithms.includes(event.algorithm)) {
        return to({ ...s, stage: 'cloud-submitting', algCursor: s.algorithms.indexOf(event.algorithm) });
      }
      if (s.kind !== 'step1' || s.stage !== 'algorithm' || !s.algorithms.includes(event.algorithm)) return state;
      return to(cardFor(s.cert, 'generate', s, event.algorithm, s.inventory));

    case 'choose-csr-source':
      if (s.kind !== 'csr' || s.mode !== 'choose') return state;
      if (event.source === 'paste') return to({ ...s, mode: 'paste', source: 'paste', csrText: '' });
      if (event.source === 'file') return to({ ...s, mode: 'file', source: 'file', path: '' });
      return to({ ...s, mode: 'gen-algorithm', source: 'generate', cursor: 0 });
    case 'csr-text':
      if (s.kind !== 'csr' || s.mode !== 'paste') return state;
      return to({ ...s, csrText: event.text });
    case 'csr-check-start':
      if (s.kind !== 'csr' || (s.mode !== 'paste' && s.mode !== 'file')) return state;
      return to({ ...s, mode: 'checking', csr: event.csr, report: null });
    case 'gen-algorithm':
      if (s.kind !== 'csr' || s.mode !== 'gen-algorithm' || !s.cert.algorithms.includes(event.algorithm)) return state;
      return to({ ...s, mode: 'gen-key-path', algorithm: event.algorithm, keyPath: s.keyPath || defaultKeyPath(s.cert) });
    case 'gen-key-path':
      if (s.kind !== 'csr' || s.mode !== 'gen-key-path' || !event.keyPath.trim()) return state;
      return to({ ...s, mode: 'gen-passphrase', keyPath: event.keyPath.trim() });
    case 'gen-passphrase-typed':
      if (s.kind !== 'csr' || s.mode !== 'gen-passphrase') return state;
      return to({ ...s, mode: 'gen-passphrase-repeat', passphraseMismatch: false });
    case 'gen-passphrase-mismatch':
      if (s.kind !== 'csr' || s.mode !== 'gen-passphrase-repeat') return state;
      return to({ ...s, mode: 'gen-passphrase', passphraseMismatch: true });
    case 'gen-start':
      if (s.kind !== 'csr' || (s.mode !== 'gen-passphrase' && s.mode !== 'gen-passphrase-repeat')) return state;
      return to({ ...s, mode: 'generating', passphraseMismatch: false });
    case 'csr-generated':
      if (s.kind !== 'csr' || s.mode !== 'generating') return state;
      return to({ ...s, mode: 'checking', csrText: event.csrPem, csr: new TextEncoder().encode(event.csrPem), generatedKeyPath: event.keyPath, report: null });
    case 'csr-checked':
      if (s.kind !== 'csr' || s.mode !== 'checking') return state;
      return to({ ...s, mode: 'report', report: event.report });
    case 'submit-start':
      if (s.kind === 'csr' && s.mode === 'report' && s.report?.ok) return to({ ...s, mode: 'submitting' });
      return state;
    case 'reissued': {
      const fromCsr = s.kind === 'csr' && s.mode === 'submitting';
      const fromCard = s.kind === 'card' && s.phase === 'submitting';
      const fromCloud = s.kind === 'step1' && s.stage === 'cloud-submitting';
      if (!fromCsr && !fromCard && !fromCloud) return state;
      return to({
        kind: 'result',
        result: event.result,
        via: fromCsr ? 'csr' : fromCard ? 'card' : 'cloud',
        cursor: 0,
        tokenSerial: event.tokenSerial ?? null,
        generatedKeyPath: s.kind === 'csr' ? s.generatedKeyPath : null,
        notice: null,
      });
    }

    case 'choose-reader': {
      if (s.kind !== 'card' || s.phase !== 'select') return state;
      const reader = findReader(s.inventory, event);
      if (!reader || !readerReady(reader, s.purpose === 'generate' ? s.algorithm : null)) return state;
      const sel = { module: event.module, slotId: event.slotId };
      return to({ ...s, reader: sel, phase: reader.token?.pin.finalTry ? 'final-try' : 'pin', finalTryConfirmed: false, pinError: null });
    }
    case 'pin-rejected':
      if (s.kind !== 'card' || s.phase !== 'pin') return state;
      return to({ ...s, pinError: event.message });
    case 'card-started':
      if (s.kind !== 'card' || s.phase !== 'pin') return state;
      return to({ ...s, phase: 'progress', pinError: null, progress: { phase: 'login', elapsedMs: 0, failed: false } });
    case 'card-progress':
      if (s.kind !== 'card' || s.phase !== 'progress') return state;
      return to({
        ...s,
        progress: {
          phase: event.progress.phase,
          elapsedMs: event.progress.type === 'started' ? 0 : event.progress.elapsedMs,
          failed: event.progress.type === 'failed',
        },
      });
    case 'card-generated':
      if (s.kind !== 'card' || s.phase !== 'progress' || s.purpose !== 'generate') return state;
      return to({ ...s, phase: 'submitting' });
    case 'card-installed':
      if (s.kind !== 'card' || s.phase !== 'progress' || s.purpose !== 'install') return state;
      return to(withNotice(s.back, `Certificate installed on card ${cardNumber(event.serial)}.`));

    case 'failed':
      return to({ kind: 'error', error: event.error, back: recoveryFrom(s, event.error) });
  }
}

/** The path field on screen (if any) changed from its current value: edits build on the latest state. */
function withTypedPath(state: WizardState, edit: (before: string) => string): WizardState {
  const s = state.screen;
  if (s.kind === 'download' && s.phase === 'path') return { ...state, screen: { ...s, path: edit(s.path) } };
  if (s.kind === 'csr' && s.mode === 'file') return { ...state, screen: { ...s, path: edit(s.path) } };
  if (s.kind === 'csr' && s.mode === 'gen-key-path') return { ...state, screen: { ...s, keyPath: edit(s.keyPath) } };
  return state;
}

function chooseAction(state: WizardState, action: DetailsAction | ResultAction): WizardState {
  const s = state.screen;
  const to = (screen: Screen): WizardState => ({ ...state, screen });
  if (s.kind === 'details') {
    const cert = s.cert;
    switch (action) {
      case 'preview':
        return to({ kind: 'preview', cert, text: null, scroll: 0, back: { ...s, notice: null } });
      case 'download-pem':
      case 'download-der': {
        const format = action === 'download-pem' ? 'pem' : 'der';
        return to({ kind: 'download', cert, format, path: defaultDownloadPath(cert, format), phase: 'path', back: { ...s, notice: null } });
      }
      case 'revoke':
        return to({ kind: 'revoke', cert, phase: 'confirm' });
      case 'reissue': {
        const refusal = reissueRefusal(cert, cert.keySources[0] ?? 'csr', cert.replacedBy ?? cert.id);
        if (refusal) return to({ kind: 'error', error: shownError(refusal), back: s });
        return to(step1For(cert));
      }
      case 'install':
        return to(cardFor(cert, 'install', { ...s, notice: null }, null, null));
      default:
        return state;
    }
  }
  if (s.kind === 'result') {
    const cert = s.result.certificate;
    switch (action) {
      case 'download-pem':
      case 'download-der': {
        const format = action === 'download-pem' ? 'pem' : 'der';
        return to({ kind: 'download', cert, format, path: defaultDownloadPath(cert, format), phase: 'path', back: { ...s, notice: null } });
      }
      case 'install':
        return to(cardFor(cert, 'install', { ...s, notice: null }, null, null));
      case 'list':
        return { ...state, screen: { kind: 'list' }, list: { ...state.list, page: null } };
      default:
        return state;
    }
  }
  return state;
}

