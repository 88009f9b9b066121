import { Text } from 'ink';
import Spinner from 'ink-spinner';

/** A spinner and what is being waited for. */
export function Busy({ label }: { label: string }) {
  return (
    <Text>
      <Spinner type="dots" /> {label}
    </Text>
  );
}
