// The certificate list shows only the rows that fit. These helpers keep the cursor inside a
// window of `height` rows over `total` items and say which page of rows to fetch, so a list of
// 100,000 certificates costs one small query per scroll step, not one render of every row.

export interface ListWindow {
  cursor: number;
  top: number;
}

const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

/** Moves the cursor to `target` (clamped) and scrolls the window the least amount to keep it visible. */
export function moveCursor(w: ListWindow, target: number, total: number, height: number): ListWindow {
  if (total <= 0) return { cursor: 0, top: 0 };
  const h = Math.max(1, height);
  const cursor = clamp(target, 0, total - 1);
  let top = w.top;
  if (cursor < top) top = cursor;
  if (cursor >= top + h) top = cursor - h + 1;
  top = clamp(top, 0, Math.max(0, total - h));
  return { cursor, top };
}

/** The indices [start, end) of the rows on screen. */
export function visibleRange(w: ListWindow, total: number, height: number): { start: number; end: number } {
  const start = clamp(w.top, 0, Math.max(0, total - 1));
  return { start, end: Math.min(total, start + Math.max(0, height)) };
}

export interface LoadedPage {
  query: string;
  offset: number;
  count: number;
}

export interface PageRequest {
  text: string;
  offset: number;
  limit: number;
}

/** Names a page request, to ask for it once. */
export const pageKey = (text: string, offset: number): string => `${text}\0${offset}`;

/**
 * The exact total a page answer shows by itself, or null: a page shorter than its limit ends the
 * list (unless it is empty past the start, which says only that the list ends earlier).
 */
export function totalShownByPage(offset: number, limit: number, count: number): number | null {
  if (count >= limit || (count === 0 && offset > 0)) return null;
  return offset + count;
}

/**
 * The page to fetch so that the visible rows are loaded, or null when they already are.
 * It over-fetches one screen above and below so that moving row by row rarely needs a query.
 * While `total` is unknown only the loaded rows can be on screen (the cursor stays within them).
 */
export function pageToFetch(
  query: string,
  w: ListWindow,
  total: number | null,
  height: number,
  loaded: LoadedPage | null,
): PageRequest | null {
  const h = Math.max(1, height);
  const start = w.top;
  if (loaded !== null && loaded.query === query) {
    const end = Math.min(total ?? loaded.offset + loaded.count, start + h);
    if (loaded.offset <= start && loaded.offset + loaded.count >= end) return null;
  }
  const offset = Math.max(0, start - h);
  return { text: query, offset, limit: h * 3 };
}
