// Reissue — step 2 on a card (and "Install on card"): reader/card choice with a live checklist,
// the SignService-style confirmation with the masked PIN, then progress while the card works.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback, useEffect, type ReactElement } from 'react';
import { algorithmLabel, algorithmSpec } from '../../domain/algorithms.js';
import { cardNumber, formatElapsed } from '../../wizard/format.js';
import { pinRange, pinWarning, validatePin } from '../../wizard/pin.js';
import { findReader, readerChecklist, readerReady } from '../../wizard/selectors.js';
import type { CardScreen as CardState } from '../../wizard/state.js';
import type { CardPhase, ReaderInfo } from '../../card/card.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { Checklist } from '../components/Checklist.js';
import { ErrorText } from '../components/ErrorText.js';
import { Menu } from '../components/Menu.js';
import { Wrapped } from '../components/Wrapped.js';
import { PinField } from '../components/PinField.js';
import { StepIndicator } from '../components/StepIndicator.js';
import { useCommands } from '../hooks/use-commands.js';
import { useElapsed } from '../hooks/use-elapsed.js';
import type { Command } from '../keymap.js';

/** How often the reader checklist is re-checked while it is shown. */
export const RESCAN_MS = 1500;

export const LONG_WAIT = 'Depending on the algorithm and size of the key generation may take up to several minutes';
export const DO_NOT_REMOVE = 'Do not remove the card from the reader during the operation';

const PHASE_LABELS: Record<CardPhase, string> = {
  login: 'Logging in to the card…',
  generate: 'Generating the key pair on the card…',
  sign: 'Signing the request on the card…',
  install: 'Writing the certificate to the card…',
  verify: 'Checking the card…',
};


function readerLabel(r: ReaderInfo): string {
  if (!r.tokenPresent || !r.token) return `${r.name} · no card`;
  if (!r.token.pin.initialized) return `${r.name} · card not initialized`;
  return `${r.name} · card ${cardNumber(r.token.serial)}${r.token.label ? ` (${r.token.label})` : ''}`;
}

function Warnings() {
  return (
    <Box flexDirection="column">
      <Wrapped bold text={LONG_WAIT} />
      <Text bold>{DO_NOT_REMOVE}</Text>
    </Box>
  );
}

function Progress({ screen }: { screen: CardState }) {
  const elapsed = useElapsed(true);
  const p = screen.progress;
  return (
    <Box flexDirection="column">
      <Busy label={p ? PHASE_LABELS[p.phase] : 'Starting…'} />
      <Text>Elapsed: {formatElapsed(Math.max(elapsed, p?.elapsedMs ?? 0))}</Text>
      <Text> </Text>
      <Warnings />
    </Box>
  );
}

export function CardScreen({ screen, isActive }: { screen: CardState; isActive: boolean }) {
  const { dispatch, actions } = useUiActions();
  const reader = findReader(screen.inventory, screen.reader);
  const generating = screen.purpose === 'generate';

  // Entering the PIN (also after a wrong one): fresh PIN flags, so the tries-left warning is current.
  useEffect(() => {
    if (screen.phase === 'pin') void actions.scanCards();
  }, [screen.phase, actions]);

  // The checklist is re-checked live: a scan on entry and every RESCAN_MS while choosing.
  useEffect(() => {
    if (screen.phase !== 'select') return;
    void actions.scanCards();
    const t = setInterval(() => void actions.scanCards(), RESCAN_MS);
    return () => clearInterval(t);
  }, [screen.phase, actions]);

  const handle = useCallback(
    (c: Command) => {
      if (screen.phase === 'final-try') {
        // Only "y" goes on to the PIN; any other answer returns to the card list, card untouched.
        if (c === 'back') dispatch({ type: 'back' });
        else if (c !== 'help' && c !== 'interrupt') dispatch({ type: 'answer', yes: c === 'yes' });
        return;
      }
      if (c === 'back') dispatch({ type: 'back' });
    },
    [dispatch, screen.phase],
  );
  useCommands(handle, isActive);

  const submitPin = (pin: string) => dispatch({ type: 'pin-submit', pin });

  const title = generating ? `Reissue certificate · ${screen.cert.commonName}` : `Install on card · ${screen.cert.commonName} (${screen.cert.serialNumber})`;
  let body: ReactElement;
  switch (screen.phase) {
    case 'select': {
      const readers = screen.inventory?.readers ?? [];
      const highlighted = readers[screen.cursor] ?? null;
      body = (
        <Box flexDirection="column">
          <Text>{generating && screen.algorithm ? `Key pair on card · ${algorithmLabel(screen.algorithm)}. ` : ''}Choose the reader and card:</Text>
          {screen.scanError ? <ErrorText error={screen.scanError} /> : null}
          {screen.inventory === null && !screen.scanError ? <Busy label="Looking for readers…" /> : null}
          {screen.inventory && readers.length === 0 ? <Text color="red">✗ No reader found. Connect the card reader to the computer.</Text> : null}
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
              <Text>Before you continue (checked again every few seconds):</Text>
              <Checklist items={readerChecklist(highlighted, generating ? screen.algorithm : null)} />
              {highlighted.token && pinWarning(highlighted.token.pin) ? <Wrapped color="yellow" prefix="⚠ " text={pinWarning(highlighted.token.pin)!} /> : null}
              {readerReady(highlighted, generating ? screen.algorithm : null) ? <Text dimColor>Enter uses this card.</Text> : null}
            </>
          ) : null}
        </Box>
      );
      break;
    }
    case 'final-try':
      body = (
        <Box flexDirection="column">
          <Text color="yellow" bold>
            ⚠ Final try: one more wrong PIN locks the card.
          </Text>
          <Text>Unblocking a locked card needs the PUK. Continue and type the PIN? (y/n)</Text>
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
          <Text bold>{generating ? 'New key pair generation' : 'Certificate installation'}</Text>
          <Text bold>Cards data</Text>
          <Text wrap="truncate-end">  Reader name:  {reader?.name ?? ''}</Text>
          <Text wrap="truncate-end">  Card number:  {token ? cardNumber(token.serial) : ''}</Text>
          {spec ? (
            <>
              <Text bold>Key details</Text>
              <Text>  Algorithm:    {spec.kind}</Text>
              <Text>  Size:         {spec.kind === 'EC' ? `${spec.bits} (${spec.curve})` : spec.bits}</Text>
            </>
          ) : (
            <Text wrap="truncate-end">  Certificate:  {screen.cert.commonName} · serial {screen.cert.serialNumber}</Text>
          )}
          <PinField label="Common profile PIN:" isActive={isActive} onSubmit={submitPin} />
          <Text dimColor>
            {'  '}[from {range.min} to {range.max} bytes]
          </Text>
          {warning ? <Wrapped color="yellow" prefix="⚠ " text={warning} /> : null}
          {screen.pinError ? <Wrapped color="red" prefix="✗ " text={screen.pinError} /> : null}
          {generating ? <Warnings /> : <Text bold>{DO_NOT_REMOVE}</Text>}
        </Box>
      );
      break;
    }
    case 'progress':
      body = <Progress screen={screen} />;
      break;
    case 'cancelling':
      body = <Busy label="Cancelling: the card finishes its current step, then removes anything half-made…" />;
      break;
    case 'submitting':
      body = (
        <Box flexDirection="column">
          <Busy label="Key pair generated. Submitting the CSR: issuing the new copy…" />
          {screen.finishing ? <Text color="yellow">The key pair is on the card: finishing the submission. Ctrl+C again stops it (you can submit later).</Text> : null}
        </Box>
      );
      break;
  }
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {title}
      </Text>
      {generating ? <StepIndicator step={2} /> : null}
      {body}
    </Box>
  );
}
