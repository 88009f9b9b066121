// Details: every field of the portal's details view, the pending revocation, and the actions.
// The title, the facts (state, dates, pending revocation) and the action row are always on
// screen; the other fields fill the rows between, a window of them when they do not all fit.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import { detailsFacts, detailsFields, detailsTitle, labelledLines } from '../../wizard/details-view.js';
import { detailsActions } from '../../wizard/selectors.js';
import { detailsFieldRows, textWidth } from '../../wizard/view-size.js';
import type { DetailsAction, DetailsScreen as DetailsState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { ActionBar } from '../components/ActionBar.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';
import { t } from '../../i18n/i18n.js';

export const actionLabel = (action: DetailsAction) => t(`details.action.${action}`);

function Lines({ lines }: { lines: { label: string; rest: string }[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i}>
          <Text bold>{l.label}</Text>
          {l.rest}
        </Text>
      ))}
    </>
  );
}

export function DetailsScreen({ screen, isActive }: { screen: DetailsState; isActive: boolean }) {
  const state = useWizardState();
  const { dispatch } = useUiActions();
  const cert = screen.cert;
  const room = detailsFieldRows(state);
  const handle = useCallback(
    (c: Command) => {
      if (c === 'back') dispatch({ type: 'back' });
      else if (c === 'page-up' || c === 'page-down') dispatch({ type: 'move', delta: (c === 'page-up' ? -1 : 1) * Math.max(1, room - 1) });
    },
    [dispatch, room],
  );
  useCommands(handle, isActive);

  const facts = detailsFacts(cert, new Date(state.now), state.columns);
  const fields = detailsFields(cert, screen.emails).flatMap((f) => labelledLines(f, textWidth(state.columns)));
  // All the fields when they fit, else a window of them and the count of the lines below it.
  const fit = fields.length <= room;
  const shown = fit ? fields.length : room - 1;
  const top = fit ? 0 : Math.min(screen.scroll ?? 0, fields.length - shown);
  const below = fields.length - top - shown;
  const items = detailsActions(cert).map((a) => ({ value: a, label: actionLabel(a) }));

  return (
    <Box flexDirection="column">
      <Wrapped bold text={detailsTitle(cert)} />
      {facts.lines.map((line) => (
        <Lines key={line.label} lines={labelledLines(line, textWidth(state.columns))} />
      ))}
      {facts.pending ? <Wrapped color="yellow" prefix="⚠ " text={facts.pending} /> : null}
      <Lines lines={fields.slice(top, top + shown)} />
      {fit ? null : <Text dimColor>{below > 0 ? t('details.moreFields', { count: below }) : ' '}</Text>}
      {screen.notice ? <Wrapped color="green" prefix="✓ " text={screen.notice} /> : null}
      <ActionBar
        items={items}
        cursor={Math.min(screen.cursor, items.length - 1)}
        isActive={isActive}
        onHighlight={(index) => dispatch({ type: 'highlight', index })}
        onSelect={(action) => dispatch({ type: 'choose-action', action })}
      />
    </Box>
  );
}
