// Always on top: the portal's name and, when the certificate in focus is waiting for its
// automatic revocation, the date and days left (in words, not only in colour).
import { Box } from 'ink';
import { Text } from '../theme.js';
import { bannerCertificate } from '../../wizard/selectors.js';
import { pendingRevocationText } from '../../wizard/format.js';
import { useWizardState } from '../context.js';

export function Header() {
  const state = useWizardState();
  const cert = bannerCertificate(state);
  const pending = cert ? pendingRevocationText(cert, new Date(state.now)) : null;
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text bold>reissue</Text> · {state.portalName ?? 'connecting to the portal…'}
        </Text>
        <Text dimColor> ? help</Text>
      </Box>
      <Text wrap="truncate-end" color="yellow">
        {pending && cert ? `⚠ ${cert.commonName} — revoked on ${pending}` : ' '}
      </Text>
    </Box>
  );
}
