// Certificates: only the rows that fit are rendered and only their page is fetched, so the list
// stays smooth with 100,000 certificates. `/` filters as you type (the portal matches CN,
// domains, order, serial and product).
import { Box, useInput, type Key } from 'ink';
import { Text, useColor } from '../theme.js';
import { memo, useCallback } from 'react';
import { listHeadingLine } from '../../wizard/list-row.js';
import { listView } from '../../wizard/list-view.js';
import { selectedRow } from '../../wizard/selectors.js';
import { useUiActions, useWizardState } from '../context.js';
import { FieldText } from '../components/TextField.js';
import { commandFor } from '../keymap.js';
import { fieldKey } from '../typing.js';
import { t } from '../../i18n/i18n.js';

/**
 * The visible rows as one text (one layout node and one measurement instead of one per row): the
 * lines above the cursor, the selected line in inverse, the lines below. React skips it when
 * none of them changed (a count or a clock tick).
 */
const Rows = memo(function Rows({ above, selected, below }: { above: string; selected: string | null; below: string }) {
  return (
    <Text>
      {above}
      {selected === null ? null : <Text inverse>{selected}</Text>}
      {below}
    </Text>
  );
});

/** `lines` split around the selected one, each part with the line breaks that join it to the others. */
function splitAt(lines: string[], selected: number): { above: string; selected: string | null; below: string } {
  const line = lines[selected];
  if (line === undefined) return { above: lines.join('\n'), selected: null, below: '' };
  const before = lines.slice(0, selected);
  const after = lines.slice(selected + 1);
  return { above: before.length ? `${before.join('\n')}\n` : '', selected: line, below: after.length ? `\n${after.join('\n')}` : '' };
}

export function ListScreen({ isActive }: { isActive: boolean }) {
  const state = useWizardState();
  const { dispatch, getState } = useUiActions();
  const list = state.list;
  const now = new Date(state.now);

  // One handler for the list and its filter, deciding from the latest state (not this render's):
  // keys read in one go, or while a page query held the event loop, all land in the filter.
  const onKey = useCallback(
    (input: string, key: Key) => {
      const latest = getState();
      if (latest.screen.kind !== 'list' || latest.help) return;
      const list = latest.list;
      const c = commandFor(input, key);
      if (list.filtering) {
        if (c === 'back') return dispatch({ type: 'filter-end', clear: true });
        if (c === 'confirm' || c === 'down') return dispatch({ type: 'filter-end', clear: false });
        const k = fieldKey(input, key);
        if (k?.kind === 'insert') dispatch({ type: 'filter-input', text: k.text });
        else if (k?.kind === 'erase') dispatch({ type: 'filter-erase', all: k.all });
        return;
      }
      // "/b0000" in one chunk: start the filter and type the rest into it.
      const typed = fieldKey(input, key);
      if (typed?.kind === 'insert' && typed.text.length > 1 && typed.text.startsWith('/')) {
        dispatch({ type: 'filter-start' });
        return dispatch({ type: 'filter-input', text: typed.text.slice(1) });
      }
      switch (c) {
        case 'up':
          return dispatch({ type: 'move', delta: -1 });
        case 'down':
          return dispatch({ type: 'move', delta: 1 });
        case 'page-up':
          return dispatch({ type: 'move', delta: -list.height });
        case 'page-down':
          return dispatch({ type: 'move', delta: list.height });
        case 'first':
          return dispatch({ type: 'move-to', to: 'first' });
        case 'last':
          return dispatch({ type: 'move-to', to: 'last' });
        case 'filter':
          return dispatch({ type: 'filter-start' });
        case 'back':
          return dispatch({ type: 'back' });
        case 'pending':
          return dispatch({ type: 'open-pending' });
        case 'retry':
          return dispatch({ type: 'list-retry' });
        case 'confirm': {
          const cert = selectedRow(list);
          if (cert) dispatch({ type: 'open-details', cert });
          return;
        }
      }
    },
    [getState, dispatch],
  );
  useInput(onKey, { isActive });

  const view = listView(list, state.columns, now, useColor());
  const rows = view.lines.length ? <Rows {...splitAt(view.lines, view.selected)} /> : null;
  const count = view.count;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{t('list.title')}</Text> ({count})
      </Text>
      {list.filtering ? (
        <Text>
          {t('list.filter')} <FieldText value={list.query} focus={isActive} />
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {list.query ? t('list.filtered', { query: list.query }) : t('list.hint')}
        </Text>
      )}
      <Text bold wrap="truncate-end">
        {listHeadingLine(state.columns)}
      </Text>
      {list.error ? <Text color="red">✗ {list.error.message}{list.error.hint ? ` ${list.error.hint}` : ''}</Text> : rows}
    </Box>
  );
}
