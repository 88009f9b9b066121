// An error with its next step, and always a way back (Enter or Esc).
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import type { ErrorScreen as ErrorState } from '../../wizard/state.js';
import { offersUnblock } from '../../wizard/selectors.js';
import { useUiActions } from '../context.js';
import { ErrorText } from '../components/ErrorText.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function ErrorScreen({ screen, isActive }: { screen: ErrorState; isActive: boolean }) {
  const { dispatch } = useUiActions();
  // A locked PIN on the card path: unblock it with the PUK from here.
  const unblock = offersUnblock(screen);
  const handle = useCallback(
    (c: Command) => {
      if (c === 'back' || c === 'confirm') dispatch({ type: 'back' });
      else if (c === 'unblock-pin' && unblock) dispatch({ type: 'pin-dialog-open', mode: 'unblock' });
    },
    [dispatch, unblock],
  );
  useCommands(handle, isActive);
  return (
    <Box flexDirection="column">
      <ErrorText error={screen.error} />
      <Text> </Text>
      {unblock ? <Wrapped text={t('pinDialog.unblockHere')} /> : null}
      <Text>{t('errorKind.goBack')}</Text>
    </Box>
  );
}
