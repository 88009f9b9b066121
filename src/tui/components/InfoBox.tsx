// The manual's light-blue information box, drawn with a left rule so it reads without colour.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useColor } from '../theme.js';

export function InfoBox({ children }: { children: ReactNode }) {
  const color = useColor();
  return (
    <Box borderStyle="single" borderTop={false} borderBottom={false} borderRight={false} {...(color ? { borderColor: 'blue' } : {})} paddingLeft={1} flexDirection="column">
      {children}
    </Box>
  );
}

export const REISSUE_INFO = [
  'The reissue can be used to get the new copy of the certificate with new pair',
  'of keys but with the same expiration date as the original certificate.',
  'The reasons for certificate reissue:',
  '- the private key for the certificate was lost,',
  '- other key algorithm or length is needed,',
  '- error appears during installation or certificate and private key mismatch,',
  '- web server/hosting provider was changed.',
  'Issuing a reissue certificate will automatically revoke the previous',
  'certificate after 14 days.',
];

export function ReissueInfo() {
  return (
    <InfoBox>
      {REISSUE_INFO.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </InfoBox>
  );
}
