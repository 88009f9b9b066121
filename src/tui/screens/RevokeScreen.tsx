// Revoke certificate: an explicit "y" first, because it cannot be undone.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import type { RevokeScreen as RevokeState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { TypedAheadNote } from '../components/TypedAheadNote.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function RevokeScreen({ screen, isActive }: { screen: RevokeState; isActive: boolean }) {
  const { dispatch, keyReadAt } = useUiActions();
  const handle = useCallback(
    (c: Command) => {
      if (screen.phase !== 'confirm') return;
      // The answer says when its key was read: one typed before the question was drawn is dropped.
      if (c === 'yes') dispatch({ type: 'answer', yes: true, at: keyReadAt() });
      else if (c === 'no') dispatch({ type: 'answer', yes: false, at: keyReadAt() });
      else if (c === 'back') dispatch({ type: 'back' });
    },
    [dispatch, keyReadAt, screen.phase],
  );
  useCommands(handle, isActive);
  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('revoke.title')} />
      <Wrapped text={t('revoke.which', { cn: screen.cert.commonName, serial: screen.cert.serialNumber })} />
      <Text> </Text>
      <Wrapped color="red" text={t('revoke.warning')} />
      {screen.phase === 'confirm' ? <Wrapped text={t('revoke.question')} /> : <Busy label={t('revoke.revoking')} />}
      {screen.phase === 'confirm' ? <TypedAheadNote /> : null}
    </Box>
  );
}
