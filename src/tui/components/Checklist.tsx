// ✓/✗ lines, each unmet item followed by its next step (symbols, not colour, carry the meaning).
import { Box } from 'ink';
import { Text } from '../theme.js';
import type { ChecklistItem } from '../../wizard/selectors.js';
import { Wrapped } from './Wrapped.js';

export function Checklist({ items }: { items: ChecklistItem[] }) {
  return (
    <Box flexDirection="column">
      {items.map((item) => (
        <Box key={item.label} flexDirection="column">
          <Wrapped color={item.ok ? 'green' : 'red'} prefix={item.ok ? '  ✓ ' : '  ✗ '} text={item.label} />
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
