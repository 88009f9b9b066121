// What the certificate list shows for a state, as text: the count after the title and the
// visible lines (cut to the terminal's width, the state cell coloured). ListScreen renders it
// with Ink; the launcher paints the same text before Ink has loaded (src/tui/first-page.ts), so
// the two cannot differ.
import chalk from 'chalk';
import type { Certificate } from '../domain/types.js';
import { t } from '../i18n/i18n.js';
import { formatCount, truncate } from './format.js';
import { stateOffset } from './list-layout.js';
import { certificateLine, listColumns, placeholderLine } from './list-row.js';
import { visibleRange } from './list-window.js';
import { knownRows } from './selectors.js';
import type { ListState } from './state.js';

export interface ListView {
  /** After the title: "1–17 of 100,000", "loading…", "none found"… */
  count: string;
  /** The visible rows, each cut to the terminal's width. */
  lines: string[];
  /** Index in `lines` of the row under the cursor (may be outside when no row is). */
  selected: number;
}

/** Revoked in red, expired in magenta: the state cell only (its words stay, for NO_COLOR). */
const STATE_COLOURS: Partial<Record<Certificate['state'], (text: string) => string>> = { revoked: chalk.red, expired: chalk.magenta };

function colourState(line: string, cert: Certificate, columns: number): string {
  const paint = STATE_COLOURS[cert.state];
  if (!paint) return line;
  const layout = listColumns(columns);
  const chars = [...line];
  const from = stateOffset(layout, '>');
  const to = from + layout.state;
  if (chars.length <= from) return line;
  return chars.slice(0, from).join('') + paint(chars.slice(from, to).join('')) + chars.slice(to).join('');
}

/** `color`: whether colours are on (NO_COLOR drops them). */
export function listView(list: ListState, columns: number, now: Date, color: boolean): ListView {
  const total = list.total;
  const rowCount = knownRows(list);
  const { start, end } = rowCount === null ? { start: 0, end: 0 } : visibleRange(list, rowCount, list.height);
  const page = list.page && list.page.query === list.query ? list.page : null;
  const lines: string[] = [];
  for (let i = start; i < end; i++) {
    const cert = page ? page.items[i - page.offset] : undefined;
    const selected = i === list.cursor;
    const line = truncate(cert ? certificateLine(cert, selected, now, columns) : placeholderLine(selected, columns), columns);
    lines.push(cert && color ? colourState(line, cert, columns) : line);
  }
  const count = list.error
    ? t('list.notLoaded')
    : rowCount === null
      ? t('list.loading')
      : rowCount === 0
        ? t('list.noneFound')
        : t('list.range', { from: start + 1, to: end, total: total === null ? '…' : formatCount(total) });
  return { count, lines, selected: list.cursor - start };
}
