// A horizontal row of actions (the details view's buttons): ←/→ (or ↑/↓) choose, Enter runs.
// The chosen one is bracketed, so the choice is visible without colour.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
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
  const handle = useCallback(
    (c: Command) => {
      if (c === 'left' || c === 'up') onHighlight((cursor - 1 + items.length) % items.length);
      else if (c === 'right' || c === 'down') onHighlight((cursor + 1) % items.length);
      else if (c === 'confirm' && items[cursor]) onSelect(items[cursor]!.value);
    },
    [cursor, items, onHighlight, onSelect],
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
