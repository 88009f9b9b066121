// Certificate preview: a readable dump, scrolled line by line within the screen.
import { Box, Text } from 'ink';
import { useCallback } from 'react';
import type { PreviewScreen as PreviewState } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

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
        Certificate preview · {screen.cert.commonName}
        {screen.text ? `  (lines ${top + 1}–${Math.min(lines.length, top + page)} of ${lines.length})` : ''}
      </Text>
      {screen.text === null ? (
        <Busy label="Loading the certificate…" />
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
