// The wizard's states and events. The flow (reducer.ts) is a pure function of these; the Ink
// screens render a state and turn keys and service results into events. No PIN or passphrase is
// ever part of a state or an event: the screens hand them straight to the service call.
import type { CardInventory, CardPhase, CardProgress } from '../card/card.js';
import type { ErrorKind } from '../domain/errors.js';
import type { Algorithm, Certificate, CsrReport, KeySource, PendingReissue, PendingRevocation, PortalEmail, ReissueResult } from '../domain/types.js';
import type { PortalCapability, ReissueTerms } from '../portal/portal.js';
import type { PinDialogEvent, PinDialogScreen } from './pin-dialog-state.js';

/** An error as the wizard shows it: what happened, what to do next. */
export interface ShownError {
  kind: ErrorKind;
  code: string;
  message: string;
  hint?: string;
}

export interface LoadedPageState {
  query: string;
  offset: number;
  items: Certificate[];
}

export interface ListState {
  query: string;
  /** The filter field has the keyboard. */
  filtering: boolean;
  cursor: number;
  top: number;
  /** Rows that fit on screen. */
  height: number;
  /**
   * The exact number of matches of `query`; null until counted. Pages come without a count (the
   * count is a second pass over every match), so the rows show first and the count a frame later;
   * a page shorter than asked for shows the total by itself.
   */
  total: number | null;
  /** `total` is from before the rows were reloaded (back from a certificate): it is counted again. */
  totalStale: boolean;
  page: LoadedPageState | null;
  /** Put the cursor on this certificate when its row loads (the new copy, back from the result). */
  focusId: string | null;
  error: ShownError | null;
  /** The page being fetched (pageKey), so that it is asked for once. */
  pageLoading: string | null;
  /** The filter whose count waits for a pause in typing (started: false) or is being counted. */
  counting: { query: string; started: boolean } | null;
}

export type DetailsAction = 'preview' | 'download-pem' | 'download-der' | 'revoke' | 'reissue' | 'install';
export type ResultAction = 'download-pem' | 'download-der' | 'install' | 'list';
export type CsrSource = 'paste' | 'file' | 'generate';

export type CsrMode =
  | 'choose'
  | 'paste'
  | 'file'
  | 'gen-algorithm'
  | 'gen-key-path'
  | 'gen-passphrase'
  | 'gen-passphrase-repeat'
  | 'generating'
  | 'checking'
  | 'report'
  | 'submitting';

export interface ListScreen {
  kind: 'list';
}
export interface PendingScreen {
  kind: 'pending';
  items: PendingRevocation[] | null;
  cursor: number;
}
export interface DetailsScreen {
  kind: 'details';
  cert: Certificate;
  cursor: number;
  /** A one-line outcome of the last action (download written, revoked, installed). */
  notice: string | null;
  /** The e-mails the portal wrote about this copy, once loaded. */
  emails?: PortalEmail[] | null;
  /** The first of the other fields on view, when they do not all fit (PgUp/PgDn). */
  scroll?: number;
}
export interface PreviewScreen {
  kind: 'preview';
  cert: Certificate;
  text: string | null;
  scroll: number;
  back: Screen;
}
export interface DownloadScreen {
  kind: 'download';
  cert: Certificate;
  format: 'pem' | 'der';
  path: string;
  phase: 'path' | 'confirm-overwrite' | 'writing';
  back: Screen;
}
export interface RevokeScreen {
  kind: 'revoke';
  cert: Certificate;
  phase: 'confirm' | 'working';
}
export interface Step1Screen {
  kind: 'step1';
  cert: Certificate;
  methods: KeySource[];
  cursor: number;
  /**
   * algorithm: the card's algorithms; cloud: the product's, for a key the portal generates;
   * cloud-confirm: what will happen, and the y/n before it does; cloud-submitting: issuing.
   */
  stage: 'method' | 'algorithm' | 'cloud' | 'cloud-confirm' | 'cloud-submitting';
  /** Card inventory scan for the algorithm list (card method only). */
  scan: 'idle' | 'loading' | 'ready' | 'failed';
  scanError: ShownError | null;
  inventory: CardInventory | null;
  algorithms: Algorithm[];
  algCursor: number;
  /** Ctrl+C once while the portal issues: the answer is waited for (see reduce-interrupt). */
  finishing: boolean;
}
export interface CsrScreen {
  kind: 'csr';
  cert: Certificate;
  mode: CsrMode;
  cursor: number;
  source: CsrSource | null;
  /** The CSR text as pasted or generated, shown while pasting (public data). */
  csrText: string;
  /** The CSR bytes being checked or submitted. */
  csr: Uint8Array | null;
  path: string;
  algorithm: Algorithm | null;
  keyPath: string;
  generatedKeyPath: string | null;
  report: CsrReport | null;
  /** The repeated passphrase did not match the first one (both were forgotten). */
  passphraseMismatch: boolean;
  /** Why the typed path (CSR file, or key file that already exists) cannot be used; shown under it. */
  fileError: ShownError | null;
  /** Ctrl+C once while the portal issues: the answer is waited for (see reduce-interrupt). */
  finishing: boolean;
  /** The portal's latest steps while it issues (an ACME CA: the order, each name, finalizing). */
  portalSteps?: string[];
  /** dns-01 by hand: the TXT records the CA waits for, until Enter (published) or Esc (cancel). */
  dnsRecords?: DnsRecord[] | null;
}
export interface CardScreen {
  kind: 'card';
  /** generate: key pair + CSR for `cert`; install: put `cert` (a new copy) onto the card. */
  purpose: 'generate' | 'install';
  cert: Certificate;
  algorithm: Algorithm | null;
  /** cancelling: Ctrl+C before the key pair existed; the card finishes its step and removes what is half-made. */
  phase: 'select' | 'final-try' | 'pin' | 'progress' | 'cancelling' | 'submitting';
  /** The key pair made on the card (public data), kept to submit later if the submission is stopped. */
  made: { csrPem: string; keyId: string } | null;
  /** Ctrl+C once after the key pair existed: the submission is being finished. */
  finishing: boolean;
  inventory: CardInventory | null;
  scanError: ShownError | null;
  cursor: number;
  /** Chosen reader (module + slot). */
  reader: { module: string; slotId: string } | null;
  /** The user answered "y" to the card's final-try warning for this reader. */
  finalTryConfirmed: boolean;
  pinError: string | null;
  progress: { phase: CardPhase; elapsedMs: number; failed: boolean } | null;
  /** The readers' live check: a scan in flight, the pause before the next one, or neither. */
  readerCheck: 'idle' | 'scanning' | 'waiting';
  back: Screen;
  /** The portal's latest steps while it issues the copy for the card's key. */
  portalSteps?: string[];
  /** dns-01 by hand: the TXT records the CA waits for, until Enter (published) or Esc (cancel). */
  dnsRecords?: DnsRecord[] | null;
}

/** One TXT record to create by hand: `NAME. TXT "VALUE"`. */
export interface DnsRecord {
  name: string;
  value: string;
}
export interface ResultScreen {
  kind: 'result';
  result: ReissueResult;
  via: KeySource;
  cursor: number;
  /** Card number holding the new key (card path). */
  tokenSerial: string | null;
  generatedKeyPath: string | null;
  notice: string | null;
}
export interface ErrorScreen {
  kind: 'error';
  error: ShownError;
  back: Screen;
}

export type Screen =
  | ListScreen
  | PendingScreen
  | DetailsScreen
  | PreviewScreen
  | DownloadScreen
  | RevokeScreen
  | Step1Screen
  | CsrScreen
  | CardScreen
  | ResultScreen
  | ErrorScreen
  | PinDialogScreen;

/** A question that only a key typed after it was on screen may answer (questions.ts). */
export interface AskedQuestion {
  id: string;
  /** When its first frame was drawn (the input clock's time); null until then. */
  shownAt: number | null;
  /** A key typed before it was on screen tried to answer it and was dropped: the screen says so. */
  early: boolean;
}

export interface PendingOrder {
  orderRef: string;
  retryAfterMs: number;
  /** How many times the portal has answered "pending" for it. */
  answers: number;
  /** The card holding the new key (card path), for the result. */
  tokenSerial: string | null;
  /** What the CA says the order waits for, when it says (PendingReissue.message). */
  message?: string;
}

export interface WizardState {
  portalName: string | null;
  /** What the portal offers beyond the core (its info); null until known. */
  capabilities: PortalCapability[] | null;
  /** What a reissue on this portal promises (its info); the manual's rule until known otherwise. */
  terms: ReissueTerms;
  /** A reissue the portal left pending (a CA validating the order), asked about again while its submitting screen is on view. */
  pendingOrder: PendingOrder | null;
  /** ISO time of the portal's clock, refreshed by ticks; every countdown uses it. */
  now: string;
  rows: number;
  columns: number;
  help: boolean;
  /** The first line of the help text on view, when it is longer than the window. */
  helpScroll?: number;
  list: ListState;
  screen: Screen;
  asked: AskedQuestion | null;
  /** Set when the wizard is to exit: the last frame shows `message` (if any), then it exits with `code`. */
  ending: { code: number; message: string | null } | null;
}

export type WizardEvent =
  /** The wizard is on screen: load what its first frame lacks. */
  | { type: 'start' }
  | { type: 'portal-info'; name: string; now: string; capabilities: PortalCapability[]; terms?: ReissueTerms }
  | { type: 'tick'; now: string }
  | { type: 'resize'; rows: number; columns: number }
  | { type: 'toggle-help' }
  | { type: 'back' }
  | { type: 'move'; delta: number }
  | { type: 'move-to'; to: 'first' | 'last' }
  | { type: 'highlight'; index: number }
  // list
  | { type: 'filter-start' }
  | { type: 'filter-change'; text: string }
  /** Typed text appended to the filter as it is now (not as a widget last saw it): no key is lost. */
  | { type: 'filter-input'; text: string }
  /** Backspace (the last character) or Ctrl+U (`all`). */
  | { type: 'filter-erase'; all?: boolean }
  | { type: 'filter-end'; clear: boolean }
  /** `r` on a list that failed to load: ask again. */
  | { type: 'list-retry' }
  /** Typing has paused since the rows of `query` arrived: count them now if still wanted. */
  | { type: 'count-due'; query: string }
  /** `total` is null when the page does not show it (the count follows as total-loaded). */
  | { type: 'page-loaded'; query: string; offset: number; items: Certificate[]; total: number | null }
  | { type: 'page-failed'; query: string; error: ShownError }
  | { type: 'total-loaded'; query: string; total: number }
  | { type: 'total-failed'; query: string; error: ShownError }
  | { type: 'open-details'; cert: Certificate }
  | { type: 'open-pending' }
  | { type: 'pending-loaded'; items: PendingRevocation[] }
  // details
  | { type: 'details-loaded'; cert: Certificate; emails?: PortalEmail[] | null }
  | { type: 'choose-action'; action: DetailsAction | ResultAction }
  | { type: 'preview-loaded'; id: string; text: string }
  | { type: 'text-change'; value: string }
  /** Typed text appended to the path field on screen (download path, CSR file, key path). */
  | { type: 'text-input'; text: string }
  /** Backspace (the last character) or Ctrl+U (`all`). */
  | { type: 'text-erase'; all?: boolean }
  | { type: 'download-start' }
  | { type: 'file-exists' }
  /** `at`: when the key was read (the input clock); an irreversible question needs a key read after it was shown. */
  | { type: 'answer'; yes: boolean; at?: number }
  /** The question `id` is on screen (its frame was drawn at `at`). */
  | { type: 'question-shown'; id: string; at: number }
  | { type: 'written'; path: string }
  | { type: 'revoked'; cert: Certificate }
  // reissue step 1
  | { type: 'choose-method'; method: KeySource }
  | { type: 'rescan' }
  | { type: 'inventory-loaded'; inventory: CardInventory }
  | { type: 'inventory-failed'; error: ShownError }
  /** Time to check the readers again (while the reader checklist is on screen). */
  | { type: 'readers-due' }
  | { type: 'choose-algorithm'; algorithm: Algorithm }
  // step 2, CSR
  | { type: 'choose-csr-source'; source: CsrSource }
  | { type: 'csr-text'; text: string }
  | { type: 'csr-check-start'; csr: Uint8Array }
  /** Check the CSR file whose path is in the field. */
  | { type: 'csr-file-start' }
  | { type: 'csr-file-read'; csr: Uint8Array }
  | { type: 'csr-file-failed'; error: ShownError }
  | { type: 'gen-key-path-taken'; error: ShownError }
  | { type: 'gen-algorithm'; algorithm: Algorithm }
  | { type: 'gen-key-path'; keyPath: string }
  /** A passphrase was typed (its value stays with the screen, never in an event): type it again. */
  | { type: 'gen-passphrase-typed' }
  | { type: 'gen-passphrase-mismatch' }
  /** The passphrase goes into the command that uses it, never into the state. */
  | { type: 'gen-start'; passphrase: string }
  | { type: 'csr-generated'; csrPem: string; keyPath: string }
  | { type: 'csr-checked'; report: CsrReport }
  | { type: 'submit-start'; at?: number }
  | {
      type: 'reissued';
      result: ReissueResult;
      tokenSerial?: string | null;
      /** A card key whose reissue the portal left pending: the reader of the card holding it, or why it cannot be installed now. */
      install?: { inventory: CardInventory; reader: { module: string; slotId: string } } | { later: string };
    }
  /** The portal accepted the reissue and is still working on it. */
  | { type: 'reissue-pending'; pending: PendingReissue; tokenSerial?: string | null }
  /** The pause before asking about a pending order again is over. */
  | { type: 'resume-due'; orderRef: string }
  // step 2, card
  | { type: 'choose-reader'; module: string; slotId: string }
  /** The PIN goes into the card command only, never into the state. */
  | { type: 'pin-submit'; pin: string }
  | { type: 'card-progress'; progress: CardProgress }
  | { type: 'card-generated'; csrPem: string; keyId: string }
  /** One step the portal reported while it issues (shown under the spinner). */
  | { type: 'portal-progress'; line: string }
  /** dns-01 by hand: the portal waits until these records are published (shown under the spinner). */
  | { type: 'dns-records'; records: DnsRecord[] }
  /** Enter (published: the CA may check) or Esc (cancel the order) on those records. */
  | { type: 'dns-records-answer'; published: boolean }
  /** Ctrl+C. */
  | { type: 'interrupt' }
  /** The CSR of a key pair left unsubmitted was kept; `command` submits it later. */
  | { type: 'kept-for-later'; command: string }
  | { type: 'card-installed'; serial: string }
  // any in-flight operation
  | { type: 'failed'; error: ShownError }
  | PinDialogEvent;
