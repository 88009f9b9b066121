// How the wizard ends a card-key reissue the portal left pending (Certum validates first), as pure
// rules: the new copy with the card holding its key goes straight to that card's install PIN
// screen (Esc keeps the result, with how to install it later); with no such card the result says
// why and how to install it later, the cursor on "Install on card". A direct issue is unchanged.
import { describe, expect, test } from 'vitest';
import type { Step } from '../../../src/wizard/commands.js';
import { cardFor } from '../../../src/wizard/navigation.js';
import { initialState, step } from '../../../src/wizard/reducer.js';
import type { WizardEvent, WizardState } from '../../../src/wizard/state.js';
import { manualExample, NOW, reader, token } from '../../tui/fakes.js';

const cert = manualExample();
const inventory = { modules: [], readers: [reader(null, 'Empty reader', '0'), reader(token(), 'ACS ACR39U ICC Reader 0', '1')] };
const submitting = (): WizardState => ({
  ...initialState({ rows: 24, columns: 80, now: NOW.toISOString() }),
  portalName: 'Certum',
  screen: { ...cardFor(cert, 'generate', { kind: 'list' }, 'ec-p256', inventory), phase: 'submitting', reader: { module: inventory.readers[1]!.module, slotId: '1' } },
});
const drive = (state: WizardState, ...events: WizardEvent[]): Step => events.reduce<Step>((at, e) => step(at.state, e), { state, commands: [] });
const fresh = { ...cert, id: 'ORDER/0000123457/po', replaces: cert.id, keySource: 'card' as const };
const result = { certificate: fresh, replaced: { ...cert, replacedBy: fresh.id } };
const pendingThenIssued = (install: Extract<WizardEvent, { type: 'reissued' }>['install']) =>
  drive(
    submitting(),
    { type: 'reissue-pending', pending: { orderRef: fresh.id, retryAfterMs: 500 }, tokenSerial: token().serial },
    { type: 'resume-due', orderRef: fresh.id },
    { type: 'reissued', result, tokenSerial: token().serial, install },
  );

describe('a card-key reissue enrolled after pending', () => {
  test('the card holding the key is here: its install PIN screen, that reader chosen; the PIN starts the install of the new copy', () => {
    const at = pendingThenIssued({ inventory, reader: { module: inventory.readers[1]!.module, slotId: '1' } });
    expect(at.state.screen).toMatchObject({ kind: 'card', purpose: 'install', phase: 'pin', cursor: 1, reader: { slotId: '1' } });
    expect(at.state.screen.kind === 'card' && at.state.screen.cert.id).toBe(fresh.id);
    const pin = drive(at.state, { type: 'pin-submit', pin: '1234' });
    expect(pin.commands).toEqual([expect.objectContaining({ type: 'install-on-card', cert: fresh, pin: '1234' })]);
    const done = drive(pin.state, { type: 'card-installed', serial: token().serial });
    expect(done.state.screen).toMatchObject({ kind: 'result', via: 'card', notice: expect.stringContaining('Certificate installed on card') });
  });

  test('Esc at that PIN: the readers (another card may be chosen); Esc again: the result, with how to install it later', () => {
    const at = pendingThenIssued({ inventory, reader: { module: inventory.readers[1]!.module, slotId: '1' } });
    expect(drive(at.state, { type: 'back' }).state.screen).toMatchObject({ kind: 'card', purpose: 'install', phase: 'select' });
    const back = drive(at.state, { type: 'back' }, { type: 'back' });
    expect(back.state.screen).toMatchObject({ kind: 'result', cursor: 2, notice: expect.stringContaining(`reissue card install ${fresh.id}`) });
  });

  test('no card with the key: the result says why and how to install it later, the cursor on Install on card', () => {
    const at = pendingThenIssued({ later: 'No card present holds the key of this certificate.' });
    expect(at.state.screen).toMatchObject({ kind: 'result', via: 'card', cursor: 2 });
    const notice = at.state.screen.kind === 'result' ? at.state.screen.notice : '';
    expect(notice).toContain('No card present holds the key of this certificate.');
    expect(notice).toContain(`reissue card install ${fresh.id}`);
  });

  test('issued at once (no install step named): the result as before', () => {
    const at = drive(submitting(), { type: 'reissued', result, tokenSerial: token().serial });
    expect(at.state.screen).toMatchObject({ kind: 'result', via: 'card', cursor: 0, notice: null });
  });
});
