import { Box, Text } from 'ink';
import type { HelpText } from '../../wizard/help.js';

/** The `?` overlay: the current step's explanation and keys. */
export function HelpOverlay({ help }: { help: HelpText }) {
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1}>
      <Text bold>Help · {help.title}</Text>
      {help.lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor>Esc or ? closes this help · Ctrl+C quits at any time</Text>
    </Box>
  );
}
