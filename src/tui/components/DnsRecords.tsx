// dns-01 by hand in the wizard: while the CA's order waits, the TXT records to create, one per
// name, then Enter (published: the CA may check) or Esc (the order is cancelled). Shown under the
// submitting spinner of the CSR and card screens; it listens to keys only while it asks.
import { Box } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { Text } from '../theme.js';
import { useServices, type DnsRecordsRequest } from '../services.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { Wrapped } from './Wrapped.js';
import { t } from '../../i18n/i18n.js';

export function DnsRecords({ isActive, columns }: { isActive: boolean; columns: number }) {
  const services = useServices();
  const [request, setRequest] = useState<DnsRecordsRequest | null>(null);
  useEffect(() => services.onDnsRecords?.(setRequest), [services]);
  const handle = useCallback(
    (c: Command) => {
      if (!request) return;
      if (c === 'confirm' || c === 'back') {
        setRequest(null);
        request.answer(c === 'confirm');
      }
    },
    [request],
  );
  useCommands(handle, isActive && request !== null);
  if (!request) return null;
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Wrapped bold text={t('dnsManual.title', { count: request.records.length })} />
      {request.records.map((r) => {
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
