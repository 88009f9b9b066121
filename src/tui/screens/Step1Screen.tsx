// Reissue — step 1, "Choose generation method": the product's methods; for the card, the
// algorithm and key length narrowed to what the card can generate; the manual's info box.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, useEffect } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import type { KeySource } from '../../domain/types.js';
import type { Step1Screen as Step1State } from '../../wizard/state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { ErrorText } from '../components/ErrorText.js';
import { ReissueInfo } from '../components/InfoBox.js';
import { Menu } from '../components/Menu.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export const METHOD_LABELS: Record<KeySource, string> = {
  csr: 'CSR',
  card: 'Generating key pair on card',
  cloud: 'Key pair stored in the cloud',
};

/** The manual's step 1, for products whose keys are stored in the cloud. */
export const CLOUD_SENTENCE = 'Key pair for certificates stored in the cloud will be generated automatically.';

export function Step1Screen({ screen, isActive }: { screen: Step1State; isActive: boolean }) {
  const { dispatch, actions } = useUiActions();
  useEffect(() => {
    if (screen.scan === 'loading') void actions.scanCards();
  }, [screen.scan, actions]);
  const handle = useCallback(
    (c: Command) => {
      if (c === 'back') dispatch({ type: 'back' });
      else if (c === 'retry' && screen.scan === 'failed') dispatch({ type: 'rescan' });
    },
    [dispatch, screen.scan],
  );
  useCommands(handle, isActive);

  const chooseMethod = screen.stage === 'method';
  const cloud = screen.stage === 'cloud' || screen.stage === 'cloud-submitting';
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Reissue certificate · {screen.cert.commonName}
      </Text>
      <StepIndicator step={1} />
      {screen.methods.includes('cloud') ? <Text wrap="truncate-end">{CLOUD_SENTENCE}</Text> : null}
      <Text bold>Key pair generation method</Text>
      {chooseMethod ? (
        <Menu
          items={screen.methods.map((m) => ({ value: m, label: METHOD_LABELS[m] }))}
          cursor={screen.cursor}
          isActive={isActive}
          onHighlight={(index) => dispatch({ type: 'highlight', index })}
          onSelect={(method) => dispatch({ type: 'choose-method', method })}
        />
      ) : cloud ? (
        <Box flexDirection="column">
          <Text>  ✓ {METHOD_LABELS.cloud}</Text>
          <Text bold>KEY ALGORITHM AND KEY LENGTH</Text>
          {screen.stage === 'cloud' ? (
            <Menu
              items={screen.algorithms.map((a) => ({ value: a, label: algorithmLabel(a) }))}
              cursor={screen.algCursor}
              isActive={isActive}
              onHighlight={(index) => dispatch({ type: 'highlight', index })}
              onSelect={(algorithm) => dispatch({ type: 'choose-algorithm', algorithm })}
            />
          ) : (
            <Busy label={`Generating the ${algorithmLabel(screen.algorithms[screen.algCursor]!)} key pair in the cloud key store…`} />
          )}
        </Box>
      ) : (
        <Box flexDirection="column">
          <Text>  ✓ {METHOD_LABELS.card}</Text>
          <Text bold>KEY ALGORITHM AND KEY LENGTH</Text>
          {screen.scan === 'loading' ? <Busy label="Looking for cards…" /> : null}
          {screen.scan === 'failed' && screen.scanError ? <ErrorText error={screen.scanError} /> : null}
          {screen.scan === 'ready' && screen.algorithms.length === 0 ? (
            <Text color="red">✗ The card cannot generate any key this product allows ({screen.cert.algorithms.map(algorithmLabel).join(', ')}).</Text>
          ) : null}
          {screen.scan === 'ready' && screen.algorithms.length > 0 ? (
            <Menu
              items={screen.algorithms.map((a) => ({ value: a, label: algorithmLabel(a) }))}
              cursor={screen.algCursor}
              isActive={isActive}
              onHighlight={(index) => dispatch({ type: 'highlight', index })}
              onSelect={(algorithm) => dispatch({ type: 'choose-algorithm', algorithm })}
            />
          ) : null}
        </Box>
      )}
      <ReissueInfo />
    </Box>
  );
}
