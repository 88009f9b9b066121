// Text wrapped at word boundaries to the terminal width, with a first-line prefix and a hanging
// indent ("  • message" / "    continued").
import { Box, type TextProps } from 'ink';
import { Text } from '../theme.js';
import { wrapWords } from '../../wizard/format.js';
import { useWizardState } from '../context.js';

export function Wrapped(props: { text: string; prefix?: string; indent?: number; width?: number } & Pick<TextProps, 'color' | 'bold' | 'dimColor'>) {
  const { columns } = useWizardState();
  const prefix = props.prefix ?? '';
  const indent = props.indent ?? [...prefix].length;
  const total = props.width ?? columns - 1;
  const lines = wrapWords(props.text, total - indent, total - Math.max(indent, [...prefix].length));
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} {...(props.color ? { color: props.color } : {})} bold={props.bold ?? false} dimColor={props.dimColor ?? false}>
          {i === 0 ? prefix.padEnd(indent) : ' '.repeat(indent)}
          {line}
        </Text>
      ))}
    </Box>
  );
}
