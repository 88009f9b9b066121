// Pending revocations: copies replaced by a reissue and the day each one stops being valid.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import { fit, formatDateTime } from '../../wizard/format.js';
import type { PendingScreen as PendingState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { Menu } from '../components/Menu.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export function PendingScreen({ screen, isActive, height }: { screen: PendingState; isActive: boolean; height: number }) {
  const { dispatch } = useUiActions();
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const items = screen.items;
  return (
    <Box flexDirection="column">
      <Text bold>Pending revocations</Text>
      <Text dimColor>Replaced copies are revoked automatically 14 days after the reissue.</Text>
      <Text bold>{`  ${fit('CN', 20)} ${fit('Serial', 32)} ${fit('Revoked on', 16)} Left`}</Text>
      {items === null ? (
        <Busy label="Loading pending revocations…" />
      ) : items.length === 0 ? (
        <Text>No certificate is waiting for revocation.</Text>
      ) : (
        <Menu
          items={items.map((c) => ({ value: c.id, label: `${fit(c.commonName, 20)} ${fit(c.serialNumber, 32)} ${fit(c.revocationDate ? formatDateTime(c.revocationDate) : '', 16)} ${c.daysLeft} d` }))}
          cursor={screen.cursor}
          isActive={isActive}
          limit={Math.max(3, height - 4)}
          onHighlight={(index) => dispatch({ type: 'highlight', index })}
          onSelect={(id) => {
            const cert = items.find((c) => c.id === id);
            if (cert) dispatch({ type: 'open-details', cert });
          }}
        />
      )}
    </Box>
  );
}
