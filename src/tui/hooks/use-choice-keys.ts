// Moving through a row or column of choices and choosing one, for the menus and the action bar.
// Keys that arrive in one chunk (a slow SSH link, a held arrow, typing ahead) are handled one after
// the other before React renders again, so the cursor is tracked here: each key moves from where
// the previous one left it, and an Enter right behind an arrow chooses what the arrow reached.
import { useCallback, useRef } from 'react';
import type { Command } from '../keymap.js';
import { useCommands } from './use-commands.js';

export function useChoiceKeys(opts: {
  count: number;
  cursor: number;
  isActive: boolean;
  /** A column answers ↑/↓; a row (the action bar) also ←/→. */
  layout: 'column' | 'row';
  onHighlight: (index: number) => void;
  onChoose: (index: number) => void;
}): void {
  const { count, cursor, isActive, layout, onHighlight, onChoose } = opts;
  const current = useRef(cursor);
  current.current = cursor;
  const handle = useCallback(
    (c: Command) => {
      if (count === 0) return;
      const back = c === 'up' || (layout === 'row' && c === 'left');
      const forward = c === 'down' || (layout === 'row' && c === 'right');
      const move = back ? -1 : forward ? 1 : 0;
      if (move) onHighlight((current.current = (current.current + move + count) % count));
      else if (c === 'confirm' && current.current < count) onChoose(current.current);
    },
    [count, layout, onHighlight, onChoose],
  );
  useCommands(handle, isActive);
}
