// The manual's light-blue information box, drawn with a left rule so it reads without colour.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { ReissueTerms } from '../../portal/portal.js';
import { reissueInfoText } from '../../wizard/terms.js';
import { wrapWords } from '../../wizard/format.js';
import { useColor } from '../theme.js';

export function InfoBox({ children }: { children: ReactNode }) {
  const color = useColor();
  return (
    <Box borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} {...(color ? { borderColor: 'blue' } : {})} paddingLeft={1} flexDirection="column">
      {children}
    </Box>
  );
}

/** The manual's reissue info box for this portal's terms, wrapped to `width` columns (the box's rule and padding included). */
export function reissueInfoLines(width: number, terms: ReissueTerms): string[] {
  return wrapWords(reissueInfoText(terms), width - 2);
}

export function ReissueInfo({ lines }: { lines: string[] }) {
  return (
    <InfoBox>
      {lines.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </InfoBox>
  );
}
