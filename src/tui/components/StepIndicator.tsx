// "✓ Choose generation method → [2 Key generation]": the portal's two-step progress bar.
import { Text } from 'ink';

export function StepIndicator({ step }: { step: 1 | 2 }) {
  const first = step === 1 ? '[1 Choose generation method]' : '✓ Choose generation method';
  const second = step === 2 ? '[2 Key generation]' : '2 Key generation';
  return (
    <Text>
      <Text bold={step === 1}>{first}</Text> → <Text bold={step === 2}>{second}</Text>
    </Text>
  );
}
