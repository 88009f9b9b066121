import { Box } from 'ink';
import type { ShownError } from '../../wizard/state.js';
import { Wrapped } from './Wrapped.js';

const TITLES: Record<ShownError['kind'], string> = {
  usage: 'Error',
  input: 'Input error',
  card: 'Card error',
  portal: 'Portal error',
  unexpected: 'Unexpected error',
};

/** What happened and what to do next. */
export function ErrorText({ error }: { error: ShownError }) {
  return (
    <Box flexDirection="column">
      <Wrapped color="red" bold prefix="✗ " text={`${TITLES[error.kind]}: ${error.message}`} />
      {error.hint ? <Wrapped prefix="  What to do: " indent={2} text={error.hint} /> : null}
    </Box>
  );
}
