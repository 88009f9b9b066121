// What the certificate list shows for a state, as plain text: the count after the title and the
// visible lines (cut to the terminal's width). ListScreen renders it with Ink; the launcher
// paints the same text before Ink has loaded (src/tui/first-page.ts), so the two cannot differ.
import { formatCount, truncate } from './format.js';
import { certificateLine, placeholderLine } from './list-row.js';
import { visibleRange } from './list-window.js';
import { knownRows } from './selectors.js';
import type { ListState } from './state.js';

export interface ListView {
  /** After the title: "(1–17 of 100,000)", "loading…", "none found"… */
  count: string;
  /** The visible rows, each cut to the terminal's width. */
  lines: string[];
  /** Index in `lines` of the row under the cursor (may be outside when no row is). */
  selected: number;
}

export function listView(list: ListState, columns: number, now: Date): ListView {
  const total = list.total;
  const rowCount = knownRows(list);
  const { start, end } = rowCount === null ? { start: 0, end: 0 } : visibleRange(list, rowCount, list.height);
  const page = list.page && list.page.query === list.query ? list.page : null;
  const lines: string[] = [];
  for (let i = start; i < end; i++) {
    const cert = page ? page.items[i - page.offset] : undefined;
    const selected = i === list.cursor;
    lines.push(truncate(cert ? certificateLine(cert, selected, now) : placeholderLine(selected), columns));
  }
  const count = list.error
    ? 'not loaded · r retry'
    : rowCount === null
      ? 'loading…'
      : rowCount === 0
        ? 'none found'
        : `${start + 1}–${end} of ${total === null ? '…' : formatCount(total)}`;
  return { count, lines, selected: list.cursor - start };
}
