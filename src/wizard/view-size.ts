// How much window each view needs. Every view has a core it never shows in part — its title, its
// facts (dates, states, the badge), its question or action row — and extras (the manual's texts,
// the details' other fields) shown as far as the rows allow. The core's rows are counted here from
// the same texts the screens draw, wrapped the same way (wrapWords), so the wizard can tell when
// a view does not fit: it then shows "make the window larger (at least W×H)" instead of the view,
// and a question that does not fit cannot be answered (see reducer.ts). Pure.
import { algorithmLabel } from '../domain/algorithms.js';
import { t } from '../i18n/i18n.js';
import { labelWidths, listLayout } from './list-layout.js';
import { CATALOGS } from '../i18n/i18n.js';
import { language } from '../i18n/i18n.js';
import { cardNumber, revocationBadge, stateLabel, wrapWords } from './format.js';
import { detailsFacts, detailsFields, detailsTitle, labelledLines } from './details-view.js';
import { detailsActions, findReader, offersUnblock, pendingOrderText, pinDialogKeys, readerChecklist, readerLabel, resultActions } from './selectors.js';
import { pinDialogTitle } from './pin-dialog.js';
import type { PinDialogScreen } from './pin-dialog-state.js';
import type { CardScreen, CsrScreen, DetailsScreen, ResultScreen, Screen, Step1Screen, WizardState } from './state.js';

export interface WindowSize {
  columns: number;
  rows: number;
}

/** Header (2) + footer (1) + one spare line so the frame never fills the terminal (no scroll). */
export const CHROME_ROWS = 4;

/** Below this width no view is laid out: labels and dates would break mid-word. */
export const MIN_COLUMNS = 40;

/** The width text is wrapped to: one column spare (a full last column makes some terminals wrap). */
export const textWidth = (columns: number) => Math.max(1, columns - 1);

const rowsOf = (text: string, columns: number) => wrapWords(text, textWidth(columns)).length;
/** Rows of a text drawn after a two-column prefix ("⚠ ", "✓ ") with a hanging indent (Wrapped). */
const prefixedRows = (text: string, columns: number) => wrapWords(text, textWidth(columns) - 2).length;
const chars = (text: string) => [...text].length;

/** Rows a horizontal action row takes: items ` label ` / `[label]`, one space apart, wrapped whole. */
export function actionRows(labels: string[], columns: number): number {
  let rows = labels.length ? 1 : 0;
  let used = 0;
  for (const label of labels) {
    const w = chars(label) + 2;
    if (used > 0 && used + 1 + w > columns) {
      rows += 1;
      used = w;
    } else used += (used > 0 ? 1 : 0) + w;
  }
  return rows;
}

/** Rows of a "label value" line wrapped with a hanging indent of 2 (as the details view draws it). */
export function labelledRows(line: { label: string; value: string }, columns: number): number {
  return labelledLines(line, textWidth(columns)).length;
}

function detailsCore(s: DetailsScreen, columns: number, now: Date): number {
  const labels = detailsActions(s.cert).map((a) => t(`details.action.${a}`));
  const facts = detailsFacts(s.cert, now, columns);
  const factRows = facts.lines.reduce((n, line) => n + labelledRows(line, columns), 0) + (facts.pending ? prefixedRows(facts.pending, columns) : 0);
  // At least one of the other fields, and the line saying how many more there are.
  return rowsOf(detailsTitle(s.cert), columns) + factRows + 2 + (s.notice ? prefixedRows(s.notice, columns) : 0) + actionRows(labels, columns);
}

/** The rows the details view has for its other fields (at least 2: one field and "↓ N more"). */
export function detailsFieldRows(state: Pick<WizardState, 'screen' | 'rows' | 'columns' | 'now'>): number {
  const s = state.screen;
  if (s.kind !== 'details') return 0;
  return Math.max(2, state.rows - CHROME_ROWS - detailsCore(s, state.columns, new Date(state.now)) + 2);
}

/** Whether the details' other fields need more rows than the view has for them (then PgUp/PgDn move them). */
export function detailsOverflow(state: Pick<WizardState, 'screen' | 'rows' | 'columns' | 'now'>): boolean {
  const s = state.screen;
  if (s.kind !== 'details') return false;
  return detailsFields(s.cert, s.emails).reduce((n, f) => n + labelledRows(f, state.columns), 0) > detailsFieldRows(state);
}

/** The pending view's columns: CN, serial (when there is room), revocation date, days left. */
export function pendingLayout(columns: number): { cn: number; serial: number; date: number; left: number } {
  const date = 16;
  const left = Math.max(chars(t('pending.left')), chars(t('pending.days', { count: 14 })));
  const width = textWidth(columns) - 2;
  const rest = width - date - left - 2;
  const serial = rest >= 20 + 1 + 32 ? 32 : 0;
  const cn = Math.max(6, Math.min(rest - (serial ? serial + 1 : 0), 32));
  return { cn, serial, date, left };
}

/** The narrowest pending view: marker, 6 characters of CN, the date and the days left. */
function pendingMinColumns(): number {
  const l = pendingLayout(200);
  return 2 + 6 + 1 + l.date + 1 + l.left + 1;
}

function step1Core(s: Step1Screen, columns: number): number {
  const head = rowsOf(t('step1.title', { cn: s.cert.commonName }), columns) + stepRows(1, columns) + (s.methods.includes('cloud') ? rowsOf(t('step1.cloudSentence'), columns) : 0) + 1;
  if (s.stage === 'method') return head + s.methods.length;
  if (s.stage === 'cloud-confirm') return head + 2 + cloudConfirmLines(s).reduce((n, l) => n + wrapWords(l, textWidth(columns) - 2).length, 0) + rowsOf(t('step1.cloudQuestion'), columns);
  if (s.stage === 'cloud-submitting') return head + 2 + 1 + (s.finishing ? rowsOf(t('csr.finishing'), columns) : 0);
  const list = s.stage === 'cloud' || s.scan === 'ready' ? Math.max(1, s.algorithms.length) : 1;
  const error = s.scanError ? errorRows(s.scanError, columns) : 0;
  return head + 2 + list + error;
}

/** What the cloud reissue will do, said before it is done (product, algorithm, key store, revocation). */
export function cloudConfirmLines(s: Pick<Step1Screen, 'cert' | 'algorithms' | 'algCursor'>): string[] {
  const algorithm = s.algorithms[s.algCursor];
  return [
    t('step1.cloudConfirm.product', { product: s.cert.product }),
    t('step1.cloudConfirm.algorithm', { algorithm: algorithm ? algorithmLabel(algorithm) : '' }),
    t('step1.cloudConfirm.keyStore'),
    t('step1.cloudConfirm.revocation', { cn: s.cert.commonName, serial: s.cert.serialNumber }),
  ];
}

export function stepRows(step: 1 | 2, columns: number): number {
  const first = step === 1 ? `[1 ${t('steps.choose')}]` : `✓ ${t('steps.choose')}`;
  const second = step === 2 ? `[2 ${t('steps.generate')}]` : `2 ${t('steps.generate')}`;
  return rowsOf(`${first} → ${second}`, columns);
}

function errorRows(e: { kind: string; message: string; hint?: string }, columns: number): number {
  const prefix = `  ${t('errorKind.whatToDo')} `;
  const hint = e.hint ? wrapWords(e.hint, textWidth(columns) - 2, textWidth(columns) - chars(prefix)).length : 0;
  return wrapWords(`${t(`errorKind.${e.kind}`)}: ${e.message}`, textWidth(columns) - 2).length + hint;
}

function csrCore(s: CsrScreen, columns: number): number {
  const head = rowsOf(t('csr.title', { cn: s.cert.commonName }), columns) + stepRows(2, columns) + rowsOf(t('csr.intro'), columns) + 1;
  const err = s.fileError ? errorRows(s.fileError, columns) : 0;
  switch (s.mode) {
    case 'choose':
      return head + 3;
    case 'paste':
      // The paste area shrinks to what is left, but keeps 3 lines and its frame.
      return head + rowsOf(t('csr.pasteWhole'), columns) + 5;
    case 'file':
      return head + rowsOf(`${t('csr.file')} ${s.path} `, columns) + err;
    case 'gen-algorithm':
      return head + 1 + s.cert.algorithms.length;
    case 'gen-key-path':
      return head + 1 + rowsOf(`${t('csr.saveKeyTo')} ${s.keyPath} `, columns) + err + rowsOf(t('csr.keyMode'), columns);
    case 'gen-passphrase':
      return head + 2 + 1 + (s.passphraseMismatch ? 1 : 0);
    case 'gen-passphrase-repeat':
      return head + 2 + 1 + rowsOf(t('csr.passphraseWhy'), columns);
    case 'generating':
    case 'checking':
      return head + 1;
    case 'submitting':
      return head + 1 + (s.finishing ? rowsOf(t('csr.finishing'), columns) : 0);
    case 'report': {
      const r = s.report;
      if (!r) return head;
      if (r.ok) return head + 1 + (r.summary ? 3 : 0) + (s.generatedKeyPath ? 1 : 0) + 1 + rowsOf(t('csr.nextSubmits'), columns);
      return head + 1 + r.problems.reduce((n, p) => n + wrapWords(p.message, textWidth(columns) - 4).length, 0) + 1 + rowsOf(t('csr.escBack'), columns);
    }
  }
}

function cardCore(s: CardScreen, columns: number): number {
  const generating = s.purpose === 'generate';
  const title = generating ? t('card.titleReissue', { cn: s.cert.commonName }) : t('card.titleInstall', { cn: s.cert.commonName, serial: s.cert.serialNumber });
  const head = rowsOf(title, columns) + (generating ? stepRows(2, columns) : 0);
  const warnings = generating ? rowsOf(t('card.longWait'), columns) + rowsOf(t('card.doNotRemove'), columns) : rowsOf(t('card.doNotRemove'), columns);
  switch (s.phase) {
    case 'select': {
      const readers = s.inventory?.readers ?? [];
      let rows = head + rowsOf(`${t('card.keyPairOnCard', { algorithm: 'RSA 4096' })} ${t('card.chooseReader')}`, columns) + Math.max(1, readers.slice(0, 4).reduce((n, r) => n + wrapWords(readerLabel(r), textWidth(columns) - 2).length, 0));
      if (s.scanError) rows += errorRows(s.scanError, columns);
      const highlighted = readers[s.cursor];
      if (highlighted) {
        rows += 2;
        for (const item of readerChecklist(highlighted, generating ? s.algorithm : null)) rows += rowsOf(`  ✓ ${item.label}`, columns) + (!item.ok && item.hint ? rowsOf(`    → ${item.hint}`, columns) : 0);
        rows += 2; // a PIN warning or "Enter uses this card"
        const keys = pinDialogKeys(highlighted);
        if (keys) rows += rowsOf(keys, columns);
      }
      return rows;
    }
    case 'final-try':
      return head + rowsOf(`⚠ ${t('card.finalTry')}`, columns) + rowsOf(t('card.finalTryQuestion'), columns);
    case 'pin': {
      const token = findReader(s.inventory, s.reader)?.token;
      const warning = token?.pin.countLow || token?.pin.finalTry || token?.pin.locked ? 2 : 0;
      return head + 2 + 2 + (s.algorithm ? 3 : 1) + 2 + warning + (s.pinError ? rowsOf(`✗ ${s.pinError}`, columns) : 0) + warnings;
    }
    case 'progress':
      return head + 3 + warnings;
    case 'cancelling':
      return head + 1;
    case 'submitting':
      return head + 1 + (s.finishing ? rowsOf(t('card.finishing'), columns) : 0);
  }
}

/** The PIN dialog (PinDialogScreen): its title, then the question, the fields, the work or the outcome. */
function pinDialogCore(s: PinDialogScreen, columns: number): number {
  const head = rowsOf(pinDialogTitle(s), columns) + 1;
  switch (s.stage) {
    case 'final-try':
      return head + prefixedRows(s.mode === 'unblock' ? t('pinDialog.pukFinalTry') : t('card.finalTry'), columns) + rowsOf(t('card.finalTryQuestion'), columns);
    case 'working':
      return head + 2;
    case 'done':
      return head + rowsOf(t(s.mode === 'unblock' ? 'pinDialog.doneUnblock' : 'pinDialog.doneChange', { number: cardNumber(s.token.serial) }), columns) + rowsOf(t('pinDialog.backToCard'), columns);
    default:
      // The fields typed so far (✓) and the one being typed, the length range, a tries warning and a problem.
      return head + 3 + 1 + 2 + (s.problem ? prefixedRows(s.problem, columns) : 0);
  }
}

function resultCore(s: ResultScreen, columns: number, now: Date): number {
  const labels = resultActions(s).map((a) => t(`result.action.${a}`));
  const title = rowsOf(`✓ ${t('result.title', { cn: s.result.certificate.commonName })}`, columns);
  // The copies one under the other (the widest layout); side by side takes fewer rows.
  const old = s.result.replaced;
  const badge = revocationBadge(old, now);
  const oldState = badge ? `${stateLabel(old.state)}, ${badge}` : stateLabel(old.state);
  const copies = 2 + 2 * 4 + rowsOf(`  ${t('result.state')}: ${oldState}`, columns) - 1;
  return title + copies + (s.notice ? prefixedRows(s.notice, columns) : 0) + actionRows(labels, columns);
}

/** The rows the view's core takes at `columns` (without the header and footer). */
export function coreRows(screen: Screen, columns: number, now: Date): number {
  switch (screen.kind) {
    case 'list':
      return 4; // heading lines, the column heading and one row
    case 'pending':
      return 1 + rowsOf(t('pending.intro'), columns) + 1 + 1;
    case 'details':
      return detailsCore(screen, columns, now);
    case 'preview':
      return 2;
    case 'download': {
      const title = rowsOf(t('download.title', { format: screen.format.toUpperCase(), cn: screen.cert.commonName, serial: screen.cert.serialNumber }), columns);
      const path = rowsOf(`${t('download.saveTo')} ${screen.path} `, columns);
      return title + 1 + path + (screen.phase === 'confirm-overwrite' ? rowsOf(t('download.exists', { path: screen.path }), columns) : 1);
    }
    case 'revoke':
      return (
        rowsOf(t('revoke.title'), columns) +
        rowsOf(t('revoke.which', { cn: screen.cert.commonName, serial: screen.cert.serialNumber }), columns) +
        1 +
        rowsOf(t('revoke.warning'), columns) +
        rowsOf(screen.phase === 'confirm' ? t('revoke.question') : t('revoke.revoking'), columns)
      );
    case 'step1':
      return step1Core(screen, columns);
    case 'csr':
      return csrCore(screen, columns);
    case 'card':
      return cardCore(screen, columns);
    case 'result':
      return resultCore(screen, columns, now);
    case 'error':
      return errorRows(screen.error, columns) + 1 + (offersUnblock(screen) ? rowsOf(t('pinDialog.unblockHere'), columns) : 0) + rowsOf(t('errorKind.goBack'), columns);
    case 'pin-dialog':
      return pinDialogCore(screen, columns);
  }
}

/** The narrowest window the view is laid out in. */
export function minColumns(screen: Screen): number {
  if (screen.kind === 'list') {
    const labels = labelWidths(CATALOGS[language()]);
    const l = listLayout(200, labels);
    // Marker, the smallest CN, state, date and badge whole, and the spare column.
    return Math.max(MIN_COLUMNS, 2 + 6 + 1 + l.state + 1 + l.validTo + 1 + l.badge + 1);
  }
  if (screen.kind === 'pending') return Math.max(MIN_COLUMNS, pendingMinColumns());
  return MIN_COLUMNS;
}

/** The smallest window for the view on screen: at least its narrowest width, and the rows its core takes there (or at the current width, when wider). */
export function viewMinimum(state: Pick<WizardState, 'screen' | 'columns' | 'now' | 'help'> & Partial<Pick<WizardState, 'asked' | 'pendingOrder'>>): WindowSize {
  const columns = minColumns(state.screen);
  const at = Math.max(columns, state.columns);
  // Under a question, the note that keys typed before it were dropped (TypedAheadNote).
  const note = state.asked?.early ? prefixedRows(t('question.typedAhead'), at) : 0;
  // Under a submission the portal answered with a pending order, the line that says so.
  const pending = state.pendingOrder ? rowsOf(pendingOrderText(state.pendingOrder), at) : 0;
  const core = state.help ? HELP_CORE_ROWS : coreRows(state.screen, at, new Date(state.now)) + note + pending;
  return { columns, rows: core + CHROME_ROWS };
}

/** The help overlay: its frame, title, one line of text, the blank line and "Esc closes". */
const HELP_CORE_ROWS = 2 + 1 + 1 + 1 + 1;

/** Whether the view on screen fits the window whole (its core; extras give way first). */
export function viewFits(state: Pick<WizardState, 'screen' | 'columns' | 'rows' | 'now' | 'help'> & Partial<Pick<WizardState, 'asked' | 'pendingOrder'>>): boolean {
  const need = viewMinimum(state);
  return state.columns >= need.columns && state.rows >= need.rows;
}
