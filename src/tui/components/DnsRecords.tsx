// dns-01 by hand in the wizard: while the CA's order waits, the TXT records to create, one per
// name, then Enter (published: the CA may check) or Esc (the order is cancelled). Shown under the
// submitting spinner of the CSR and card screens; it listens to keys only while it asks.
import { Box } from 'ink';
import { useCallback } from 'react';
import { Text } from '../theme.js';
import { useUiActions } from '../context.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import type { DnsRecord } from '../../wizard/state.js';
import { Wrapped } from './Wrapped.js';
import { t } from '../../i18n/i18n.js';

export function DnsRecords({ records, isActive, columns }: { records: readonly DnsRecord[] | null; isActive: boolean; columns: number }) {
  const { dispatch } = useUiActions();
  const handle = useCallback(
    (c: Command) => {
      if (c === 'confirm' || c === 'back') dispatch({ type: 'dns-records-answer', published: c === 'confirm' });
    },
    [dispatch],
  );
  useCommands(handle, isActive && records !== null);
  if (!records) return null;
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Wrapped bold text={t('dnsManual.title', { count: records.length })} />
      {records.map((r) => {
        const whole = `${r.name} TXT "${r.value}"`;
        // One line when it fits; else the name, then the record's type and value under it.
        return [...whole].length <= columns - 3 ? (
          <Text key={r.name + r.value}>  {whole}</Text>
        ) : (
          <Box key={r.name + r.value} flexDirection="column">
            <Wrapped prefix="  " text={r.name} />
            <Text>{'    '}TXT "{r.value}"</Text>
          </Box>
        );
      })}
      <Text> </Text>
      <Wrapped text={t('dnsManual.wait')} />
      <Wrapped bold text={t('dnsManual.keys')} />
    </Box>
  );
}
