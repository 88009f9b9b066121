// Pending revocations: copies replaced by a reissue and the day each one stops being valid.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import { fit, formatDateTime } from '../../wizard/format.js';
import type { PendingScreen as PendingState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { coreRows, pendingLayout } from '../../wizard/view-size.js';
import { Wrapped } from '../components/Wrapped.js';
import { Busy } from '../components/Busy.js';
import { Menu } from '../components/Menu.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function PendingScreen({ screen, isActive, height }: { screen: PendingState; isActive: boolean; height: number }) {
  const { dispatch } = useUiActions();
  const { columns } = useWizardState();
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const items = screen.items;
  // Date and days left always whole; the serial only where there is room, the CN takes the rest.
  const l = pendingLayout(columns);
  const row = (cn: string, serial: string, date: string, left: string) => [fit(cn, l.cn), ...(l.serial ? [fit(serial, l.serial)] : []), fit(date, l.date), left].join(' ');
  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('pending.title')} />
      <Wrapped dimColor text={t('pending.intro')} />
      <Text bold>{`  ${row('CN', t('pending.serial'), t('pending.revocationOn'), t('pending.left'))}`}</Text>
      {items === null ? (
        <Busy label={t('pending.loading')} />
      ) : items.length === 0 ? (
        <Text>{t('pending.none')}</Text>
      ) : (
        <Menu
          items={items.map((c) => ({ value: c.id, label: row(c.commonName, c.serialNumber, c.revocationDate ? formatDateTime(c.revocationDate) : '', t('pending.days', { count: c.daysLeft })) }))}
          cursor={screen.cursor}
          isActive={isActive}
          limit={Math.max(1, height - coreRows(screen, columns, new Date()) + 1)}
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
