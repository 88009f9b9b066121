// The choice list every step uses: a window that follows the cursor, and a cursor owned by the
// parent (the wizard's reducer in the app).
import { useState } from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { Menu, windowStart } from '../../src/tui/components/Menu.js';
import { render, type Terminal } from '../helpers/ink.js';

let t: Terminal | null = null;
afterEach(() => {
  t?.unmount();
  t = null;
});

describe('windowStart', () => {
  test('shows everything when it fits', () => {
    expect(windowStart(0, 3, 4, 4)).toBe(0);
  });
  test('moves only as far as needed to keep the cursor in view', () => {
    expect(windowStart(0, 3, 10, 4)).toBe(0);
    expect(windowStart(0, 4, 10, 4)).toBe(1); // one step down past the bottom
    expect(windowStart(1, 2, 10, 4)).toBe(1); // back up inside the window: it stays
    expect(windowStart(3, 2, 10, 4)).toBe(2); // up past the top
    expect(windowStart(0, 9, 10, 4)).toBe(6); // wrapped to the last item
    expect(windowStart(6, 0, 10, 4)).toBe(0); // wrapped to the first
  });
});

function Harness({ chosen }: { chosen: string[] }) {
  const [cursor, setCursor] = useState(0);
  const items = Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, label: `item ${i}` }));
  return <Menu items={items} cursor={cursor} isActive limit={4} onHighlight={setCursor} onSelect={(v) => chosen.push(v)} />;
}

describe('Menu', () => {
  test('with a limit, a window of items follows the cursor, wrapping at both ends', async () => {
    const chosen: string[] = [];
    t = await render(<Harness chosen={chosen} />);
    expect(t.lastFrame()).toBe('❯ item 0\n  item 1\n  item 2\n  item 3');
    for (let i = 0; i < 5; i++) await t.press('down');
    expect(t.lastFrame()).toBe('  item 2\n  item 3\n  item 4\n❯ item 5');
    await t.press('enter');
    expect(chosen).toEqual(['v5']);
    await t.write('\u001b[A\u001b[A\u001b[A\u001b[A\u001b[A\u001b[A\r'); // six up in one chunk: wraps to 9
    expect(t.lastFrame()).toBe('  item 6\n  item 7\n  item 8\n❯ item 9');
    expect(chosen).toEqual(['v5', 'v9']);
  });
});
