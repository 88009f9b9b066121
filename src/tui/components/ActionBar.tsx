// A horizontal row of actions (the details view's buttons): ←/→ (or ↑/↓) choose, Enter runs.
// The chosen one is bracketed, so the choice is visible without colour.
import { Box, Text } from 'ink';
import { useCallback, useRef } from 'react';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export interface ActionItem<V extends string> {
  label: string;
  value: V;
}

export function ActionBar<V extends string>(props: {
  items: ActionItem<V>[];
  cursor: number;
  isActive: boolean;
  onHighlight: (index: number) => void;
  onSelect: (value: V) => void;
}) {
  const { items, cursor, isActive, onHighlight, onSelect } = props;
  // Keys that arrive in one chunk (a slow SSH link, a held arrow key) are handled before React
  // renders again: track the cursor here so each of them moves from where the previous one left.
  const current = useRef(cursor);
  current.current = cursor;
  const handle = useCallback(
    (c: Command) => {
      const n = items.length;
      if (c === 'left' || c === 'up') onHighlight((current.current = (current.current - 1 + n) % n));
      else if (c === 'right' || c === 'down') onHighlight((current.current = (current.current + 1) % n));
      else if (c === 'confirm' && items[current.current]) onSelect(items[current.current]!.value);
    },
    [items, onHighlight, onSelect],
  );
  useCommands(handle, isActive);
  return (
    <Box flexWrap="wrap" columnGap={1}>
      {items.map((item, i) => (
        <Text key={item.value} inverse={i === cursor} bold={i === cursor}>
          {i === cursor ? `[${item.label}]` : ` ${item.label} `}
        </Text>
      ))}
    </Box>
  );
}
