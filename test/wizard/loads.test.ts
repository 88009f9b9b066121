// Every load is the reducer's command: step() asks for what the screen on view lacks, once, and a
// late answer or a pause that no longer fits starts nothing. These drive step() as the store does:
// each event's commands are collected, and the runner's answers are fed back as events.
import { describe, expect, test } from 'vitest';
import type { WizardCommand } from '../../src/wizard/commands.js';
import { COUNT_PAUSE_MS, READER_CHECK_MS } from '../../src/wizard/loads.js';
import { initialState, step } from '../../src/wizard/reducer.js';
import { shownError } from '../../src/wizard/selectors.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { portalError } from '../../src/domain/errors.js';
import { demoCertificates, manualExample, manyCertificates, NOW, reader, token } from '../tui/fakes.js';

const certs = demoCertificates();
const start = () => initialState({ rows: 24, columns: 80, now: NOW.toISOString() });

/** Applies events as the store does; returns the last state and every command they started. */
function drive(state: WizardState, ...events: WizardEvent[]): { state: WizardState; commands: WizardCommand[] } {
  const commands: WizardCommand[] = [];
  for (const event of events) {
    const next = step(state, event);
    state = next.state;
    commands.push(...next.commands);
  }
  return { state, commands };
}

const types = (commands: WizardCommand[]) => commands.map((c) => c.type);
const page = (query: string, items = certs, total: number | null = null): WizardEvent => ({ type: 'page-loaded', query, offset: 0, items, total });

describe('the list loads through the reducer', () => {
  test('start: the first page, then the portal info, each asked for once', () => {
    const begun = drive(start(), { type: 'start' });
    expect(begun.commands).toEqual([{ type: 'load-page', request: { text: '', offset: 0, limit: 3 * begun.state.list.height } }, { type: 'load-info' }]);
    // Keys before the page arrives do not ask again.
    expect(drive(begun.state, { type: 'move', delta: 1 }, { type: 'toggle-help' }, { type: 'toggle-help' }).commands).toEqual([]);
    // The launcher's first page already known: start asks for nothing but the count's pause.
    const known = drive(start(), { type: 'portal-info', name: 'Certum', now: NOW.toISOString(), capabilities: [] }, page('', certs, certs.length));
    expect(types(drive(known.state, { type: 'start' }).commands)).toEqual([]);
  });

  test('the count waits for a pause in typing and drops a filter typed over since', () => {
    let s = drive(start(), { type: 'start' }, { type: 'filter-start' }, { type: 'filter-input', text: 'a' }).state;
    // Rows without a count: the count is asked for after a pause, not at once.
    const rows = drive(s, page('a', manyCertificates(51)));
    expect(rows.commands).toEqual([{ type: 'wait', ms: COUNT_PAUSE_MS, then: { type: 'count-due', query: 'a' } }]);
    // Typing goes on before the pause ends: the pause for "a" counts nothing, "ab" gets its rows first.
    const typed = drive(rows.state, { type: 'filter-input', text: 'b' });
    expect(typed.commands).toEqual([{ type: 'load-page', request: expect.objectContaining({ text: 'ab', offset: 0 }) }]);
    expect(drive(typed.state, { type: 'count-due', query: 'a' }).commands).toEqual([]);
    // An answer for "a" arriving late is dropped and starts nothing.
    s = drive(typed.state, page('a', manyCertificates(51))).state;
    expect(s.list.page?.query).toBe('a');
    const ab = drive(s, page('ab', manyCertificates(51)));
    expect(ab.commands).toEqual([{ type: 'wait', ms: COUNT_PAUSE_MS, then: { type: 'count-due', query: 'ab' } }]);
    const counting = drive(ab.state, { type: 'count-due', query: 'ab' });
    expect(counting.commands).toEqual([{ type: 'load-total', text: 'ab' }]);
    // Counted once, however many pauses end.
    expect(drive(counting.state, { type: 'count-due', query: 'ab' }, { type: 'move', delta: 1 }).commands).toEqual([]);
    s = drive(counting.state, { type: 'total-loaded', query: 'ab', total: 1234 }).state;
    expect(s.list.total).toBe(1234);
    expect(drive(s, { type: 'count-due', query: 'ab' }).commands).toEqual([]);
  });

  test('a failed page is asked for again only on r', () => {
    const begun = drive(start(), { type: 'start' });
    const failed = drive(begun.state, { type: 'page-failed', query: '', error: shownError(portalError('unreachable', 'The portal did not answer.')) });
    expect(failed.commands).toEqual([]);
    expect(drive(failed.state, { type: 'move', delta: 1 }, { type: 'resize', rows: 30, columns: 90 }).commands).toEqual([]);
    expect(types(drive(failed.state, { type: 'list-retry' }).commands)).toEqual(['load-page']);
  });

  test('scrolling past the loaded rows asks for the next page; back from a certificate reloads and recounts', () => {
    const many = manyCertificates(200);
    let s = drive(start(), { type: 'start' }, page('', many.slice(0, 51)), { type: 'count-due', query: '' }, { type: 'total-loaded', query: '', total: 200 }).state;
    const scrolled = drive(s, { type: 'move-to', to: 'last' });
    expect(scrolled.commands).toEqual([{ type: 'load-page', request: expect.objectContaining({ text: '', offset: 200 - 2 * s.list.height }) }]);
    s = drive(s, { type: 'open-details', cert: many[0]! }).state;
    const back = drive(s, { type: 'back' });
    expect(types(back.commands)).toEqual(['load-page']);
    expect(types(drive(back.state, page('', many.slice(0, 51))).commands)).toEqual(['wait']);
  });
});

describe('each screen loads what it shows on entry, through the reducer', () => {
  const atDetails = () => drive(start(), page('', certs, certs.length), { type: 'open-details', cert: certs[0]! });

  test('details: refreshed on entry (and on coming back), not on its own answer', () => {
    const opened = atDetails();
    expect(opened.commands).toContainEqual({ type: 'refresh-details', id: certs[0]!.id });
    expect(drive(opened.state, { type: 'details-loaded', cert: certs[0]!, emails: [] }, { type: 'highlight', index: 2 }).commands).toEqual([]);
    const preview = drive(opened.state, { type: 'choose-action', action: 'preview' });
    expect(preview.commands).toEqual([{ type: 'load-preview', cert: certs[0] }]);
    expect(drive(preview.state, { type: 'preview-loaded', id: certs[0]!.id, text: 'x\ny' }, { type: 'move', delta: 1 }).commands).toEqual([]);
    expect(drive(preview.state, { type: 'back' }).commands).toEqual([{ type: 'refresh-details', id: certs[0]!.id }]);
  });

  test('pending revocations: loaded on entry only', () => {
    const s = drive(start(), page('', certs, certs.length)).state;
    const opened = drive(s, { type: 'open-pending' });
    expect(opened.commands).toEqual([{ type: 'load-pending' }]);
    expect(drive(opened.state, { type: 'pending-loaded', items: [] }, { type: 'highlight', index: 0 }).commands).toEqual([]);
  });

  test('step 1 scans the cards when the card method is chosen and on retry', () => {
    const cs = manualExample({ keySources: ['csr', 'card'] });
    const s = drive(start(), { type: 'open-details', cert: cs }, { type: 'choose-action', action: 'reissue' }).state;
    const chosen = drive(s, { type: 'choose-method', method: 'card' });
    expect(chosen.commands).toEqual([{ type: 'scan-cards' }]);
    const failed = drive(chosen.state, { type: 'inventory-failed', error: shownError(portalError('x', 'No module.')) });
    expect(failed.commands).toEqual([]);
    expect(drive(failed.state, { type: 'rescan' }).commands).toEqual([{ type: 'scan-cards' }]);
  });
});

describe('the reader checklist is checked again while it is on screen', () => {
  const ready = reader(token());
  const inventory = { modules: [], readers: [ready] };
  const atSelect = () => {
    const cert = manualExample({ keySources: ['card'], algorithms: ['rsa-2048'] });
    const s = drive(start(), { type: 'open-details', cert }, { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'card' }, { type: 'inventory-loaded', inventory }).state;
    return drive(s, { type: 'choose-algorithm', algorithm: 'rsa-2048' });
  };

  test('a check on entry, then one pause and one check at a time, while the checklist is shown', () => {
    const entered = atSelect();
    expect(entered.commands).toEqual([{ type: 'scan-cards' }]);
    const answered = drive(entered.state, { type: 'inventory-loaded', inventory });
    expect(answered.commands).toEqual([{ type: 'wait', ms: READER_CHECK_MS, then: { type: 'readers-due' } }]);
    // A late answer of an earlier check starts no second pause.
    expect(drive(answered.state, { type: 'inventory-loaded', inventory }).commands).toEqual([]);
    const due = drive(answered.state, { type: 'readers-due' });
    expect(due.commands).toEqual([{ type: 'scan-cards' }]);
    // A pause that ends while a check is in flight starts nothing.
    expect(drive(due.state, { type: 'readers-due' }).commands).toEqual([]);
  });

  test('the PIN screen checks once (fresh tries-left flags); the pause ending there starts nothing', () => {
    const answered = drive(atSelect().state, { type: 'inventory-loaded', inventory });
    const pin = drive(answered.state, { type: 'choose-reader', module: ready.module, slotId: ready.slotId });
    expect(pin.state.screen).toMatchObject({ kind: 'card', phase: 'pin' });
    expect(pin.commands).toEqual([{ type: 'scan-cards' }]);
    const settled = drive(pin.state, { type: 'readers-due' }, { type: 'inventory-loaded', inventory });
    expect(settled.commands).toEqual([]);
    // Back to the checklist: checked at once, and the pauses start again.
    const back = drive(settled.state, { type: 'back' });
    expect(back.commands).toEqual([{ type: 'scan-cards' }]);
    expect(types(drive(back.state, { type: 'inventory-loaded', inventory }).commands)).toEqual(['wait']);
  });

  test('after leaving the card screen a pause that ends starts nothing', () => {
    const answered = drive(atSelect().state, { type: 'inventory-loaded', inventory });
    const left = drive(answered.state, { type: 'back' }, { type: 'back' });
    expect(left.state.screen.kind).not.toBe('card');
    expect(drive(left.state, { type: 'readers-due' }).commands).toEqual([]);
  });
});
