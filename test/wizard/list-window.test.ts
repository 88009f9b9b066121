import { describe, expect, test } from 'vitest';
import { moveCursor, pageToFetch, totalShownByPage, visibleRange } from '../../src/wizard/list-window.js';

describe('list window over 100,000 rows', () => {
  const total = 100_000;
  const h = 17;

  test('moving down past the window scrolls by one row', () => {
    let w = { cursor: 0, top: 0 };
    for (let i = 0; i < h; i++) w = moveCursor(w, w.cursor + 1, total, h);
    expect(w).toEqual({ cursor: 17, top: 1 });
    expect(visibleRange(w, total, h)).toEqual({ start: 1, end: 18 });
  });

  test('End jumps to the last row with a full window; Home back to the first', () => {
    const end = moveCursor({ cursor: 0, top: 0 }, Infinity, total, h);
    expect(end).toEqual({ cursor: 99_999, top: 100_000 - h });
    expect(visibleRange(end, total, h)).toEqual({ start: 99_983, end: 100_000 });
    expect(moveCursor(end, -5, total, h)).toEqual({ cursor: 0, top: 0 });
  });

  test('moving up above the window scrolls up', () => {
    expect(moveCursor({ cursor: 50, top: 50 }, 49, total, h)).toEqual({ cursor: 49, top: 49 });
  });

  test('short and empty lists', () => {
    expect(moveCursor({ cursor: 0, top: 0 }, 10, 3, h)).toEqual({ cursor: 2, top: 0 });
    expect(moveCursor({ cursor: 4, top: 2 }, 4, 0, h)).toEqual({ cursor: 0, top: 0 });
    expect(visibleRange({ cursor: 0, top: 0 }, 3, h)).toEqual({ start: 0, end: 3 });
  });

  test('fetches one page around the window, and nothing while the window is loaded', () => {
    const first = pageToFetch('', { cursor: 0, top: 0 }, null, h, null);
    expect(first).toEqual({ text: '', offset: 0, limit: 3 * h });
    const loaded = { query: '', offset: 0, count: 3 * h };
    expect(pageToFetch('', { cursor: 20, top: 4 }, total, h, loaded)).toBeNull();
    // Scrolled past the loaded rows: the next page starts one screen above the window.
    expect(pageToFetch('', { cursor: 60, top: 44 }, total, h, loaded)).toEqual({ text: '', offset: 44 - h, limit: 3 * h });
    // Another filter never reuses rows of the old one.
    expect(pageToFetch('abc', { cursor: 0, top: 0 }, total, h, loaded)).toEqual({ text: 'abc', offset: 0, limit: 3 * h });
  });

  test('a page shorter than the window is enough at the end of the list', () => {
    expect(pageToFetch('x', { cursor: 0, top: 0 }, 2, h, { query: 'x', offset: 0, count: 2 })).toBeNull();
    expect(pageToFetch('x', { cursor: 0, top: 0 }, 0, h, { query: 'x', offset: 0, count: 0 })).toBeNull();
  });

  test('before the count, only the loaded rows are on screen: nothing more is fetched', () => {
    const loaded = { query: 'b', offset: 0, count: 3 * h };
    expect(pageToFetch('b', { cursor: 5, top: 0 }, null, h, loaded)).toBeNull();
    expect(pageToFetch('b0', { cursor: 0, top: 0 }, null, h, loaded)).toEqual({ text: 'b0', offset: 0, limit: 3 * h });
  });

  test('a page shorter than its limit ends the list', () => {
    expect(totalShownByPage(0, 51, 7)).toBe(7);
    expect(totalShownByPage(0, 51, 0)).toBe(0);
    expect(totalShownByPage(34, 51, 10)).toBe(44);
    expect(totalShownByPage(0, 51, 51)).toBeNull();
    expect(totalShownByPage(34, 51, 0)).toBeNull();
  });
});
