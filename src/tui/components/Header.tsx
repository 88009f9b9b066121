// Always on top: the portal's name and, when the certificate in focus is waiting for its
// automatic revocation, the date and days left (in words, not only in colour).
import { Box } from 'ink';
import { Text } from '../theme.js';
import { bannerCertificate } from '../../wizard/selectors.js';
import { formatDateTime, willBeRevokedText } from '../../wizard/format.js';
import { t } from '../../i18n/i18n.js';
import { useWizardState } from '../context.js';

/** `simulatedDate`: the portal runs at a simulated date (REISSUE_NOW), said before its name. */
export function Header({ simulatedDate = false }: { simulatedDate?: boolean }) {
  const state = useWizardState();
  const cert = bannerCertificate(state);
  const pending = cert ? willBeRevokedText(cert, new Date(state.now)) : null;
  const simulated = simulatedDate ? `${t('header.simulated', { date: formatDateTime(state.now) })} · ` : '';
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text wrap="truncate-end">
          <Text bold>reissue</Text> · {simulated ? <Text color="yellow" bold>{simulated}</Text> : null}{state.portalName ?? t('header.connecting')}
        </Text>
        <Text dimColor> {t('header.help')}</Text>
      </Box>
      <Text wrap="truncate-end" color="yellow">
        {pending && cert ? `⚠ ${cert.commonName} — ${pending}` : ' '}
      </Text>
    </Box>
  );
}
