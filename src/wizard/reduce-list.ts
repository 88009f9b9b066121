// The certificate list and its filter: cursor moves, typed filter text, pages and counts answered
// for the filter on screen (answers for a filter typed over since are dropped). Pure.
import type { WizardCommand } from './commands.js';
import { knownRows, totalToCount } from './selectors.js';
import { moveCursor, pageKey } from './list-window.js';
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
      return { ...list, query: event.text, cursor: 0, top: 0, total: null, totalStale: false, error: null, counting: null };
    case 'filter-input':
      if (!list.filtering || !event.text) return list;
      return reduceList(list, { type: 'filter-change', text: list.query + event.text });
    case 'filter-erase':
      if (!list.filtering) return list;
      return reduceList(list, { type: 'filter-change', text: event.all ? '' : [...list.query].slice(0, -1).join('') });
    case 'filter-end':
      if (!event.clear) return { ...list, filtering: false };
      if (list.query === '') return { ...list, filtering: false, cursor: 0, top: 0, error: null };
      return { ...list, filtering: false, query: '', cursor: 0, top: 0, total: null, totalStale: false, error: null, counting: null };
    case 'list-retry':
      return list.error ? { ...list, error: null } : list;
    // Answers for another filter than the one on screen (typed over since) are dropped.
    case 'page-loaded': {
      if (list.pageLoading === pageKey(event.query, event.offset)) list = { ...list, pageLoading: null };
      if (event.query !== list.query) return list;
      const page = { query: event.query, offset: event.offset, items: event.items };
      const counted = event.total !== null;
      const next = { ...list, page, total: counted ? event.total : list.total, totalStale: counted ? false : list.totalStale, error: null };
      const focused = list.focusId === null ? -1 : event.items.findIndex((c) => c.id === list.focusId);
      const cursor = focused >= 0 ? event.offset + focused : list.cursor;
      return { ...next, focusId: null, ...moveCursor(list, cursor, knownRows(next) ?? 0, list.height) };
    }
    case 'total-loaded': {
      if (list.counting?.query === event.query) list = { ...list, counting: null };
      if (event.query !== list.query) return list;
      return { ...list, total: event.total, totalStale: false, ...moveCursor(list, list.cursor, event.total, list.height) };
    }
    case 'page-failed':
      // The failed fetch is no longer in flight, whichever filter it was for (keys wait for it).
      if (list.pageLoading?.startsWith(`${event.query}\0`)) list = { ...list, pageLoading: null };
      if (event.query !== list.query) return list;
      return { ...list, error: event.error, pageLoading: null };
    case 'total-failed':
      // Retrying (r) reloads the rows, then counts again.
      if (list.counting?.query === event.query) list = { ...list, counting: null };
      if (event.query !== list.query) return list;
      return { ...list, page: null, error: event.error };
    default:
      return list;
  }
}


/**
 * Typing paused after the rows of `query` arrived: count them, unless the filter changed since, they
 * are counted already, or a count of them has started.
 */
export function startCount(list: ListState, query: string): { list: ListState; command: WizardCommand | null } {
  if (list.counting?.query !== query || list.counting.started || totalToCount(list) !== query) return { list, command: null };
  return { list: { ...list, counting: { query, started: true } }, command: { type: 'load-total', text: query } };
}
