// Reissue — step 1, "Choose generation method": the product's methods; for the card, the
// algorithm and key length narrowed to what the card can generate; the manual's info box.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import { algorithmLabel } from '../../domain/algorithms.js';
import type { KeySource } from '../../domain/types.js';
import type { ReissueTerms } from '../../portal/portal.js';
import type { Step1Screen as Step1State } from '../../wizard/state.js';
import { t } from '../../i18n/i18n.js';
import { wrapWords } from '../../wizard/format.js';
import { cloudConfirmLines, CHROME_ROWS, coreRows } from '../../wizard/view-size.js';
import { useUiActions, useWizardState } from '../context.js';
import { Busy } from '../components/Busy.js';
import { ErrorText } from '../components/ErrorText.js';
import { ReissueInfo, reissueInfoLines } from '../components/InfoBox.js';
import { Menu } from '../components/Menu.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { TypedAheadNote } from '../components/TypedAheadNote.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

export const methodLabel = (method: KeySource) => t(`step1.method.${method}`);

/**
 * The manual's texts around the methods, each wrapped to the terminal, as far as the rows allow:
 * the info box (reissue and its reasons) first, then the intro above the methods, then the
 * CSR-versus-card note below them. What does not fit whole is left out, never cut (? shows it all).
 */
function manualTexts(rows: number, columns: number, fixedRows: number, terms: ReissueTerms): { info: string[]; intro: string[]; note: string[] } {
  let free = rows - CHROME_ROWS - fixedRows;
  const take = (lines: string[]) => {
    if (lines.length > free) return [];
    free -= lines.length;
    return lines;
  };
  const info = take(reissueInfoLines(columns, terms));
  const intro = take(wrapWords(t('step1.intro'), columns));
  const note = take(wrapWords(t('step1.note'), columns));
  return { info, intro, note };
}

/** The manual's step 1, for products whose keys are stored in the cloud. */

export function Step1Screen({ screen, isActive }: { screen: Step1State; isActive: boolean }) {
  const { dispatch, keyReadAt } = useUiActions();
  const { rows, columns, now, terms } = useWizardState();
  const handle = useCallback(
    (c: Command) => {
      // The answer says when its key was read: one typed before the question was drawn is dropped.
      if (screen.stage === 'cloud-confirm' && (c === 'yes' || c === 'no')) dispatch({ type: 'answer', yes: c === 'yes', at: keyReadAt() });
      else if (c === 'back') dispatch({ type: 'back' });
      else if (c === 'retry' && screen.scan === 'failed') dispatch({ type: 'rescan' });
    },
    [dispatch, keyReadAt, screen.scan, screen.stage],
  );
  useCommands(handle, isActive);

  const chooseMethod = screen.stage === 'method';
  // The view's core (title, steps, methods or algorithms, the question): the manual's texts fill what is left.
  const fixedRows = coreRows(screen, columns, new Date(now));
  const texts = manualTexts(rows, columns, fixedRows, terms);
  const { intro, note } = chooseMethod ? texts : { intro: [], note: [] };
  const cloud = screen.stage === 'cloud' || screen.stage === 'cloud-confirm' || screen.stage === 'cloud-submitting';
  // One menu for the card's algorithms and the cloud store's: picking one is the same event.
  const algorithmMenu = (
    <Menu
      items={screen.algorithms.map((a) => ({ value: a, label: algorithmLabel(a) }))}
      cursor={screen.algCursor}
      isActive={isActive}
      onHighlight={(index) => dispatch({ type: 'highlight', index })}
      onSelect={(algorithm) => dispatch({ type: 'choose-algorithm', algorithm })}
    />
  );
  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('step1.title', { cn: screen.cert.commonName })} />
      <StepIndicator step={1} />
      {screen.methods.includes('cloud') ? <Wrapped text={t('step1.cloudSentence')} /> : null}
      {intro.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
      <Text bold>{t('step1.methodHeading')}</Text>
      {chooseMethod ? (
        <Menu
          items={screen.methods.map((m) => ({ value: m, label: methodLabel(m) }))}
          cursor={screen.cursor}
          isActive={isActive}
          onHighlight={(index) => dispatch({ type: 'highlight', index })}
          onSelect={(method) => dispatch({ type: 'choose-method', method })}
        />
      ) : cloud ? (
        <Box flexDirection="column">
          <Text>  ✓ {methodLabel('cloud')}</Text>
          <Text bold>{t('step1.algorithmHeading')}</Text>
          {screen.stage === 'cloud' ? (
            algorithmMenu
          ) : screen.stage === 'cloud-confirm' ? (
            <Box flexDirection="column">
              {cloudConfirmLines(screen).map((line) => (
                <Wrapped key={line} text={line} prefix="  " />
              ))}
              <Wrapped bold text={t('step1.cloudQuestion')} />
              <TypedAheadNote />
            </Box>
          ) : (
            <Box flexDirection="column">
              <Busy label={t('step1.cloudGenerating', { algorithm: algorithmLabel(screen.algorithms[screen.algCursor]!) })} />
              {screen.finishing ? <Wrapped color="yellow" text={t('csr.finishing')} /> : null}
            </Box>
          )}
        </Box>
      ) : (
        <Box flexDirection="column">
          <Text>  ✓ {methodLabel('card')}</Text>
          <Text bold>{t('step1.algorithmHeading')}</Text>
          {screen.scan === 'loading' ? <Busy label={t('step1.lookingForCards')} /> : null}
          {screen.scan === 'failed' && screen.scanError ? <ErrorText error={screen.scanError} /> : null}
          {screen.scan === 'ready' && screen.algorithms.length === 0 ? (
            <Text color="red">✗ {t('step1.noAlgorithm', { algorithms: screen.cert.algorithms.map(algorithmLabel).join(', ') })}</Text>
          ) : null}
          {screen.scan === 'ready' && screen.algorithms.length > 0 ? (
            algorithmMenu
          ) : null}
        </Box>
      )}
      {note.map((line, i) => (
        <Text key={i} dimColor>
          {line}
        </Text>
      ))}
      <ReissueInfo lines={texts.info} />
    </Box>
  );
}
