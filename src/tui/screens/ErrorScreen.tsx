// An error with its next step, and always a way back (Enter or Esc).
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import type { ErrorScreen as ErrorState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { ErrorText } from '../components/ErrorText.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function ErrorScreen({ screen, isActive }: { screen: ErrorState; isActive: boolean }) {
  const { dispatch } = useUiActions();
  const handle = useCallback((c: Command) => (c === 'back' || c === 'confirm') && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);
  return (
    <Box flexDirection="column">
      <ErrorText error={screen.error} />
      <Text> </Text>
      <Text>{t('errorKind.goBack')}</Text>
    </Box>
  );
}
