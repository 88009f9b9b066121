// The PIN dialog's reducer (src/wizard/reduce-pin.ts) and the PIN pad on the card path: pure, no card.
import { describe, expect, test } from 'vitest';
import { cardError } from '../../src/domain/errors.js';
import { initialState, step } from '../../src/wizard/reducer.js';
import { isBusy, isTyping, shownError, textField } from '../../src/wizard/selectors.js';
import type { WizardState } from '../../src/wizard/state.js';
import { codeSigning, NOW, reader, token } from '../tui/fakes.js';
import { run } from './as-drawn.js';

const inv = (...readers: ReturnType<typeof reader>[]) => ({ modules: [], readers });

/** The reader checklist of a card-only certificate, with these readers. */
function atReaders(...readers: ReturnType<typeof reader>[]): WizardState {
  const s = initialState({ rows: 24, columns: 80, now: NOW.toISOString() });
  return run(
    s,
    { type: 'open-details', cert: codeSigning() },
    { type: 'choose-action', action: 'reissue' },
    { type: 'choose-method', method: 'card' },
    { type: 'inventory-loaded', inventory: inv(...readers) },
    { type: 'choose-algorithm', algorithm: 'rsa-2048' },
  );
}

describe('change PIN from the card screen', () => {
  test('c opens it for the highlighted card; current, new, again; the secrets go into the command only', () => {
    const r = reader(token({}, { maxLength: 8 }));
    let s = atReaders(r);
    expect(s.screen).toMatchObject({ kind: 'card', phase: 'select' });
    s = run(s, { type: 'pin-dialog-open', mode: 'change' });
    expect(s.screen).toMatchObject({ kind: 'pin-dialog', mode: 'change', stage: 'secret', token: { serial: r.token!.serial } });
    expect(isTyping(s)).toBe(true);
    expect(textField(s)).toEqual({ kind: 'secret', id: 'pin' });
    s = run(s, { type: 'pin-dialog-typed', problem: null });
    expect(s.screen).toMatchObject({ stage: 'new' });
    s = run(s, { type: 'pin-dialog-typed', problem: null });
    expect(s.screen).toMatchObject({ stage: 'again' });
    // A mismatch (found by the screen) goes back to the new PIN, with the reason.
    const mismatch = run(s, { type: 'pin-dialog-typed', problem: 'not the same twice' });
    expect(mismatch.screen).toMatchObject({ stage: 'new', problem: 'not the same twice' });
    const go = step(s, { type: 'pin-dialog-submit', secret: '9731', newPin: '24682468' });
    expect(go.commands).toMatchObject([{ type: 'change-pin', pin: '9731', newPin: '24682468', confirmFinalTry: false, token: { serial: r.token!.serial } }]);
    expect(JSON.stringify(go.state)).not.toMatch(/9731|24682468/);
    expect(isBusy(go.state)).toBe(true);
    s = run(go.state, { type: 'pin-dialog-done', token: r.token! });
    expect(s.screen).toMatchObject({ kind: 'pin-dialog', stage: 'done' });
    // Back on the card screen, its readers are checked afresh.
    const back = step(s, { type: 'back' });
    expect(back.state.screen).toMatchObject({ kind: 'card', phase: 'select', readerCheck: 'scanning' });
    expect(back.commands).toContainEqual({ type: 'scan-cards' });
  });

  test('Esc steps one field back; a locked PIN cannot be changed (only unblocked)', () => {
    let s = run(atReaders(reader(token())), { type: 'pin-dialog-open', mode: 'change' }, { type: 'pin-dialog-typed', problem: null }, { type: 'pin-dialog-typed', problem: null });
    s = run(s, { type: 'back' });
    expect(s.screen).toMatchObject({ stage: 'new' });
    s = run(s, { type: 'back' }, { type: 'back' });
    expect(s.screen).toMatchObject({ kind: 'card', phase: 'select' });
    const locked = atReaders(reader(token({}, { locked: true })));
    expect(run(locked, { type: 'pin-dialog-open', mode: 'change' }).screen).toMatchObject({ kind: 'card' });
    expect(run(locked, { type: 'pin-dialog-open', mode: 'unblock' }).screen).toMatchObject({ kind: 'pin-dialog', mode: 'unblock' });
  });
});

describe('unblock with the PUK', () => {
  test('from the locked-PIN error; the PUK\'s last try asks y/n first; n goes back to the card', () => {
    const r = reader(token({}, { finalTry: true, so: { countLow: true, finalTry: true, locked: false } }));
    let s = run(atReaders(r), { type: 'choose-reader', module: r.module, slotId: r.slotId }, { type: 'answer', yes: true }, { type: 'pin-submit', pin: '9731' });
    s = run(s, { type: 'failed', error: shownError(cardError('pin-locked', 'The PIN is wrong, and the card has now locked it.')) });
    expect(s.screen).toMatchObject({ kind: 'error' });
    const opened = run(s, { type: 'pin-dialog-open', mode: 'unblock' });
    expect(opened.screen).toMatchObject({ kind: 'pin-dialog', mode: 'unblock', stage: 'final-try' });
    expect(run(opened, { type: 'answer', yes: false }).screen).toMatchObject({ kind: 'card', phase: 'select' });
    s = run(opened, { type: 'answer', yes: true }, { type: 'pin-dialog-typed', problem: null }, { type: 'pin-dialog-typed', problem: null });
    const go = step(s, { type: 'pin-dialog-submit', secret: '87654321', newPin: '2468' });
    expect(go.commands).toMatchObject([{ type: 'unblock-pin', puk: '87654321', newPin: '2468', confirmFinalTry: true }]);
    // A wrong PUK: the error, then the card screen (checked afresh), not a stale dialog.
    const failed = run(go.state, { type: 'failed', error: shownError(cardError('puk-wrong', 'The PUK (SO PIN) is wrong.')) });
    expect(failed.screen).toMatchObject({ kind: 'error', back: { kind: 'card', phase: 'select', readerCheck: 'idle' } });
  });

  test('a locked PUK: the card is unusable, said at once (no PUK asked)', () => {
    const r = reader(token({}, { locked: true, so: { countLow: false, finalTry: false, locked: true } }));
    const s = run(atReaders(r), { type: 'pin-dialog-open', mode: 'unblock' });
    expect(s.screen).toMatchObject({ kind: 'error', error: { code: 'puk-locked', message: expect.stringContaining('unusable') }, back: { kind: 'card', phase: 'select' } });
  });

  test('other errors offer no unblock', () => {
    const r = reader(token());
    const s = run(atReaders(r), { type: 'choose-reader', module: r.module, slotId: r.slotId }, { type: 'pin-submit', pin: '9731' }, { type: 'failed', error: shownError(cardError('card-removed', 'The card was removed.')) });
    expect(run(s, { type: 'pin-dialog-open', mode: 'unblock' }).screen).toMatchObject({ kind: 'error' });
  });
});

describe('a PIN-pad reader', () => {
  test('the card path asks for no PIN: choosing the reader starts the login with an empty PIN', () => {
    const r = reader(token({}, { protectedAuthPath: true }));
    const go = step(atReaders(r), { type: 'choose-reader', module: r.module, slotId: r.slotId });
    expect(go.state.screen).toMatchObject({ kind: 'card', phase: 'progress', progress: { phase: 'login' } });
    expect(go.commands).toMatchObject([{ type: 'generate-on-card', pin: '', confirmFinalTry: false }]);
  });

  test('the PIN dialog on a pad goes straight to the card, with no fields', () => {
    const r = reader(token({}, { protectedAuthPath: true }));
    const go = step(atReaders(r), { type: 'pin-dialog-open', mode: 'change' });
    expect(go.state.screen).toMatchObject({ kind: 'pin-dialog', stage: 'working' });
    expect(go.commands).toMatchObject([{ type: 'change-pin', pin: '', newPin: '' }]);
  });
});
