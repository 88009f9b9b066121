// The PIN dialog: change the card's PIN (current PIN, new PIN twice) or unblock it with the PUK
// (PUK, new PIN twice). Each field is a masked PinField; what was typed stays in this screen until
// the last field hands it to the card command. The new PIN's length (bytes, the card's range) and
// the repeat are checked here, before the card is asked. On a PIN pad no field is shown.
import { Box } from 'ink';
import { useCallback, useRef, type ReactElement } from 'react';
import { formatElapsed, cardNumber } from '../../wizard/format.js';
import { pinRange, pinWarning, validatePin } from '../../wizard/pin.js';
import { pinDialogTitle } from '../../wizard/pin-dialog.js';
import type { PinDialogScreen as DialogState } from '../../wizard/pin-dialog-state.js';
import { useUiActions } from '../context.js';
import { Busy } from '../components/Busy.js';
import { PinField } from '../components/PinField.js';
import { TypedAheadNote } from '../components/TypedAheadNote.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import { useElapsed } from '../hooks/use-elapsed.js';
import type { Command } from '../keymap.js';
import { Text } from '../theme.js';
import { t } from '../../i18n/i18n.js';

function Working({ pad }: { pad: boolean }) {
  const elapsed = useElapsed(true);
  return (
    <Box flexDirection="column">
      <Busy label={pad ? t('pinDialog.onKeypad') : t('pinDialog.working')} />
      <Text>{t('card.elapsed', { time: formatElapsed(elapsed) })}</Text>
    </Box>
  );
}

/** The warning about the tries of the PIN (change) or the PUK (unblock) before it is typed. */
function triesWarning(screen: DialogState): string | null {
  if (screen.mode === 'change') return pinWarning(screen.token.pin);
  const so = screen.token.pin.so;
  return so?.finalTry ? t('pinDialog.pukFinalTry') : so?.countLow ? t('pinDialog.pukCountLow') : null;
}

export function PinDialogScreen({ screen, isActive }: { screen: DialogState; isActive: boolean }) {
  const { dispatch, keyReadAt } = useUiActions();
  const held = useRef({ secret: '', newPin: '' });
  const { token, stage } = screen;
  const handle = useCallback(
    (c: Command) => {
      if (stage === 'final-try') {
        if (c === 'back') dispatch({ type: 'back' });
        else if (c !== 'help' && c !== 'interrupt') dispatch({ type: 'answer', yes: c === 'yes', at: keyReadAt() });
        return;
      }
      if (c === 'back' || (stage === 'done' && c === 'confirm')) dispatch({ type: 'back' });
    },
    [dispatch, keyReadAt, stage],
  );
  useCommands(handle, isActive);

  const secretLabel = t(screen.mode === 'unblock' ? 'pinDialog.puk' : 'pinDialog.current');
  const onSecret = (v: string) => {
    const problem = validatePin(v, { ...token.pin, protectedAuthPath: false });
    if (!problem) held.current.secret = v;
    dispatch({ type: 'pin-dialog-typed', problem });
  };
  const onNew = (v: string) => {
    const problem = validatePin(v, { ...token.pin, protectedAuthPath: false });
    held.current.newPin = problem ? '' : v;
    dispatch({ type: 'pin-dialog-typed', problem });
  };
  const onAgain = (v: string) => {
    const { secret, newPin } = held.current;
    if (v !== newPin) {
      held.current.newPin = '';
      dispatch({ type: 'pin-dialog-typed', problem: t('pinDialog.mismatch') });
      return;
    }
    held.current = { secret: '', newPin: '' };
    dispatch({ type: 'pin-dialog-submit', secret, newPin });
  };

  const range = pinRange(token.pin);
  const done = (label: string) => <Text>{label} ✓</Text>;
  const order = ['secret', 'new', 'again'] as const;
  const at = order.indexOf(stage as (typeof order)[number]);
  let body: ReactElement;
  if (stage === 'final-try') {
    body = (
      <Box flexDirection="column">
        <Wrapped color="yellow" bold prefix="⚠ " text={screen.mode === 'unblock' ? t('pinDialog.pukFinalTry') : t('card.finalTry')} />
        <Text>{t('card.finalTryQuestion')}</Text>
        <TypedAheadNote />
      </Box>
    );
  } else if (stage === 'working') {
    body = <Working pad={token.pin.protectedAuthPath} />;
  } else if (stage === 'done') {
    body = (
      <Box flexDirection="column">
        <Text color="green">{t(screen.mode === 'unblock' ? 'pinDialog.doneUnblock' : 'pinDialog.doneChange', { number: cardNumber(token.serial) })}</Text>
        <Text>{t('pinDialog.backToCard')}</Text>
      </Box>
    );
  } else {
    const warning = triesWarning(screen);
    body = (
      <Box flexDirection="column">
        {at > 0 ? done(secretLabel) : <PinField key="secret" label={secretLabel} isActive={isActive} onSubmit={onSecret} />}
        {at > 1 ? done(t('pinDialog.new')) : at === 1 ? <PinField key="new" label={t('pinDialog.new')} isActive={isActive} onSubmit={onNew} /> : null}
        {at === 2 ? <PinField key="again" label={t('pinDialog.again')} isActive={isActive} onSubmit={onAgain} /> : null}
        <Text dimColor>
          {'  '}
          {t('card.pinRange', { min: range.min, max: range.max })}
        </Text>
        {warning ? <Wrapped color="yellow" prefix="⚠ " text={warning} /> : null}
        {screen.problem ? <Wrapped color="red" prefix="✗ " text={screen.problem} /> : null}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Wrapped bold text={pinDialogTitle(screen)} />
      <Text> </Text>
      {body}
    </Box>
  );
}
