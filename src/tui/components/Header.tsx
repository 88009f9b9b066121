// Always on top: the portal's name and, when the certificate in focus is waiting for its
// automatic revocation, the date and days left (in words, not only in colour).
import { Box } from 'ink';
import { Text } from '../theme.js';
import { headerNotice, isTyping, simulatedDateTitle } from '../../wizard/selectors.js';
import { t } from '../../i18n/i18n.js';
import { useWizardState } from '../context.js';

/** `simulatedDate`: the portal runs at a simulated date (REISSUE_NOW), said before its name. */
export function Header({ simulatedDate = false }: { simulatedDate?: boolean }) {
  const state = useWizardState();
  const notice = headerNotice(state);
  const simulated = simulatedDate ? simulatedDateTitle(state) : '';
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text bold>reissue</Text> · {simulated ? <Text color="yellow" bold>{simulated}</Text> : null}{state.portalName ?? t('header.connecting')}
        </Text>
        {/* In a text field "?" is a character (a PIN may hold one): help is F1 there. */}
        <Text dimColor> {t(isTyping(state) ? 'header.helpInField' : 'header.help')}</Text>
      </Box>
      <Text wrap="truncate-end" color="yellow">
        {notice ?? ' '}
      </Text>
    </Box>
  );
}
