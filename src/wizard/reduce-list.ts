// The certificate list and its filter: cursor moves, typed filter text, pages and counts answered
// for the filter on screen (answers for a filter typed over since are dropped). Pure.
import { knownRows } from './selectors.js';
import { moveCursor } from './list-window.js';
import type { ListState, WizardEvent } from './state.js';

/** Header (2) + title, filter and column lines (3) + footer (1) + one spare line (see App). */
const LIST_CHROME_ROWS = 7;

export function listHeight(rows: number): number {
  return Math.max(3, rows - LIST_CHROME_ROWS);
}

export function reduceList(list: ListState, event: WizardEvent): ListState {
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
      const focused = list.focusId === null ? -1 : event.items.findIndex((c) => c.id === list.focusId);
      const cursor = focused >= 0 ? event.offset + focused : list.cursor;
      return { ...next, focusId: null, ...moveCursor(list, cursor, knownRows(next) ?? 0, list.height) };
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

