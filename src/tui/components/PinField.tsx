// The masked PIN field. The PIN lives only in the secret buffer until Enter hands it to
// onSubmit; every frame shows "*" per character, never a digit.
import { Text } from 'ink';
import { SecretField } from './TextField.js';

export function PinField(props: { label: string; isActive: boolean; onSubmit: (pin: string) => void }) {
  return (
    <Text>
      {props.label} <SecretField id="pin" isActive={props.isActive} onSubmit={props.onSubmit} />
    </Text>
  );
}
