import { Box, Text } from 'ink';
import type { HelpText } from '../../wizard/help.js';
import { t } from '../../i18n/i18n.js';

/** The `?` overlay: the current step's explanation and keys. */
export function HelpOverlay({ help }: { help: HelpText }) {
  return (
    <Box borderStyle="round" flexDirection="column" paddingX={1}>
      <Text bold>{t('helpOverlay.title', { title: help.title })}</Text>
      {help.lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line || ' '}
        </Text>
      ))}
      <Text> </Text>
      <Text dimColor wrap="truncate-end">{t('helpOverlay.close')}</Text>
    </Box>
  );
}
