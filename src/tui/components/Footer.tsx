import { Text } from 'ink';
import { fitHints } from '../../wizard/list-layout.js';

/** One line of key hints, e.g. "Enter Next · Esc Back · ? help · q quit": whole hints, as many as fit. */
export function Footer({ hints, columns }: { hints: string[]; columns: number }) {
  return (
    <Text wrap="truncate-end" dimColor>
      {fitHints(hints, columns)}
    </Text>
  );
}
