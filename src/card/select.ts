// Which card a command means: by label and/or serial; without either, the one initialised card
// present. Pure, so the CLI and wizard can pick from an inventory the same way the worker does.
import { cardError, type ReissueError } from '../domain/errors.js';
import type { TokenInfo, TokenSelector } from './card.js';
import { noCard } from './messages.js';

export function tokenMatches(t: TokenInfo, s: TokenSelector): boolean {
  if (s.label !== undefined && t.label !== s.label.trim()) return false;
  if (s.serial !== undefined && t.serial !== s.serial.trim()) return false;
  return true;
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
  if (selector.label === undefined && selector.serial === undefined && found.some((f) => f.token.pin.initialized)) {
    candidates = found.filter((f) => f.token.pin.initialized);
  }
  if (candidates.length === 1) return { chosen: candidates[0]! };
  if (candidates.length > 1) {
    const names = candidates.map((f) => describeToken(f.token)).join(', ');
    return { error: cardError('token-ambiguous', `More than one card is available: ${names}.`, 'Choose one with --token LABEL or --serial SERIAL.') };
  }
  if (selector.label !== undefined || selector.serial !== undefined) {
    const what = selector.label !== undefined ? `labelled "${selector.label}"` : `with serial ${selector.serial}`;
    const available = present.filter((i) => i.token.pin.initialized).map((i) => describeToken(i.token));
    return {
      error: cardError('token-not-found', `No card ${what} was found.`, available.length ? `Cards present: ${available.join(', ')}.` : 'Insert the card and run `reissue card list`.'),
    };
  }
  return { error: noCard() };
}

export const describeToken = (t: TokenInfo) => `"${t.label}" (serial ${t.serial})`;
