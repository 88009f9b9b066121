// Where the wizard's screens lead: the screen each flow starts on, where Esc goes back to, where a
// failure returns to, and what a details/result action opens. Pure.
import { reissueRefusal } from '../domain/policy.js';
import type { Certificate } from '../domain/types.js';
import type { CardInventory } from '../card/card.js';
import { pinDialogBack } from './pin-dialog.js';
import { defaultDownloadPath, detailsActions, reissueMethods, shownError } from './selectors.js';
import type { CardScreen, CsrScreen, CsrSource, DetailsAction, ResultAction, Screen, ShownError, Step1Screen, WizardState } from './state.js';

export const CSR_SOURCES: CsrSource[] = ['paste', 'file', 'generate'];

export function step1For(cert: Certificate, capabilities: WizardState['capabilities']): Step1Screen {
  return { kind: 'step1', cert, methods: reissueMethods(cert, capabilities), cursor: 0, stage: 'method', scan: 'idle', scanError: null, inventory: null, algorithms: [], algCursor: 0, finishing: false };
}

export function csrFor(cert: Certificate): CsrScreen {
  return { kind: 'csr', cert, mode: 'choose', cursor: 0, source: null, csrText: '', csr: null, path: '', algorithm: null, keyPath: '', generatedKeyPath: null, report: null, passphraseMismatch: false, fileError: null, finishing: false };
}

export function cardFor(cert: Certificate, purpose: CardScreen['purpose'], back: Screen, algorithm: CardScreen['algorithm'], inventory: CardInventory | null): CardScreen {
  return { kind: 'card', purpose, cert, algorithm, phase: 'select', inventory, scanError: null, cursor: 0, reader: null, finalTryConfirmed: false, pinError: null, progress: null, made: null, finishing: false, readerCheck: 'idle', back };
}

/** The details view with the cursor on `action`, for coming back to where the user was. */
export function detailsAt(cert: Certificate, action: DetailsAction): Screen {
  return { kind: 'details', cert, cursor: Math.max(0, detailsActions(cert).indexOf(action)), notice: null };
}

export function withNotice(screen: Screen, notice: string): Screen {
  if (screen.kind === 'details' || screen.kind === 'result') return { ...screen, notice };
  return screen;
}

/** Where Esc leads from each screen (null: Esc does nothing here). */
export function backFrom(s: Screen, capabilities: WizardState['capabilities']): Screen | null {
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
      if (s.stage === 'cloud-confirm') return { ...s, stage: 'cloud' };
      if (s.stage === 'algorithm' || s.stage === 'cloud') return { ...s, stage: 'method', scan: 'idle', scanError: null };
      if (s.stage === 'cloud-submitting') return null;
      return detailsAt(s.cert, 'reissue');
    case 'csr':
      switch (s.mode) {
        case 'choose':
          return step1For(s.cert, capabilities);
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
    case 'pin-dialog':
      return pinDialogBack(s);
  }
}

/** Card errors after which typing the PIN again is the way forward. */
const PIN_RETRY_CODES = ['pin-wrong', 'pin-incorrect', 'pin-length', 'pin-invalid'];

/** Where a failed operation returns to, so that the error screen always has a way back. */
export function recoveryFrom(s: Screen, error: ShownError): Screen {
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

/** The path field on screen (if any) changed from its current value: edits build on the latest state. */
export function withTypedPath(state: WizardState, edit: (before: string) => string): WizardState {
  const s = state.screen;
  if (s.kind === 'download' && s.phase === 'path') return { ...state, screen: { ...s, path: edit(s.path) } };
  if (s.kind === 'csr' && s.mode === 'file') return { ...state, screen: { ...s, path: edit(s.path) } };
  if (s.kind === 'csr' && s.mode === 'gen-key-path') return { ...state, screen: { ...s, keyPath: edit(s.keyPath) } };
  return state;
}

export function chooseAction(state: WizardState, action: DetailsAction | ResultAction): WizardState {
  const s = state.screen;
  const to = (screen: Screen): WizardState => ({ ...state, screen });
  if (s.kind === 'details') {
    const cert = s.cert;
    // Only what the view offers (an action that cannot work is not on its row).
    if (!(detailsActions(cert) as string[]).includes(action)) return state;
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
        return to(step1For(cert, state.capabilities));
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
        // The cursor goes to the new copy once its row is loaded.
        return { ...state, screen: { kind: 'list' }, list: { ...state.list, page: null, focusId: cert.id } };
      default:
        return state;
    }
  }
  return state;
}

