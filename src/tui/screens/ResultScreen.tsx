// Result: the new copy beside the old one (serial, valid to — equal), the old copy's revocation
// date with a countdown, and what to do next.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import { daysLeft } from '../../domain/policy.js';
import { cardNumber, fit, formatDateTime, stateLabel } from '../../wizard/format.js';
import { resultActions } from '../../wizard/selectors.js';
import type { ResultAction, ResultScreen as ResultState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { ActionBar } from '../components/ActionBar.js';
import { InfoBox } from '../components/InfoBox.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

const LABELS: Record<ResultAction, string> = {
  'download-pem': 'Download PEM',
  'download-der': 'Download DER',
  install: 'Install on card',
  list: 'Back to the list',
};

const W = { label: 15, col: 32 };
const cells = (label: string, a: string, b: string) => `${fit(label, W.label)}${fit(a, W.col)} ${fit(b, W.col)}`.trimEnd();

export function ResultScreen({ screen, isActive }: { screen: ResultState; isActive: boolean }) {
  const state = useWizardState();
  const { dispatch } = useUiActions();
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const { certificate: fresh, replaced: old } = screen.result;
  const now = new Date(state.now);
  const sameExpiry = fresh.notAfter === old.notAfter;
  const revokeAt = old.revocationDate;
  const left = revokeAt ? daysLeft(revokeAt, now) : null;
  const items = resultActions(screen).map((a) => ({ value: a, label: LABELS[a] }));
  return (
    <Box flexDirection="column">
      <Text color="green" bold wrap="truncate-end">
        ✓ Reissued: a new copy of {fresh.commonName} was issued
      </Text>
      <Text> </Text>
      <Text bold>{cells('', 'New copy', 'Previous copy')}</Text>
      <Text>{cells('Serial number', fresh.serialNumber, old.serialNumber)}</Text>
      <Text>{cells('Valid to', formatDateTime(fresh.notAfter), formatDateTime(old.notAfter))}</Text>
      <Text>{cells('', sameExpiry ? '= same expiry date' : '≠ EXPIRY DIFFERS', '')}</Text>
      <Text>{cells('State', stateLabel(fresh.state), left !== null ? `${stateLabel(old.state)}, revoked in ${left} d` : stateLabel(old.state))}</Text>
      <Text>{cells('Revocation', '—', revokeAt ? `${formatDateTime(revokeAt)} (${left} days left)` : '—')}</Text>
      <Text wrap="truncate-end">
        {cells(
          'Key',
          screen.via === 'card'
            ? `on card ${screen.tokenSerial ? cardNumber(screen.tokenSerial) : ''}`
            : screen.via === 'cloud'
              ? 'generated in the cloud key store'
              : screen.generatedKeyPath
                ? `saved to ${screen.generatedKeyPath}`
                : 'from your CSR',
          '',
        )}
      </Text>
      <Text> </Text>
      <InfoBox>
        <Text>Reissue will automatically invalidate the previous certificate 14 days</Text>
        <Text>after issuing a new copy. Install the new copy now.</Text>
      </InfoBox>
      {screen.notice ? <Text color="green" wrap="truncate-end">✓ {screen.notice}</Text> : null}
      <ActionBar
        items={items}
        cursor={Math.min(screen.cursor, items.length - 1)}
        isActive={isActive}
        onHighlight={(index) => dispatch({ type: 'highlight', index })}
        onSelect={(action) => dispatch({ type: 'choose-action', action })}
      />
    </Box>
  );
}
