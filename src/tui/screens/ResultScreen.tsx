// Result: the new copy beside the old one (serial, valid to — equal), the old copy's revocation
// date with a countdown, and what to do next.
import { Box } from 'ink';
import { Text } from '../theme.js';
import { useCallback } from 'react';
import { cardNumber, fit, formatDateTime, formatDateTimeSeconds, pendingRevocationText, revocationBadge, stateLabel, wrapWords } from '../../wizard/format.js';
import { t } from '../../i18n/i18n.js';
import { REVOCATION_DELAY_DAYS } from '../../domain/policy.js';
import type { Certificate } from '../../domain/types.js';
import { resultActions } from '../../wizard/selectors.js';
import type { ResultAction, ResultScreen as ResultState } from '../../wizard/state.js';
import { useUiActions, useWizardState } from '../context.js';
import { ActionBar } from '../components/ActionBar.js';
import { InfoBox } from '../components/InfoBox.js';
import { Wrapped } from '../components/Wrapped.js';
import { useCommands } from '../hooks/use-commands.js';
import type { Command } from '../keymap.js';

const actionLabel = (action: ResultAction) => t(`result.action.${action}`);

/** Below this width the two copies are shown one under the other instead of side by side. */
const SIDE_BY_SIDE_COLUMNS = 70;

interface Row {
  label: string;
  fresh: string;
  old: string;
}

/** The comparison as a table (two columns) or, when narrow, one copy under the other. */
const width = (text: string) => [...text].length;

/** Column widths for the table, or null when a cell would not fit whole (then the copies stack). */
function tableWidths(rows: Row[], headings: [string, string], columns: number): { label: number; fresh: number } | null {
  if (columns < SIDE_BY_SIDE_COLUMNS) return null;
  const label = Math.max(...rows.map((r) => width(r.label))) + 2;
  const fresh = Math.max(width(headings[0]), ...rows.map((r) => width(r.fresh))) + 1;
  const old = Math.max(width(headings[1]), ...rows.map((r) => width(r.old)));
  return label + fresh + old <= columns ? { label, fresh } : null;
}

/** The copies side by side when every cell fits whole, else one under the other. */
export function stacksCopies(rows: Row[], headings: [string, string], columns: number): boolean {
  return tableWidths(rows, headings, columns) === null;
}

function Comparison({ rows, columns, headings }: { rows: Row[]; columns: number; headings: [string, string] }) {
  const w = tableWidths(rows, headings, columns);
  if (w) {
    const cells = (label: string, a: string, b: string) => `${fit(label, w.label)}${fit(a, w.fresh)}${b}`.trimEnd();
    return (
      <Box flexDirection="column">
        <Text bold>{cells('', headings[0], headings[1])}</Text>
        {rows.map((r, i) => (
          <Text key={i}>
            {cells(r.label, r.fresh, r.old)}
          </Text>
        ))}
      </Box>
    );
  }
  // A row without a label remarks on the row above it: "Valid to: … (= same expiry date)".
  const copy = (heading: string, pick: (r: Row) => string) => {
    const lines: string[] = [];
    for (const r of rows) {
      const value = pick(r);
      if (value === '' || value === '—') continue;
      if (!r.label && lines.length) lines[lines.length - 1] += ` (${value})`;
      else lines.push(r.label ? `  ${r.label}: ${value}` : `  ${value}`);
    }
    return [
      <Text key={heading} bold>
        {heading}
      </Text>,
      ...lines.map((line, i) => <Wrapped key={`${heading}${i}`} prefix="  " text={line.trimStart()} />),
    ];
  };
  return (
    <Box flexDirection="column">
      {copy(headings[0], (r) => r.fresh)}
      {copy(headings[1], (r) => r.old)}
    </Box>
  );
}

/**
 * What happens to the previous copy, as it is: the manual's 14-day sentence when that is the
 * delay; another delay (an ACME portal's acmeRevokeAfterDays), at once, or never, said as such.
 */
function resultInfo(fresh: Certificate, old: Certificate, now: Date): string {
  if (old.state === 'pending-revocation' && old.revocationDate) {
    const days = Math.round((Date.parse(old.revocationDate) - Date.parse(fresh.notBefore)) / 86_400_000);
    return days === REVOCATION_DELAY_DAYS ? t('result.info') : t('result.infoRevokeOn', { when: pendingRevocationText(old, now) });
  }
  if (old.state === 'revoked') return t('result.infoRevoked');
  return t('result.infoNotRevoked', { date: formatDateTime(old.notAfter) });
}

export function ResultScreen({ screen, isActive }: { screen: ResultState; isActive: boolean }) {
  const state = useWizardState();
  const { dispatch } = useUiActions();
  const handle = useCallback((c: Command) => c === 'back' && dispatch({ type: 'back' }), [dispatch]);
  useCommands(handle, isActive);

  const { certificate: fresh, replaced: old } = screen.result;
  const now = new Date(state.now);
  const sameExpiry = Date.parse(fresh.notAfter) === Date.parse(old.notAfter);
  // A CA that sets the expiry itself (ACME without notAfter) can end the new copy seconds after
  // the old one: shown to the second then, so two equal-looking dates never carry "≠".
  const validTo = !sameExpiry && formatDateTime(fresh.notAfter) === formatDateTime(old.notAfter) ? formatDateTimeSeconds : formatDateTime;
  const caSetExpiry = sameExpiry ? null : t('result.caSetExpiry', { date: validTo(fresh.notAfter), old: validTo(old.notAfter) });
  const badge = revocationBadge(old, now);
  const items = resultActions(screen).map((a) => ({ value: a, label: actionLabel(a) }));
  const headings: [string, string] = [t('result.newCopy'), t('result.previousCopy')];
  const rows: Row[] = [
    { label: t('result.serialNumber'), fresh: fresh.serialNumber, old: old.serialNumber },
    { label: t('result.validTo'), fresh: validTo(fresh.notAfter), old: validTo(old.notAfter) },
    { label: '', fresh: sameExpiry ? t('result.sameExpiry') : t('result.expiryDiffers'), old: '' },
    { label: t('result.state'), fresh: stateLabel(fresh.state), old: badge ? `${stateLabel(old.state)}, ${badge}` : stateLabel(old.state) },
    { label: t('result.revocation'), fresh: '—', old: pendingRevocationText(old, now) ?? '—' },
    {
      label: t('result.key'),
      fresh: screen.via === 'card' ? t('result.keyOnCard', { number: screen.tokenSerial ? cardNumber(screen.tokenSerial) : '' }).trimEnd() : screen.via === 'cloud' ? t('result.keyCloud') : screen.generatedKeyPath ? t('result.keySaved', { path: screen.generatedKeyPath }) : t('result.keyFromCsr'),
      old: '',
    },
  ];
  const wide = !stacksCopies(rows, headings, state.columns);
  const title = wrapWords(`✓ ${t('result.title', { cn: fresh.commonName })}`, state.columns - 1);
  const info = wrapWords(resultInfo(fresh, old, now), state.columns - 2);
  // The info box only when it fits: the header already names the revocation date.
  const expiryLines = caSetExpiry ? wrapWords(caSetExpiry, state.columns - 1) : [];
  const used = title.length + (wide ? rows.length + 3 : 2 + rows.filter((r) => r.label).length * 2) + 2 + (screen.notice ? wrapWords(`✓ ${screen.notice}`, state.columns - 1).length : 0) + expiryLines.length;
  const showInfo = used + info.length <= state.rows - 4;
  return (
    <Box flexDirection="column">
      {title.map((line, i) => (
        <Text key={i} color="green" bold>
          {line}
        </Text>
      ))}
      {wide ? <Text> </Text> : null}
      <Comparison columns={state.columns} headings={headings} rows={rows} />
      {expiryLines.map((line, i) => (
        <Text key={`expiry-${i}`} color="yellow">
          {line}
        </Text>
      ))}
      {wide ? <Text> </Text> : null}
      {showInfo ? (
        <InfoBox>
          {info.map((line, i) => (
            <Text key={i}>{line}</Text>
          ))}
        </InfoBox>
      ) : null}
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
