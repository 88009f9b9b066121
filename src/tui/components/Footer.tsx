import { Text } from 'ink';

/** One line of key hints, e.g. "Enter Next · Esc Back · ? help · q quit". */
export function Footer({ hints }: { hints: string[] }) {
  return (
    <Text wrap="truncate-end" dimColor>
      {hints.join(' · ')}
    </Text>
  );
}
