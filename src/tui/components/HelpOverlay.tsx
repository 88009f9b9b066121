import { Box, Text } from 'ink';
import type { HelpText, helpWindow } from '../../wizard/help.js';
import { t } from '../../i18n/i18n.js';
import { fitHints } from '../../wizard/list-layout.js';

/** The `?` overlay: the current step's explanation and keys, wrapped; a window of them when long. */
export function HelpOverlay({ help, view, width }: { help: HelpText; view: ReturnType<typeof helpWindow>; width: number }) {
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1} flexShrink={0}>
      <Text bold wrap="truncate-end">{t('helpOverlay.title', { title: help.title })}</Text>
      {view.lines.map((line, i) => (
        <Text key={view.top + i}>{line || ' '}</Text>
      ))}
      {view.more > 0 ? <Text dimColor>{t('helpOverlay.more', { count: view.more })}</Text> : <Text> </Text>}
      <Text dimColor>{fitHints(t('helpOverlay.close').split(' · '), width)}</Text>
    </Box>
  );
}
