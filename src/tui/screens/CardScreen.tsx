// Reissue — step 2 on a card (and "Install on card"): reader/card choice with a live checklist,
// the SignService-style confirmation with the masked PIN, then progress while the card works.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, type ReactElement } from 'react';
import { algorithmLabel, algorithmSpec } from '../../domain/algorithms.js';
import { cardNumber, formatElapsed } from '../../wizard/format.js';
import { pinRange, pinWarning, validatePin } from '../../wizard/pin.js';
import { findReader, pinDialogKeys, readerChecklist, readerLabel, readerReady } from '../../wizard/selectors.js';
import type { CardScreen as CardState } from '../../wizard/state.js';
import type { CardPhase, ReaderInfo } from '../../card/card.js';
import { useUiActions, useWizardState } from '../context.js';
import { Busy } from '../components/Busy.js';
import { PortalProgress } from '../components/PortalProgress.js';
import { DnsRecords } from '../components/DnsRecords.js';
import { Checklist } from '../components/Checklist.js';
import { ErrorText } from '../components/ErrorText.js';
import { Menu } from '../components/Menu.js';
import { Wrapped } from '../components/Wrapped.js';
import { PinField } from '../components/PinField.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { TypedAheadNote } from '../components/TypedAheadNote.js';
import { useCommands } from '../hooks/use-commands.js';
import { useElapsed } from '../hooks/use-elapsed.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

const phaseLabel = (phase: CardPhase) => t(`card.phase.${phase}`);


/** A label padded so the values line up ("Reader name:  …"), in any language. */
function field(label: string): string {
  const width = Math.max(...['card.readerName', 'card.cardNumber', 'card.algorithm', 'card.size', 'card.certificate'].map((k) => [...t(k)].length));
  return label + ' '.repeat(width + 2 - [...label].length);
}


function Warnings() {
  return (
    <Box flexDirection="column">
      <Wrapped bold text={t('card.longWait')} />
      <Wrapped bold text={t('card.doNotRemove')} />
    </Box>
  );
}

function Progress({ screen }: { screen: CardState }) {
  const elapsed = useElapsed(true);
  const p = screen.progress;
  // A PIN pad: the login waits for the PIN typed on the reader.
  const pad = findReader(screen.inventory, screen.reader)?.token?.pin.protectedAuthPath && (!p || p.phase === 'login');
  return (
    <Box flexDirection="column">
      <Busy label={pad ? t('card.onKeypad') : p ? phaseLabel(p.phase) : t('card.starting')} />
      <Text>{t('card.elapsed', { time: formatElapsed(Math.max(elapsed, p?.elapsedMs ?? 0)) })}</Text>
      <Text> </Text>
      <Warnings />
    </Box>
  );
}

export function CardScreen({ screen, isActive }: { screen: CardState; isActive: boolean }) {
  const { dispatch, keyReadAt } = useUiActions();
  const { columns } = useWizardState();
  const reader = findReader(screen.inventory, screen.reader);
  const generating = screen.purpose === 'generate';

  const handle = useCallback(
    (c: Command) => {
      if (screen.phase === 'final-try') {
        // Only "y" goes on to the PIN; any other answer returns to the card list, card untouched.
        if (c === 'back') dispatch({ type: 'back' });
        else if (c !== 'help' && c !== 'interrupt') dispatch({ type: 'answer', yes: c === 'yes', at: keyReadAt() });
        return;
      }
      if (c === 'back') dispatch({ type: 'back' });
      else if (screen.phase === 'select' && (c === 'change-pin' || c === 'unblock-pin')) dispatch({ type: 'pin-dialog-open', mode: c === 'change-pin' ? 'change' : 'unblock' });
    },
    [dispatch, keyReadAt, screen.phase],
  );
  useCommands(handle, isActive);

  const submitPin = (pin: string) => dispatch({ type: 'pin-submit', pin });

  const title = generating ? t('card.titleReissue', { cn: screen.cert.commonName }) : t('card.titleInstall', { cn: screen.cert.commonName, serial: screen.cert.serialNumber });
  let body: ReactElement;
  switch (screen.phase) {
    case 'select': {
      const readers = screen.inventory?.readers ?? [];
      const highlighted = readers[screen.cursor] ?? null;
      body = (
        <Box flexDirection="column">
          <Wrapped text={`${generating && screen.algorithm ? `${t('card.keyPairOnCard', { algorithm: algorithmLabel(screen.algorithm) })} ` : ''}${t('card.chooseReader')}`} />
          {screen.scanError ? <ErrorText error={screen.scanError} /> : null}
          {screen.inventory === null && !screen.scanError ? <Busy label={t('card.lookingForReaders')} /> : null}
          {screen.inventory && readers.length === 0 ? <Text color="red">✗ {t('card.noReader')}</Text> : null}
          {readers.length > 0 ? (
            <Menu
              items={readers.map((r) => ({ value: `${r.module}\0${r.slotId}`, label: readerLabel(r) }))}
              cursor={screen.cursor}
              isActive={isActive}
              limit={4}
              onHighlight={(index) => dispatch({ type: 'highlight', index })}
              onSelect={(v) => {
                const [module, slotId] = v.split('\0') as [string, string];
                dispatch({ type: 'choose-reader', module, slotId });
              }}
            />
          ) : null}
          {highlighted ? (
            <>
              <Text> </Text>
              <Text>{t('card.beforeYouContinue')}</Text>
              <Checklist items={readerChecklist(highlighted, generating ? screen.algorithm : null)} />
              {highlighted.token && pinWarning(highlighted.token.pin) ? <Wrapped color="yellow" prefix="⚠ " text={pinWarning(highlighted.token.pin)!} /> : null}
              {readerReady(highlighted, generating ? screen.algorithm : null) ? <Text dimColor>{t('card.enterUses')}</Text> : null}
              {pinDialogKeys(highlighted) ? <Wrapped dimColor text={pinDialogKeys(highlighted)!} /> : null}
            </>
          ) : null}
        </Box>
      );
      break;
    }
    case 'final-try':
      body = (
        <Box flexDirection="column">
          <Wrapped color="yellow" bold prefix="⚠ " text={t('card.finalTry')} />
          <Wrapped text={t('card.finalTryQuestion')} />
          <TypedAheadNote />
        </Box>
      );
      break;
    case 'pin': {
      const token = reader?.token;
      const range = pinRange(token?.pin);
      const spec = screen.algorithm ? algorithmSpec(screen.algorithm) : null;
      const warning = token ? pinWarning(token.pin) : null;
      body = (
        <Box flexDirection="column">
          <Text bold>{generating ? t('card.newKeyPair') : t('card.installation')}</Text>
          <Text bold>{t('card.cardsData')}</Text>
          <Text wrap="truncate-end">  {field(t('card.readerName'))}{reader?.name ?? ''}</Text>
          <Text wrap="truncate-end">  {field(t('card.cardNumber'))}{token ? cardNumber(token.serial) : ''}</Text>
          {spec ? (
            <>
              <Text bold>{t('card.keyDetails')}</Text>
              <Text>  {field(t('card.algorithm'))}{spec.kind}</Text>
              <Text>  {field(t('card.size'))}{spec.kind === 'EC' ? `${spec.bits} (${spec.curve})` : spec.bits}</Text>
            </>
          ) : (
            <Text wrap="truncate-end">  {field(t('card.certificate'))}{t('card.certificateValue', { cn: screen.cert.commonName, serial: screen.cert.serialNumber })}</Text>
          )}
          {token?.pin.protectedAuthPath ? <Text>{t('card.padEnter')}</Text> : null}
          <PinField label={t('card.pinLabel')} isActive={isActive} onSubmit={submitPin} />
          <Text dimColor>
            {'  '}{t('card.pinRange', { min: range.min, max: range.max })}
          </Text>
          {warning ? <Wrapped color="yellow" prefix="⚠ " text={warning} /> : null}
          {screen.pinError ? <Wrapped color="red" prefix="✗ " text={screen.pinError} /> : null}
          {generating ? <Warnings /> : <Wrapped bold text={t('card.doNotRemove')} />}
        </Box>
      );
      break;
    }
    case 'progress':
      body = <Progress screen={screen} />;
      break;
    case 'cancelling':
      body = <Busy label={t('card.cancelling')} />;
      break;
    case 'submitting':
      body = (
        <Box flexDirection="column">
          <Busy label={t('card.submitting')} />
          {/* The records take the steps' rows while they wait (the pending step says the same). */}
          {screen.dnsRecords ? null : <PortalProgress lines={screen.portalSteps ?? []} columns={columns} />}
          <DnsRecords records={screen.dnsRecords ?? null} isActive={isActive} columns={columns} />
          {screen.finishing ? <Text color="yellow">{t('card.finishing')}</Text> : null}
        </Box>
      );
      break;
  }
  return (
    <Box flexDirection="column">
      <Wrapped bold text={title} />
      {generating ? <StepIndicator step={2} /> : null}
      {body}
    </Box>
  );
}
