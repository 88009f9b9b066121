// How the wizard (and the CLI's text) writes dates, states and badges, in the current language.
// Pure apart from the language: every time-dependent text takes `now`.
import { daysLeft } from '../domain/policy.js';
import type { CardEvidence, Certificate, CertificateState, PortalEmail } from '../domain/types.js';
import { language, t } from '../i18n/i18n.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** The date in local time, in the language's order: "2024-11-01" (en), "01.11.2024" (pl). Always 10 characters. */
function dateOf(d: Date): string {
  return t('format.date', { y: d.getFullYear(), m: pad(d.getMonth() + 1), d: pad(d.getDate()) });
}

/** "2024-11-01 14:30" (en), "01.11.2024 14:30" (pl) in local time, as the portal's details view writes it. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${dateOf(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** formatDateTime with seconds: for two dates that differ within the same minute. */
export function formatDateTimeSeconds(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDateTime(iso)}:${pad(d.getSeconds())}`;
}

/**
 * "100,000" (en), "100 000" (pl): a count with the language's thousands separators. English
 * without toLocaleString: its first call loads ICU's number formatting, 12–25 ms on the wizard's
 * start-up path for one number; Polish grouping (none below 10 000) is left to ICU.
 */
export function formatCount(n: number): string {
  return language() === 'pl' ? n.toLocaleString('pl-PL') : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The date alone, for narrow columns. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateOf(d);
}

/** A CRL reason (RFC 5280 name) in the current language. */
export function reasonLabel(reason: string): string {
  return t(`revocationReason.${reason}`, { defaultValue: reason });
}

/** A pending revocation is still valid until its date; the badge says when it stops being valid. */
export function stateLabel(state: CertificateState): string {
  return t(`state.${state === 'pending-revocation' ? 'valid' : state}`);
}

/** "revoked in 13 d" for a copy awaiting its automatic revocation, otherwise null. */
export function revocationBadge(cert: Pick<Certificate, 'state' | 'revocationDate'>, now: Date): string | null {
  if (cert.state !== 'pending-revocation' || !cert.revocationDate) return null;
  return t('format.badge', { count: daysLeft(cert.revocationDate, now) });
}

/** "2026-12-08 12:00 (13 days left)" for the header and the details view. */
export function pendingRevocationText(cert: Pick<Certificate, 'state' | 'revocationDate'>, now: Date): string | null {
  if (cert.state !== 'pending-revocation' || !cert.revocationDate) return null;
  return t('format.dateDaysLeft', { date: formatDateTime(cert.revocationDate), count: daysLeft(cert.revocationDate, now) });
}

/** "will be revoked on 2026-12-08 12:00 (13 days left)": the manual's words for a revocation still ahead. */
export function willBeRevokedText(cert: Pick<Certificate, 'state' | 'revocationDate'>, now: Date): string | null {
  const when = pendingRevocationText(cert, now);
  return when === null ? null : t('format.willBeRevoked', { when });
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Characters (code points) in `text`; printable ASCII, the usual case, without splitting it. */
function charCount(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : [...text].length;
}

/** `text` cut to at most `width` characters (code points); a cut ends in an ellipsis. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (charCount(text) <= width) return text;
  return [...text].slice(0, width - 1).join('') + '…';
}

/** `text` cut to `width` characters with an ellipsis, or padded to exactly `width`. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut === text ? text + ' '.repeat(Math.max(0, width - charCount(text))) : cut;
}

/** A serial number in the portal's lower-case hex, grouped for reading when it is long. */
export function formatSerial(serial: string): string {
  return serial.toLowerCase();
}

/** "12 s", "1 min 05 s": elapsed time for the card progress view. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
}

/** "1625 8349 7691 9804": a card number in groups of four, as the card manager prints it. */
export function cardNumber(serial: string): string {
  return serial.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Word-wraps `text` to `width` columns (a word longer than a line is cut). Ink's own wrapping
 * keeps the space at the start of a continuation line; this does not.
 */
export function wrapWords(text: string, width: number, firstWidth = width): string[] {
  const lines: string[] = [];
  // The first line may be narrower (it follows a label such as "What to do: ").
  const widthNow = () => Math.max(1, lines.length === 0 ? firstWidth : width);
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let rest = word;
      let w = widthNow();
      while ([...rest].length > w) {
        if (line) lines.push(line);
        lines.push([...rest].slice(0, w).join(''));
        rest = [...rest].slice(w).join('');
        line = '';
        w = widthNow();
      }
      if (!line) line = rest;
      else if ([...line].length + 1 + [...rest].length <= w) line += ` ${rest}`;
      else {
        lines.push(line);
        line = rest;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The details view's "Key:" line: how this copy's key was made and, for a cloud key, where it is kept. */
export function keyLine(cert: Pick<Certificate, 'keySource' | 'cloudKey' | 'cardEvidence'>): string | null {
  const origin = keyOrigin(cert);
  if (!origin || !cert.cloudKey) return origin;
  return `${origin} (${cert.cloudKey.store === 'sandbox' ? t('keyOrigin.sandboxStore') : cert.cloudKey.location})`;
}

/** "E-mails sent:" in one line: each message's kind, date and whether it went out yet. */
export function emailsLine(emails: readonly PortalEmail[]): string {
  if (emails.length === 0) return 'none';
  return emails
    .map((e) => `${t(e.kind === 'certificate-issued' ? 'emails.issued' : 'emails.reminder')} ${formatDateTime(e.sentAt ?? e.createdAt)} ${e.status === 'sent' ? '✓' : t('emails.notSent', { count: e.attempts })}`)
    .join(' · ');
}

/**
 * "generated in the cloud key store" etc.: how this copy's key was made; null when not recorded.
 * A card key names the card and key: declared by the client and checked for consistency, not attested.
 */
export function keyOrigin(cert: Pick<Certificate, 'keySource' | 'cardEvidence'>): string | null {
  switch (cert.keySource) {
    case 'cloud':
      return t('keyOrigin.cloud');
    case 'card':
      return cert.cardEvidence ? t('keyOrigin.cardDeclared', { card: cardEvidenceWords(cert.cardEvidence) }) : t('keyOrigin.card');
    case 'csr':
      return t('keyOrigin.csr');
    default:
      return null;
  }
}

/** The declared card of a card key, in words. */
export function cardEvidenceWords(c: CardEvidence): string {
  return t('keyOrigin.cardEvidence', { ...c });
}
