// The doctor's checklist: each line what was seen, ✓ or ✗, and for ✗ the next step. Pure: a
// Diagnosis in, lines out (the CLI prints them, `doctor --out` stores them beside the data).
import type { ReissueError } from '../../domain/errors.js';
import type { ReaderInfo, TokenInfo } from '../../card/card.js';
import { checkPinState } from '../../card/pin-rules.js';
import { t } from '../../i18n/i18n.js';
import { formatDateTime } from '../../wizard/format.js';
import type { LastError } from '../last-errors.js';
import type { Diagnosis } from './diagnosis.js';

export interface CheckLine {
  ok: boolean;
  text: string;
  next: string | null;
}

const ok = (text: string): CheckLine => ({ ok: true, text, next: null });
const bad = (text: string, next: string | null): CheckLine => ({ ok: false, text, next });

export function checklist(d: Diagnosis): CheckLine[] {
  const lines: CheckLine[] = [];
  const v = d.versions;
  lines.push(ok(t('doctor.versions', { reissue: v.reissue, node: v.node, platform: v.platform, sqlite: v.sqlite ?? '?' })));
  if (d.simulatedDate) lines.push(bad(t('doctor.simulated', { date: d.simulatedDate }), t('doctor.simulatedNext')));

  const c = d.configFile;
  if (c.error) lines.push(bad(t('doctor.configBroken', { path: c.path, message: c.error.message }), c.error.hint));
  else if (!c.exists) lines.push(ok(t('doctor.configNone', { path: c.path })));
  else lines.push(ok(t('doctor.configFile', { path: c.path, keys: c.keys.join(', ') || '-' })));

  if (d.settings.portal === 'local') {
    const dir = d.dataDir;
    if (dir.exists && !dir.writable) lines.push(bad(t('doctor.dataDirReadOnly', { path: dir.path }), t('doctor.dataDirReadOnlyNext')));
    else if (!dir.hasPortal) lines.push(ok(t('doctor.dataDirEmpty', { path: dir.path })));
    else lines.push(ok(t('doctor.dataDir', { path: dir.path })));
  }
  lines.push(portalLine(d));
  // Only `reissue serve` (an http(s) address) signs in with an API token: an ACME CA uses its account key, Certum's kinds the partner's password.
  if (/^https?:\/\//i.test(d.settings.portal)) {
    if (!d.settings.tokenSet) lines.push(bad(t('doctor.noToken'), t('doctor.noTokenNext')));
    else if (d.portal.tokenAccepted === true) lines.push(ok(t('doctor.tokenAccepted')));
    else if (d.portal.tokenAccepted === false) lines.push(bad(t('doctor.tokenRefused'), t('doctor.tokenRefusedNext')));
  }
  lines.push(...cardLines(d));
  lines.push(lastErrorLine('card', d.lastErrors.card), lastErrorLine('portal', d.lastErrors.portal));
  return lines;
}

function portalLine(d: Diagnosis): CheckLine {
  const p = d.portal;
  if (p.reachable) return ok(t('doctor.portal', { name: p.name ?? p.address, count: p.certificates ?? 0 }));
  if (p.error === null) return ok(t('doctor.portalNotCreated'));
  return bad(t('doctor.portalUnreachable', { address: p.address, message: p.error.message }), p.error.hint);
}

function cardLines(d: Diagnosis): CheckLine[] {
  const { modules, readers, error } = d.card;
  const lines: CheckLine[] = [];
  if (error && !modules.length) return [bad(t('doctor.cardError', { message: error.message }), error.hint)];
  if (!modules.length) return [bad(t('doctor.noModule'), t('doctor.noModuleNext'))];
  for (const m of modules) {
    if (m.loaded) lines.push(ok(t('doctor.moduleLoaded', { path: m.path, description: [m.manufacturer, m.description].filter(Boolean).join(' ') || '-' })));
    else lines.push(bad(t('doctor.moduleNotLoaded', { path: m.path, reason: m.error ?? '?' }), t('doctor.moduleNotLoadedNext')));
  }
  if (!modules.some((m) => m.loaded)) return lines;
  if (!readers.length) return [...lines, bad(t('doctor.noReader'), t('doctor.noReaderNext'))];
  for (const r of readers) lines.push(...readerLines(r));
  return lines;
}

function readerLines(r: ReaderInfo): CheckLine[] {
  if (!r.tokenPresent || !r.token) return [bad(t('doctor.readerEmpty', { name: r.name, slot: r.slotId }), t('doctor.readerEmptyNext'))];
  return [ok(t('doctor.reader', { name: r.name, slot: r.slotId })), tokenLine(r.token)];
}

/** The card and its PIN flags; a card that cannot be logged into says why, with the next step. */
function tokenLine(token: TokenInfo): CheckLine {
  const p = token.pin;
  const flags = [
    p.initialized ? null : 'not-initialized',
    p.userPinSet ? 'user-pin-set' : 'user-pin-not-set',
    p.countLow ? 'count-low' : null,
    p.finalTry ? 'final-try' : null,
    p.locked ? 'locked' : null,
    p.toBeChanged ? 'to-be-changed' : null,
    p.protectedAuthPath ? 'pin-pad' : null,
  ]
    .filter((f): f is string => f !== null)
    .map((f) => t(`doctor.flag.${f}`));
  const text = t('doctor.card', { label: token.label, serial: token.serial, model: `${token.manufacturer} ${token.model}`.trim(), flags: flags.join(', '), algorithms: token.algorithms.join(', ') || '-' });
  try {
    checkPinState(p, false);
  } catch (e) {
    const refusal = e as ReissueError;
    return bad(`${text} — ${refusal.message}`, refusal.hint ?? null);
  }
  return ok(text);
}

function lastErrorLine(kind: 'card' | 'portal', last: LastError | null): CheckLine {
  if (!last) return ok(t(`doctor.lastError.${kind}None`));
  return bad(t(`doctor.lastError.${kind}`, { code: last.code, message: last.message, at: formatDateTime(last.at), command: last.command }), last.hint);
}

/** The checklist as text, one line a check, the next step indented below a ✗. */
export function checklistText(lines: CheckLine[]): string {
  return lines.map((l) => `${l.ok ? '✓' : '✗'} ${l.text}${l.next ? `\n    → ${l.next}` : ''}`).join('\n');
}
