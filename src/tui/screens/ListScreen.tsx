// Certificates: only the rows that fit are rendered and only their page is fetched, so the list
// stays smooth with 100,000 certificates. `/` filters as you type (the portal matches CN,
// domains, order, serial and product).
import { Box, useInput, type Key } from 'ink';
import { Text } from '../theme.js';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { fit, formatDate, revocationBadge, stateLabel } from '../../wizard/format.js';
import { pageToFetch, visibleRange } from '../../wizard/list-window.js';
import { knownRows, selectedRow, totalToCount } from '../../wizard/selectors.js';
import { useUiActions, useWizardState } from '../context.js';
import { FieldText } from '../components/TextField.js';
import { commandFor } from '../keymap.js';
import { fieldKey } from '../typing.js';

const COLS = { cn: 22, state: 7, product: 19, validTo: 10, badge: 15 };
/**
 * The exact count waits until typing pauses: the rows go out first, and a fast typist's
 * intermediate filters are never counted (each count can scan every row).
 */
const COUNT_DELAY_MS = 250;

function row(marker: string, cn: string, state: string, product: string, validTo: string, badge: string): string {
  return `${marker} ${fit(cn, COLS.cn)} ${fit(state, COLS.state)} ${fit(product, COLS.product)} ${fit(validTo, COLS.validTo)} ${fit(badge, COLS.badge)}`.trimEnd();
}

export function ListScreen({ isActive }: { isActive: boolean }) {
  const state = useWizardState();
  const { dispatch, getState, actions } = useUiActions();
  const list = state.list;
  const now = new Date(state.now);

  const loaded = list.page ? { query: list.page.query, offset: list.page.offset, count: list.page.items.length } : null;
  const req = pageToFetch(list.query, list, list.total, list.height, loaded);
  const reqKey = req ? `${req.text}\0${req.offset}\0${req.limit}` : null;
  // Bumped by `r` after a failed page, to ask again for the same rows.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (req) void actions.loadPage(req);
    // reqKey carries everything req holds.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reqKey, actions, attempt]);

  // The count starts once the frame with the rows is out and typing has paused (a local
  // portal's count holds the event loop); a filter typed further before then is never counted.
  const countFor = totalToCount(list);
  useEffect(() => {
    if (countFor === null) return;
    const timer = setTimeout(() => void actions.loadTotal(countFor), COUNT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [countFor, actions, attempt]);

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
        else if (k?.kind === 'erase') dispatch({ type: 'filter-erase' });
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
          if (list.error) setAttempt((n) => n + 1);
          return;
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

  const total = list.total;
  const rowCount = knownRows(list);
  const { start, end } = rowCount === null ? { start: 0, end: 0 } : visibleRange(list, rowCount, list.height);
  const rows: ReactElement[] = [];
  const page = list.page && list.page.query === list.query ? list.page : null;
  for (let i = start; i < end; i++) {
    const cert = page ? page.items[i - page.offset] : undefined;
    const selected = i === list.cursor;
    const text = cert
      ? row(selected ? '>' : ' ', cert.commonName, stateLabel(cert.state), cert.product, formatDate(cert.notAfter), revocationBadge(cert, now) ?? '')
      : row(selected ? '>' : ' ', '…', '', '', '', '');
    rows.push(
      <Text key={i} inverse={selected} wrap="truncate-end">
        {text}
      </Text>,
    );
  }

  const count = list.error
    ? 'not loaded · r retry'
    : rowCount === null
      ? 'loading…'
      : rowCount === 0
        ? 'none found'
        : `${start + 1}–${end} of ${total === null ? '…' : total.toLocaleString('en-US')}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>Certificates</Text> ({count})
      </Text>
      {list.filtering ? (
        <Text>
          Filter: <FieldText value={list.query} focus={isActive} />
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {list.query ? `Filter: ${list.query}  (/ edit · Esc clear)` : 'Press / to filter by CN, domain, order, serial or product'}
        </Text>
      )}
      <Text bold wrap="truncate-end">
        {row(' ', 'CN', 'State', 'Product', 'Valid to', 'Revocation')}
      </Text>
      {list.error ? <Text color="red">✗ {list.error.message}{list.error.hint ? ` ${list.error.hint}` : ''}</Text> : rows}
    </Box>
  );
}
