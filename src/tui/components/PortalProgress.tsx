import { Box, Text } from 'ink';
import { fit } from '../../wizard/format.js';

/** The portal's latest steps under the spinner, each cut to the width; nothing when it reported none. */
export function PortalProgress({ lines, columns }: { lines: readonly string[]; columns: number }) {
  if (lines.length === 0) return null;
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} dimColor>
          {fit(line, columns - 1)}
        </Text>
      ))}
    </Box>
  );
}
