import { Box } from 'ink';
import type { ShownError } from '../../wizard/state.js';
import { Wrapped } from './Wrapped.js';
import { t } from '../../i18n/i18n.js';


/** What happened and what to do next. */
export function ErrorText({ error }: { error: ShownError }) {
  return (
    <Box flexDirection="column">
      <Wrapped color="red" bold prefix="✗ " text={`${t(`errorKind.${error.kind}`)}: ${error.message}`} />
      {error.hint ? <Wrapped prefix={`  ${t('errorKind.whatToDo')} `} indent={2} text={error.hint} /> : null}
    </Box>
  );
}
