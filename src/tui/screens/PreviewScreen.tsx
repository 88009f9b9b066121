// Certificate preview: a readable dump, scrolled line by line within the screen.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import type { PreviewScreen as PreviewState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export function PreviewScreen({ screen, isActive, height }: { screen: PreviewState; isActive: boolean; height: number }) {
  const { dispatch } = useUiActions();
  const page = Math.max(1, height - 2);
  const handle = useCallback(
    (c: Command) => {
      if (c === 'back') dispatch({ type: 'back' });
      else if (c === 'up') dispatch({ type: 'move', delta: -1 });
      else if (c === 'down') dispatch({ type: 'move', delta: 1 });
      else if (c === 'page-up') dispatch({ type: 'move', delta: -page });
      else if (c === 'page-down') dispatch({ type: 'move', delta: page });
      else if (c === 'first' || c === 'last') dispatch({ type: 'move-to', to: c });
    },
    [dispatch, page],
  );
  useCommands(handle, isActive);
  const lines = screen.text?.split('\n') ?? [];
  const top = Math.min(screen.scroll, Math.max(0, lines.length - page));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {t('preview.title', { cn: screen.cert.commonName })}
        {screen.text ? `  ${t('preview.lines', { from: top + 1, to: Math.min(lines.length, top + page), total: lines.length })}` : ''}
      </Text>
      {screen.text === null ? (
        <Busy label={t('preview.loading')} />
      ) : (
        lines.slice(top, top + page).map((l, i) => (
          <Text key={top + i} wrap="truncate-end">
            {l || ' '}
          </Text>
        ))
      )}
    </Box>
  );
}
