// Download PEM / DER to a typed path; an existing file is replaced only after a "y".
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import type { DownloadScreen as DownloadState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { Wrapped } from '../components/Wrapped.js';
import { StateField } from '../components/TextField.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function DownloadScreen({ screen, isActive }: { screen: DownloadState; isActive: boolean }) {
  const { dispatch } = useUiActions();
  const handle = useCallback(
    (c: Command) => {
      if (c === 'back') dispatch({ type: 'back' });
      else if (screen.phase === 'confirm-overwrite' && (c === 'yes' || c === 'no')) {
        dispatch({ type: 'answer', yes: c === 'yes' });
      }
    },
    [dispatch, screen.phase],
  );
  useCommands(handle, isActive);
  // The reducer takes the path as every key so far left it, and starts the download.
  const submit = () => dispatch({ type: 'download-start' });
  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('download.title', { format: screen.format.toUpperCase(), cn: screen.cert.commonName, serial: screen.cert.serialNumber })} />
      <Text> </Text>
      <Text>
        {t('download.saveTo')}{' '}
        {screen.phase === 'path' ? (
          <StateField value={screen.path} isActive={isActive} onSubmit={submit} />
        ) : (
          screen.path
        )}
      </Text>
      {screen.phase === 'confirm-overwrite' ? (
        <Wrapped color="yellow" text={t('download.exists', { path: screen.path })} />
      ) : null}
      {screen.phase === 'writing' ? <Busy label={t('download.saving')} /> : null}
    </Box>
  );
}
