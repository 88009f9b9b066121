// A vertical choice list (ink-select-input) that reports highlight and choice as values; only
// the focused menu listens to keys. The pointer ❯ marks the choice, colour only repeats it.
import { Box } from 'ink';
import SelectInput from 'ink-select-input';
import { Text } from '../theme.js';

export interface MenuItem<V extends string> {
  label: string;
  value: V;
}

function Indicator({ isSelected = false }: { isSelected?: boolean }) {
  return (
    <Box marginRight={1}>
      <Text color="blue">{isSelected ? '❯' : ' '}</Text>
    </Box>
  );
}

function Item({ isSelected = false, label }: { isSelected?: boolean; label: string }) {
  return <Text {...(isSelected ? { color: 'blue' } : {})}>{label}</Text>;
}

export function Menu<V extends string>(props: {
  items: MenuItem<V>[];
  cursor: number;
  isActive: boolean;
  onHighlight?: (index: number) => void;
  onSelect: (value: V) => void;
  limit?: number;
}) {
  const { items, cursor, isActive, onHighlight, onSelect, limit } = props;
  return (
    <SelectInput
      items={items.map((i) => ({ key: i.value, label: i.label, value: i.value }))}
      initialIndex={Math.min(cursor, Math.max(0, items.length - 1))}
      isFocused={isActive}
      indicatorComponent={Indicator}
      itemComponent={Item}
      {...(limit ? { limit } : {})}
      onHighlight={(item) => onHighlight?.(items.findIndex((i) => i.value === item.value))}
      onSelect={(item) => onSelect(item.value)}
    />
  );
}
