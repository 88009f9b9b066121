// Always on top: the portal's name and, when the certificate in focus is waiting for its
// automatic revocation, the date and days left (in words, not only in colour).
import { Box } from 'ink';
import { Text } from '../theme.js';
import { headerNotice } from '../../wizard/selectors.js';
import { useWizardState } from '../context.js';

export function Header() {
  const state = useWizardState();
  const notice = headerNotice(state);
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text bold>reissue</Text> · {state.portalName ?? 'connecting to the portal…'}
        </Text>
        <Text dimColor> ? help</Text>
      </Box>
      <Text wrap="truncate-end" color="yellow">
        {notice ?? ' '}
      </Text>
    </Box>
  );
}
