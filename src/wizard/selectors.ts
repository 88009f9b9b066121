// Questions the screens and the flow ask of a state: which actions a view offers, what the
// reader checklist says, which certificate the header talks about, whether a text field has the
// keyboard. Pure, like the flow itself.
import { algorithmLabel } from '../domain/algorithms.js';
import type { Certificate, KeySource } from '../domain/types.js';
import type { PortalCapability } from '../portal/portal.js';
import type { CardInventory, ReaderInfo } from '../card/card.js';
import { readerCanGenerate } from './algorithms.js';
import { cardNumber, formatDateTime, pendingRevocationText, revocationBadge, truncate, willBeRevokedText } from './format.js';
import { pinDialogTyping } from './pin-dialog.js';
import type { CardScreen, DetailsAction, PendingOrder, ListState, ResultAction, ResultScreen, ShownError, WizardState } from './state.js';
import { language, t, translator } from '../i18n/i18n.js';
import { localizedError } from '../i18n/errors.js';

const isLive = (c: Certificate) => c.state === 'valid' || c.state === 'pending-revocation';

/** Whether the copy's key may be on a card: made on one, or not recorded for a product that allows cards. */
const keyMayBeOnCard = (cert: Certificate) => cert.keySource === 'card' || (cert.keySource == null && cert.keySources.includes('card'));

/**
 * The actions of the details view, in menu order: only those that can work. A replaced copy is
 * not reissued (its newest copy is); a certificate goes onto a card only where its key can be.
 */
export function detailsActions(cert: Certificate): DetailsAction[] {
  const out: DetailsAction[] = ['preview', 'download-pem', 'download-der'];
  if (isLive(cert) && !cert.replacedBy) out.push('reissue');
  if (isLive(cert)) out.push('revoke');
  if (isLive(cert) && keyMayBeOnCard(cert)) out.push('install');
  return out;
}

/**
 * The key sources step 1 offers: the product's, without cloud keys on a portal whose kind has no
 * key store of its own (until the portal's info arrives: the product's).
 */
export function reissueMethods(cert: Certificate, capabilities: readonly PortalCapability[] | null): KeySource[] {
  return cert.keySources.filter((k) => k !== 'cloud' || capabilities === null || capabilities.includes('cloudKeys'));
}

export function resultActions(screen: Pick<ResultScreen, 'via' | 'result'>): ResultAction[] {
  const out: ResultAction[] = ['download-pem', 'download-der'];
  if (screen.via === 'card') out.push('install');
  out.push('list');
  return out;
}

export interface ChecklistItem {
  label: string;
  ok: boolean;
  hint?: string;
}

/** What must hold before a reader's card can be used; re-evaluated on every inventory scan. */
export function readerChecklist(reader: ReaderInfo, algorithm: CardScreen['algorithm']): ChecklistItem[] {
  const token = reader.token;
  const items: ChecklistItem[] = [
    { label: t('checklist.reader'), ok: true },
    { label: t('checklist.card'), ok: reader.tokenPresent && token !== null, hint: t('checklist.cardHint') },
    {
      label: t('checklist.pinSet'),
      ok: token !== null && token.pin.initialized && token.pin.userPinSet,
      hint: t('checklist.pinSetHint'),
    },
  ];
  if (token?.pin.locked) items.push({ label: t('checklist.notLocked'), ok: false, hint: t('checklist.notLockedHint') });
  if (algorithm) {
    items.push({ label: t('checklist.canGenerate', { algorithm: algorithmLabel(algorithm) }), ok: readerCanGenerate(reader, algorithm), hint: t('checklist.canGenerateHint') });
  }
  return items;
}

/** A reader in the list: its name and the card in it ("· card 1625 8349 (label)", "· no card"). */
export function readerLabel(r: ReaderInfo): string {
  if (!r.tokenPresent || !r.token) return `${r.name} · ${t('card.noCard')}`;
  if (!r.token.pin.initialized) return `${r.name} · ${t('card.notInitialized')}`;
  return `${r.name} · ${t('card.card', { number: cardNumber(r.token.serial) })}${r.token.label ? ` (${r.token.label})` : ''}`;
}

export function readerReady(reader: ReaderInfo, algorithm: CardScreen['algorithm']): boolean {
  return readerChecklist(reader, algorithm).every((i) => i.ok);
}

export function findReader(inv: CardInventory | null, sel: { module: string; slotId: string } | null): ReaderInfo | null {
  if (!inv || !sel) return null;
  return inv.readers.find((r) => r.module === sel.module && r.slotId === sel.slotId) ?? null;
}

/** The certificate the header talks about: the selected row or the one being worked on. */
export function focusCertificate(state: WizardState): Certificate | null {
  const s = state.screen;
  switch (s.kind) {
    case 'list':
      return selectedRow(state.list);
    case 'pending':
      return s.items?.[s.cursor] ?? null;
    case 'result':
      return s.result.replaced;
    case 'error':
    case 'pin-dialog':
      return focusCertificate({ ...state, screen: s.back });
    default:
      return s.cert;
  }
}

/**
 * The header's warning when the certificate in focus waits for its automatic revocation, or null.
 * It fits the width whole: the CN gives way first (shortened, then left out), then the words
 * around the date; the date and the days left are never cut.
 */
export function headerNotice(state: WizardState): string | null {
  const cert = bannerCertificate(state);
  const now = new Date(state.now);
  const pending = cert ? willBeRevokedText(cert, now) : null;
  if (!pending || !cert) return null;
  const width = state.columns;
  const size = (text: string) => [...text].length;
  const full = `⚠ ${cert.commonName} — ${pending}`;
  if (size(full) <= width) return full;
  const room = width - size(`⚠  — ${pending}`);
  if (room >= 8) return `⚠ ${truncate(cert.commonName, room)} — ${pending}`;
  const short = `⚠ ${pending}`;
  if (size(short) <= width) return short;
  const date = `⚠ ${pendingRevocationText(cert, now)}`;
  return size(date) <= width ? date : `⚠ ${revocationBadge(cert, now)}`;
}

/** Before the portal's name when the portal runs at a simulated date (REISSUE_NOW). */
export function simulatedDateTitle(state: Pick<WizardState, 'now'>): string {
  return `${t('header.simulated', { date: formatDateTime(state.now) })} · `;
}

/**
 * The certificate whose pending revocation the header shows: the one in focus, or, on a screen
 * about its new copy (download or install from the result), the replaced copy it came from.
 */
export function bannerCertificate(state: WizardState): Certificate | null {
  const own = focusCertificate(state);
  if (own?.state === 'pending-revocation') return own;
  const s = state.screen;
  if (!own || !('back' in s) || !s.back) return own;
  const before = bannerCertificate({ ...state, screen: s.back });
  return before?.state === 'pending-revocation' && (before.id === own.id || before.replacedBy === own.id) ? before : own;
}

/**
 * How many rows the list can show and move over: the total once it is known, until then the
 * rows loaded for the current filter (null: nothing yet).
 */
export function knownRows(list: ListState): number | null {
  if (list.total !== null) return list.total;
  const p = list.page;
  return p && p.query === list.query ? p.offset + p.items.length : null;
}

/** The filter whose total should be counted now (its rows are on screen first), or null. */
export function totalToCount(list: ListState): string | null {
  if (list.error || (list.total !== null && !list.totalStale)) return null;
  return list.page?.query === list.query ? list.query : null;
}

export function selectedRow(list: ListState): Certificate | null {
  const p = list.page;
  if (!p || p.query !== list.query) return null;
  return p.items[list.cursor - p.offset] ?? null;
}

/** True while a text field has the keyboard: single letters are text then, not commands. */
export function isTyping(state: WizardState): boolean {
  const s = state.screen;
  if (state.help) return false;
  switch (s.kind) {
    case 'list':
      return state.list.filtering;
    case 'download':
      return s.phase === 'path';
    case 'csr':
      return s.mode === 'paste' || s.mode === 'file' || s.mode === 'gen-key-path' || s.mode === 'gen-passphrase' || s.mode === 'gen-passphrase-repeat';
    case 'card':
      return s.phase === 'pin';
    case 'pin-dialog':
      return pinDialogTyping(s);
    default:
      return false;
  }
}

/** The PIN dialog's key under the highlighted card (c: change, u: unblock), or null on a card without a PIN. */
export function pinDialogKeys(reader: ReaderInfo): string | null {
  const pin = reader.token?.pin;
  if (!pin?.initialized) return null;
  return t(pin.locked || !pin.userPinSet ? 'pinDialog.lockedKeys' : 'pinDialog.keys');
}

/** The locked-PIN error on the card path offers unblocking with the PUK from where it is shown. */
export const offersUnblock = (screen: { error: { code: string }; back: { kind: string } }): boolean => screen.error.code === 'pin-locked' && screen.back.kind === 'card';

/**
 * The line under a submission the portal answered with a pending order: which order, when it is
 * asked again, and what the CA says it waits for (Certum's VERIFICATION: answer its e-mails).
 */
export const pendingOrderText = (p: PendingOrder): string =>
  t('notice.orderPending', { orderRef: p.orderRef, seconds: Math.max(1, Math.ceil(p.retryAfterMs / 1000)), answers: p.answers }) + (p.message ? ` ${p.message}` : '');

/** The secrets typed in the wizard (each in its own field, never in the state). */
export type SecretId = 'pin' | 'passphrase' | 'passphrase-repeat';

/**
 * The text field that has the keyboard besides the list's filter: a path kept in the state, or a
 * secret (PIN, passphrase) kept out of it. Keys are routed by this, not by which widget happens to
 * be mounted yet, so keys typed right after the key that opened the field are not lost.
 */
export function textField(state: WizardState): { kind: 'path' } | { kind: 'secret'; id: SecretId } | null {
  const s = state.screen;
  if (state.help) return null;
  if (s.kind === 'download' && s.phase === 'path') return { kind: 'path' };
  if (s.kind === 'csr' && (s.mode === 'file' || s.mode === 'gen-key-path')) return { kind: 'path' };
  if (s.kind === 'csr' && s.mode === 'gen-passphrase') return { kind: 'secret', id: 'passphrase' };
  if (s.kind === 'csr' && s.mode === 'gen-passphrase-repeat') return { kind: 'secret', id: 'passphrase-repeat' };
  if (s.kind === 'card' && s.phase === 'pin') return { kind: 'secret', id: 'pin' };
  if (s.kind === 'pin-dialog' && pinDialogTyping(s)) return { kind: 'secret', id: 'pin' };
  return null;
}

/** While the card works or the portal issues, leaving would abandon a half-done reissue. */
export function isBusy(state: WizardState): boolean {
  const s = state.screen;
  return (s.kind === 'card' && (s.phase === 'progress' || s.phase === 'submitting')) || (s.kind === 'pin-dialog' && s.stage === 'working') || (s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'step1' && s.stage === 'cloud-submitting');
}

function safeFileName(cert: Certificate): string {
  return cert.commonName.replace(/^\*\./, 'wildcard.').replace(/[^A-Za-z0-9._-]+/g, '_') || cert.id;
}

export function defaultDownloadPath(cert: Certificate, format: 'pem' | 'der'): string {
  return `${safeFileName(cert)}.${format === 'pem' ? 'pem' : 'cer'}`;
}

export function defaultKeyPath(cert: Certificate): string {
  return `${safeFileName(cert)}.key`;
}

/** Any thrown value as the wizard shows it; unknown errors keep their message but no stack. */
export function shownError(e: unknown): ShownError {
  if (e && typeof e === 'object' && 'kind' in e && 'code' in e && e instanceof Error) {
    const r = e as Error & { kind: ShownError['kind']; code: string; hint?: string; details?: Record<string, unknown> };
    const localized = localizedError(r);
    // The wizard speaks of its own screens, not of command-line options, where the catalog says how.
    const say = translator(language());
    const hint = say.has(`errors.${r.code}.wizardHint`) ? say(`errors.${r.code}.wizardHint`, r.details) : localized.hint;
    return { kind: r.kind, code: r.code, message: localized.message, ...(hint ? { hint } : {}) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'unexpected', code: 'unexpected', message, hint: t('checklist.unexpectedHint') };
}
