// The masked PIN field. The PIN lives only in this component's state until Enter hands it to
// onSubmit; every frame shows "*" per character, never a digit.
import { Text } from 'ink';
import TextInput from 'ink-text-input';
import { useState } from 'react';

export function PinField(props: { label: string; isActive: boolean; onSubmit: (pin: string) => void }) {
  const [pin, setPin] = useState('');
  return (
    <Text>
      {props.label}{' '}
      <TextInput
        value={pin}
        mask="*"
        focus={props.isActive}
        showCursor={props.isActive}
        onChange={setPin}
        onSubmit={(value) => {
          setPin('');
          props.onSubmit(value);
        }}
      />
    </Text>
  );
}
