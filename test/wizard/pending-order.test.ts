// A reissue the portal leaves pending (a CA validating the order), as pure rules: the submitting
// screen stays, the reducer waits the time the portal named and asks again, counts the "pending"
// answers, and the new copy leads to the result as before; a failure or another order ends it.
import { describe, expect, test } from 'vitest';
import type { Step } from '../../src/wizard/commands.js';
import { initialState, step } from '../../src/wizard/reducer.js';
import { csrFor as csrScreenFor } from '../../src/wizard/navigation.js';
import { shownError } from '../../src/wizard/selectors.js';
import { portalError } from '../../src/domain/errors.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { manualExample, NOW } from '../tui/fakes.js';

const cert = manualExample();
const submitting = (): WizardState => ({ ...initialState({ rows: 24, columns: 80, now: NOW.toISOString() }), portalName: 'a CA', screen: { ...csrScreenFor(cert), mode: 'submitting' } });
/** The state after `events`, and the commands the last one started. */
const drive = (state: WizardState, ...events: WizardEvent[]): Step => events.reduce<Step>((at, e) => step(at.state, e), { state, commands: [] });
const pending = (orderRef = 'order-7', retryAfterMs = 3000): WizardEvent => ({ type: 'reissue-pending', pending: { orderRef, retryAfterMs } });

describe('a pending reissue in the wizard', () => {
  test('"pending" keeps the submitting screen, waits the time the portal named, then asks about that order', () => {
    const first = drive(submitting(), pending());
    expect(first.state.screen).toMatchObject({ kind: 'csr', mode: 'submitting' });
    expect(first.state.pendingOrder).toEqual({ orderRef: 'order-7', retryAfterMs: 3000, answers: 1, tokenSerial: null });
    expect(first.commands).toEqual([{ type: 'wait', ms: 3000, then: { type: 'resume-due', orderRef: 'order-7' } }]);
    const due = drive(first.state, { type: 'resume-due', orderRef: 'order-7' });
    expect(due.commands).toEqual([{ type: 'resume-reissue', orderRef: 'order-7', tokenSerial: null }]);
    // Another "pending" for the same order counts; a card's serial given with the first answer stays.
    expect(drive(first.state, pending('order-7', 1000)).state.pendingOrder).toMatchObject({ answers: 2, retryAfterMs: 1000 });
  });

  test('the new copy leads to the result as a direct issue does, and the order is forgotten', () => {
    const fresh = { ...cert, id: 'c-new', replaces: cert.id };
    const done = drive(submitting(), pending(), { type: 'resume-due', orderRef: 'order-7' }, { type: 'reissued', result: { certificate: fresh, replaced: { ...cert, replacedBy: 'c-new' } } });
    expect(done.state.screen).toMatchObject({ kind: 'result', via: 'csr' });
    expect(done.state.pendingOrder).toBeNull();
  });

  test('a failure ends the order; a late pause for it, or for another order, starts nothing', () => {
    const waiting = drive(submitting(), pending()).state;
    const failed = drive(waiting, { type: 'failed', error: shownError(portalError('portal-unreachable', 'down')) });
    expect(failed.state.screen.kind).toBe('error');
    expect(failed.state.pendingOrder).toBeNull();
    expect(drive(failed.state, { type: 'resume-due', orderRef: 'order-7' }).commands).toEqual([]);
    expect(drive(waiting, { type: 'resume-due', orderRef: 'order-8' }).commands).toEqual([]);
  });

  test('"pending" on a screen that is not submitting is ignored', () => {
    const list = { ...initialState({ rows: 24, columns: 80, now: NOW.toISOString() }), portalName: 'a CA' };
    const r = drive(list, pending());
    expect(r.state.pendingOrder).toBeNull();
    expect(r.commands.filter((c) => c.type === 'wait')).toEqual([]);
  });
});
