import { Box, Text } from 'ink';
import { useEffect, useState } from 'react';
import { useServices } from '../services.js';
import { fit } from '../../wizard/format.js';

/** How many of the latest progress lines stay on screen (the order, each name, finalizing). */
const KEEP = 4;

/**
 * The portal's progress while it issues, under the spinner: the latest few lines, each cut to the
 * width. Shows nothing for a portal that reports no steps.
 */
export function PortalProgress({ columns }: { columns: number }) {
  const services = useServices();
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => services.onPortalProgress?.((line) => setLines((prev) => [...prev, line].slice(-KEEP))), [services]);
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
