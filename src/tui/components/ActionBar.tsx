// A horizontal row of actions (the details view's buttons): ←/→ (or ↑/↓) choose, Enter runs.
// The chosen one is bracketed, so the choice is visible without colour.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import { useChoiceKeys } from '../hooks/use-choice-keys.js';

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
  const choose = useCallback((index: number) => onSelect(items[index]!.value), [items, onSelect]);
  useChoiceKeys({ count: items.length, cursor, isActive, layout: 'row', onHighlight, onChoose: choose });
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
