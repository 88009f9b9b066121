// Which card a command means: by label and/or serial; without either, the one initialised card
// present. Pure, so the CLI and wizard can pick from an inventory the same way the worker does.
import { cardError, type ReissueError } from '../domain/errors.js';
import type { TokenInfo, TokenSelector } from './card.js';
import { noCard } from './messages.js';
import { uriMatchesToken } from './uri.js';

/** A serial as typed or shown ("C5A4 92DB …", "c5a492db…"): no spaces or colons, lower case. */
export const normalSerial = (s: string) => s.replace(/[\s:]/g, '').toLowerCase();

export const isSelecting = (s: TokenSelector) => s.label !== undefined || s.serial !== undefined || s.labelOrSerial !== undefined || s.uri !== undefined;

export function tokenMatches(t: TokenInfo, s: TokenSelector): boolean {
  if (s.label !== undefined && t.label !== s.label.trim()) return false;
  if (s.serial !== undefined && normalSerial(t.serial) !== normalSerial(s.serial)) return false;
  if (s.labelOrSerial !== undefined && t.label !== s.labelOrSerial.trim() && normalSerial(t.serial) !== normalSerial(s.labelOrSerial)) return false;
  if (s.uri && !uriMatchesToken(s.uri, t)) return false;
  return true;
}

/** The selector in words, for "No card … was found". */
export function selectorWords(s: TokenSelector): string {
  const parts: string[] = [];
  if (s.label !== undefined) parts.push(`labelled "${s.label}"`);
  if (s.serial !== undefined) parts.push(`with serial ${s.serial}`);
  if (s.labelOrSerial !== undefined) parts.push(`with label or serial "${s.labelOrSerial}"`);
  if (s.uri) parts.push('matching the PKCS#11 URI');
  return parts.join(' and ');
}

/**
 * The one token among `items` the selector names, or the error saying why there is none.
 * One card seen through two modules (same serial and label) counts once: the first wins.
 */
export function pickToken<T extends { token: TokenInfo | null }>(items: T[], selector: TokenSelector): { chosen: T & { token: TokenInfo } } | { error: ReissueError } {
  const present = items.filter((i): i is T & { token: TokenInfo } => i.token !== null);
  const found: (T & { token: TokenInfo })[] = [];
  for (const i of present) {
    if (!tokenMatches(i.token, selector)) continue;
    if (i.token.serial !== '' && found.some((f) => f.token.serial === i.token.serial && f.token.label === i.token.label)) continue;
    found.push(i);
  }
  let candidates = found;
  if (!isSelecting(selector) && found.some((f) => f.token.pin.initialized)) {
    candidates = found.filter((f) => f.token.pin.initialized);
  }
  if (candidates.length === 1) return { chosen: candidates[0]! };
  if (candidates.length > 1) {
    const names = candidates.map((f) => describeToken(f.token)).join(', ');
    return { error: cardError('token-ambiguous', `More than one card is available: ${names}.`, 'Choose one with --token LABEL|SERIAL|URI (`reissue card list` shows them).') };
  }
  if (isSelecting(selector)) {
    const what = selectorWords(selector);
    const available = present.filter((i) => i.token.pin.initialized).map((i) => describeToken(i.token));
    return {
      error: cardError('token-not-found', `No card ${what} was found.`, available.length ? `Cards present: ${available.join(', ')}.` : 'Insert the card and run `reissue card list`.'),
    };
  }
  return { error: noCard() };
}

export const describeToken = (t: TokenInfo) => `"${t.label}" (serial ${t.serial})`;
