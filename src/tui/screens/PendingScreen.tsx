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
import { t } from '../../i18n/i18n.js';

export function PendingScreen({ screen, isActive, height }: { screen: PendingState; isActive: boolean; height: number }) {
  const { dispatch } = useUiActions();
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const items = screen.items;
  return (
    <Box flexDirection="column">
      <Text bold>{t('pending.title')}</Text>
      <Text dimColor wrap="truncate-end">{t('pending.intro')}</Text>
      <Text bold>{`  ${fit('CN', 20)} ${fit(t('pending.serial'), 32)} ${fit(t('pending.revocationOn'), 16)} ${t('pending.left')}`}</Text>
      {items === null ? (
        <Busy label={t('pending.loading')} />
      ) : items.length === 0 ? (
        <Text>{t('pending.none')}</Text>
      ) : (
        <Menu
          items={items.map((c) => ({ value: c.id, label: `${fit(c.commonName, 20)} ${fit(c.serialNumber, 32)} ${fit(c.revocationDate ? formatDateTime(c.revocationDate) : '', 16)} ${t('pending.days', { count: c.daysLeft })}` }))}
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
