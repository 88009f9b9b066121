// Each view's size from its content (src/wizard/view-size.ts), tested directly: the core rows
// follow the texts and the width, a view that does not fit is reported with the size it needs,
// a question in a window too small for it cannot be answered, and the details' facts stay whole.
import { afterEach, describe, expect, test } from 'vitest';
import { initialState, reduce, step } from '../../src/wizard/reducer.js';
import { setLanguage } from '../../src/i18n/i18n.js';
import { actionRows, coreRows, detailsFieldRows, minColumns, pendingLayout, viewFits, viewMinimum } from '../../src/wizard/view-size.js';
import { detailsFacts } from '../../src/wizard/details-view.js';
import { headerNotice } from '../../src/wizard/selectors.js';
import { fitHints, labelWidths, listMinColumns } from '../../src/wizard/list-layout.js';
import { CATALOGS } from '../../src/i18n/i18n.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { demoCertificates, manualExample, NOW } from '../tui/fakes.js';

const run = (state: WizardState, ...events: WizardEvent[]) => events.reduce(reduce, state);
const at = (columns: number, rows: number) => initialState({ rows, columns, now: NOW.toISOString() });
const certs = demoCertificates();
const revokeAt = (columns: number, rows: number) =>
  run(at(columns, rows), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert: certs[0]! }, { type: 'choose-action', action: 'revoke' }, { type: 'question-shown', id: `revoke:${certs[0]!.id}`, at: 1 });

afterEach(() => setLanguage('en'));

describe('the size a view needs', () => {
  test('the revoke question: title, which, warning and question, wrapped; 20×6 is too small and says how large', () => {
    const wide = revokeAt(80, 24);
    expect(coreRows(wide.screen, 80, NOW)).toBe(5);
    // Narrower, the warning and the question wrap: more rows, never fewer words.
    expect(coreRows(wide.screen, 40, NOW)).toBeGreaterThan(5);
    const tiny = revokeAt(20, 6);
    expect(viewFits(tiny)).toBe(false);
    const need = viewMinimum(tiny);
    expect(need.columns).toBe(40);
    expect(need.rows).toBe(coreRows(tiny.screen, 40, NOW) + 4);
    expect(viewFits(run(tiny, { type: 'resize', columns: need.columns, rows: need.rows }))).toBe(true);
    expect(viewFits(run(tiny, { type: 'resize', columns: need.columns, rows: need.rows - 1 }))).toBe(false);
  });

  test('"y" does not revoke while the question does not fit (20×6); it does once the window is large enough', () => {
    const tiny = revokeAt(20, 6);
    expect(step(tiny, { type: 'answer', yes: true, at: 2 })).toMatchObject({ state: { screen: { kind: 'revoke', phase: 'confirm' } }, commands: [] });
    const grown = run(tiny, { type: 'resize', columns: 40, rows: 12 });
    expect(step(grown, { type: 'answer', yes: true, at: 3 }).commands).toEqual([{ type: 'revoke', cert: certs[0] }]);
  });

  test('Polish texts are longer: the same view needs at least as many rows', () => {
    const s = revokeAt(60, 20);
    const en = coreRows(s.screen, 60, NOW);
    setLanguage('pl');
    expect(coreRows(s.screen, 60, NOW)).toBeGreaterThanOrEqual(en);
  });

  test('the list and the pending view: state, date and badge whole decide the narrowest width, per language', () => {
    const list = at(80, 24);
    expect(minColumns(list.screen)).toBe(listMinColumns(labelWidths(CATALOGS.en)));
    setLanguage('pl');
    expect(minColumns(list.screen)).toBe(listMinColumns(labelWidths(CATALOGS.pl)));
    expect(minColumns(list.screen)).toBeGreaterThan(listMinColumns(labelWidths(CATALOGS.en)));
    setLanguage('en');
    // The pending view keeps date (16) and days left whole; the serial only where there is room.
    expect(pendingLayout(60)).toMatchObject({ serial: 0, date: 16 });
    expect(pendingLayout(120).serial).toBe(32);
    const l = pendingLayout(60);
    expect(2 + l.cn + 1 + l.date + 1 + l.left).toBeLessThanOrEqual(59);
  });

  test('an action row wraps whole items: rows counted as Ink lays them out', () => {
    expect(actionRows(['Certificate preview', 'Download PEM', 'Download DER'], 80)).toBe(1);
    expect(actionRows(['Certificate preview', 'Download PEM', 'Download DER', 'Reissue certificate', 'Revoke certificate'], 60)).toBe(2);
    expect(actionRows(['Certificate preview', 'Download PEM', 'Download DER', 'Reissue certificate', 'Revoke certificate'], 40)).toBe(3);
  });

  test('details: the facts are whole at 60×20 (a date never split) and the other fields get the rows left', () => {
    const s = run(at(60, 20), { type: 'open-details', cert: certs[0]! });
    const facts = detailsFacts(certs[0]!, NOW, 60).lines.map((l) => `${l.label} ${l.value}`);
    expect(facts.some((l) => l.startsWith('Valid to:') || l.includes('Valid to:'))).toBe(true);
    for (const l of facts) expect(l.length).toBeLessThan(60);
    expect(viewFits(s)).toBe(true);
    expect(detailsFieldRows(s)).toBe(16 - coreRows(s.screen, 60, NOW) + 2);
  });
});

describe('lines fitted whole', () => {
  test('the header badge: the CN gives way, the date and days left stay whole', () => {
    const old = manualExample({ commonName: 'a-very-long-common-name.assecodata.pl', state: 'pending-revocation', replacedBy: 'x', revocationDate: new Date(NOW.getTime() + 14 * 86_400_000).toISOString() });
    for (const [columns, lang] of [[80, 'en'], [80, 'pl'], [60, 'en'], [60, 'pl'], [40, 'en'], [40, 'pl']] as const) {
      setLanguage(lang);
      const s = run(at(columns, 24), { type: 'open-details', cert: old });
      const notice = headerNotice(s)!;
      expect([...notice].length, notice).toBeLessThanOrEqual(columns);
      expect(notice, notice).toMatch(lang === 'en' ? /\(14 days left\)$/ : /\(pozostało 14 dni\)$/);
    }
  });

  test('footer hints: whole hints only, never one cut in the middle', () => {
    const hints = ['←→ choose', 'Enter run', 'Esc back to list', '? help', 'q quit'];
    expect(fitHints(hints, 80)).toBe(hints.join(' · '));
    expect(fitHints(hints, 40)).toBe('←→ choose · Enter run · Esc back to list');
    expect(fitHints(hints, 30)).toBe('←→ choose · Enter run');
  });
});
