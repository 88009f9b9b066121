// A vertical choice list, controlled by its parent's cursor: ↑/↓ move (wrapping), Enter chooses;
// only the focused menu listens to keys. The pointer ❯ marks the choice, colour only repeats it.
// With `limit`, a window of that many items follows the cursor. (ink-select-input kept its own
// cursor and lost moves typed ahead in one chunk: "↓ Enter" chose the item above.)
import { Box } from 'ink';
import { useCallback, useRef } from 'react';
import { useChoiceKeys } from '../hooks/use-choice-keys.js';
import { Text } from '../theme.js';

export interface MenuItem<V extends string> {
  label: string;
  value: V;
}

/** The first visible item: moves only as far as it must to keep the cursor in view. */
export function windowStart(previous: number, cursor: number, count: number, limit: number): number {
  if (count <= limit) return 0;
  const start = Math.min(Math.max(previous, cursor - limit + 1), cursor);
  return Math.max(0, Math.min(start, count - limit));
}

export function Menu<V extends string>(props: {
  items: MenuItem<V>[];
  cursor: number;
  isActive: boolean;
  onHighlight: (index: number) => void;
  onSelect: (value: V) => void;
  limit?: number;
}) {
  const { items, isActive, onHighlight, onSelect, limit = items.length } = props;
  const cursor = Math.min(Math.max(0, props.cursor), Math.max(0, items.length - 1));
  const choose = useCallback((index: number) => onSelect(items[index]!.value), [items, onSelect]);
  useChoiceKeys({ count: items.length, cursor, isActive, layout: 'column', onHighlight, onChoose: choose });
  const start = useRef(0);
  start.current = windowStart(start.current, cursor, items.length, limit);
  return (
    <Box flexDirection="column">
      {items.slice(start.current, start.current + limit).map((item, i) => {
        const selected = start.current + i === cursor;
        return (
          // The marker in its own column: a label too long for the line wraps beside it, not under it.
          <Box key={item.value}>
            <Box width={2} flexShrink={0}>
              <Text {...(selected ? { color: 'blue' } : {})}>{selected ? '❯' : ' '}</Text>
            </Box>
            <Text {...(selected ? { color: 'blue' } : {})}>{item.label}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
