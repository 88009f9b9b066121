// "✓ Choose generation method → [2 Key generation]": the portal's two-step progress bar.
import { Text } from 'ink';
import { t } from '../../i18n/i18n.js';

export function StepIndicator({ step }: { step: 1 | 2 }) {
  const first = step === 1 ? `[1 ${t('steps.choose')}]` : `✓ ${t('steps.choose')}`;
  const second = step === 2 ? `[2 ${t('steps.generate')}]` : `2 ${t('steps.generate')}`;
  return (
    <Text>
      <Text bold={step === 1}>{first}</Text> → <Text bold={step === 2}>{second}</Text>
    </Text>
  );
}
