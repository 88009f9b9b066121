// Revoke certificate: an explicit "y" first, because it cannot be undone.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import type { RevokeScreen as RevokeState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export function RevokeScreen({ screen, isActive }: { screen: RevokeState; isActive: boolean }) {
  const { dispatch } = useUiActions();
  const handle = useCallback(
    (c: Command) => {
      if (screen.phase !== 'confirm') return;
      if (c === 'yes') dispatch({ type: 'answer', yes: true });
      else if (c === 'no' || c === 'back') dispatch({ type: 'answer', yes: false });
    },
    [dispatch, screen.phase],
  );
  useCommands(handle, isActive);
  return (
    <Box flexDirection="column">
      <Text bold>Revoke certificate</Text>
      <Text wrap="truncate-end">
        {screen.cert.commonName} · serial {screen.cert.serialNumber}
      </Text>
      <Text> </Text>
      <Text color="red">Revocation takes effect immediately and cannot be undone.</Text>
      {screen.phase === 'confirm' ? <Text>Revoke this certificate? (y/n)</Text> : <Busy label="Revoking…" />}
    </Box>
  );
}
