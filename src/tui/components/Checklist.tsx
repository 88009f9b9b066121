// ✓/✗ lines, each unmet item followed by its next step (symbols, not colour, carry the meaning).
import { Box } from 'ink';
import { Text } from '../theme.js';
import type { ChecklistItem } from '../../wizard/selectors.js';

export function Checklist({ items }: { items: ChecklistItem[] }) {
  return (
    <Box flexDirection="column">
      {items.map((item) => (
        <Box key={item.label} flexDirection="column">
          <Text wrap="truncate-end" color={item.ok ? 'green' : 'red'}>
            {item.ok ? '  ✓ ' : '  ✗ '}
            {item.label}
          </Text>
          {!item.ok && item.hint ? (
            <Box paddingLeft={4}>
              <Text>→ {item.hint}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
