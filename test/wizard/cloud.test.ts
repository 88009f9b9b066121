// The wizard's cloud path as pure rules: step 1 offers the product's algorithms (no card scan),
// choosing one starts the issue, the answer leads to the result (via 'cloud'), a failure back to
// the algorithm list, and the details take the e-mail list with the certificate.
import { describe, expect, test } from 'vitest';
import { initialState, reduce, step } from '../../src/wizard/reducer.js';
import { emailsLine, keyLine } from '../../src/wizard/format.js';
import { shownError } from '../../src/wizard/selectors.js';
import { portalError } from '../../src/domain/errors.js';
import type { PortalEmail } from '../../src/domain/types.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { codeSigning, NOW } from '../tui/fakes.js';

// As the wizard runs: a question on screen is drawn (question-shown) before the next key is read,
// and an answer says when its key was read (after that).
let clock = 0;
const drawn = (s: WizardState) => (s.asked && s.asked.shownAt === null ? reduce(s, { type: 'question-shown', id: s.asked.id, at: ++clock }) : s);
const keyed = (e: WizardEvent): WizardEvent => (e.type === 'answer' && e.at === undefined ? { ...e, at: ++clock } : e);
const run = (state: WizardState, ...events: WizardEvent[]) => events.reduce((s, e) => drawn(reduce(s, keyed(e))), drawn(state));
const cloudCert = codeSigning({ id: 'c-cloud', product: 'Code Signing in the cloud 365 days', keySources: ['cloud'], algorithms: ['rsa-3072', 'ec-p256'] });
const atStep1 = () =>
  run(
    initialState({ rows: 24, columns: 80, now: NOW.toISOString() }),
    { type: 'page-loaded', query: '', offset: 0, items: [cloudCert], total: 1 },
    { type: 'open-details', cert: cloudCert },
    { type: 'choose-action', action: 'reissue' },
  );

describe('key stored in the cloud', () => {
  test('choosing the method lists the product\'s algorithms without a card scan; Esc goes back to the methods', () => {
    let s = run(atStep1(), { type: 'choose-method', method: 'cloud' });
    expect(s.screen).toMatchObject({ kind: 'step1', stage: 'cloud', algorithms: ['rsa-3072', 'ec-p256'], scan: 'idle' });
    s = run(s, { type: 'back' });
    expect(s.screen).toMatchObject({ kind: 'step1', stage: 'method' });
  });

  test('an algorithm shows what will happen and asks; "n" or Esc goes back to the algorithms, issuing nothing', () => {
    const s = run(atStep1(), { type: 'choose-method', method: 'cloud' }, { type: 'choose-algorithm', algorithm: 'ec-p256' });
    expect(s.screen).toMatchObject({ kind: 'step1', stage: 'cloud-confirm', algCursor: 1 });
    // A "y" typed before the question was drawn answers nothing.
    expect(step(s, { type: 'answer', yes: true, at: 0 })).toMatchObject({ state: { screen: { stage: 'cloud-confirm' }, asked: { early: true } }, commands: [] });
    expect(step(s, { type: 'answer', yes: false, at: ++clock })).toMatchObject({ state: { screen: { stage: 'cloud' } }, commands: [] });
    expect(step(s, { type: 'back' })).toMatchObject({ state: { screen: { stage: 'cloud' } }, commands: [] });
    // The question is not on screen in a window too small for it: an answer does nothing.
    const tiny = run(s, { type: 'resize', rows: 6, columns: 20 });
    expect(step(tiny, { type: 'answer', yes: true, at: ++clock })).toMatchObject({ state: { screen: { stage: 'cloud-confirm' } }, commands: [] });
    const yes = step(s, { type: 'answer', yes: true, at: ++clock });
    expect(yes.commands).toEqual([{ type: 'reissue-in-cloud', cert: cloudCert, algorithm: 'ec-p256' }]);
  });

  test('"y" starts the issue; the answer shows the result via cloud; a failure returns to the algorithms', () => {
    let s = run(atStep1(), { type: 'choose-method', method: 'cloud' }, { type: 'choose-algorithm', algorithm: 'ec-p256' }, { type: 'answer', yes: true });
    expect(s.screen).toMatchObject({ kind: 'step1', stage: 'cloud-submitting', algCursor: 1 });
    // A second Enter typed ahead changes nothing.
    expect(run(s, { type: 'choose-algorithm', algorithm: 'rsa-3072' }).screen).toEqual(s.screen);
    const failed = run(s, { type: 'failed', error: shownError(portalError('portal-unreachable', 'down')) });
    expect(failed.screen).toMatchObject({ kind: 'error', back: { kind: 'step1', stage: 'cloud' } });
    const fresh = { ...cloudCert, id: 'c-new', replaces: cloudCert.id, keySource: 'cloud' as const };
    s = run(s, { type: 'reissued', result: { certificate: fresh, replaced: { ...cloudCert, replacedBy: 'c-new' } } });
    expect(s.screen).toMatchObject({ kind: 'result', via: 'cloud' });
  });

  test('an algorithm the product does not allow is ignored', () => {
    const s = run(atStep1(), { type: 'choose-method', method: 'cloud' });
    expect(run(s, { type: 'choose-algorithm', algorithm: 'rsa-4096' }).screen).toEqual(s.screen);
  });

  test('details take the e-mails with the certificate; the Key and E-mails lines', () => {
    const mail: PortalEmail = { id: 1, kind: 'certificate-issued', to: 'a@b', subject: 's', createdAt: '2026-12-01T10:00:00Z', status: 'sent', sentAt: '2026-12-01T10:00:00Z', attempts: 1, lastError: null, deliveredTo: 'x' };
    const s = run(atStep1(), { type: 'back' }, { type: 'details-loaded', cert: cloudCert, emails: [mail] });
    expect(s.screen).toMatchObject({ kind: 'details', emails: [mail] });
    expect(emailsLine([mail, { ...mail, kind: 'revocation-reminder', status: 'pending', sentAt: null, attempts: 2 }])).toMatch(
      /^certificate issued \d{4}-\d\d-\d\d \d\d:\d\d ✓ · reminder \d{4}-\d\d-\d\d \d\d:\d\d \(not sent yet, 2 tries\)$/,
    );
    expect(keyLine({ keySource: 'cloud', cloudKey: { store: 'sandbox', location: 'x', keyId: 'ab', label: 'l' } })).toBe('generated in the cloud key store (SANDBOX store, not for production)');
    expect(keyLine({ keySource: 'cloud', cloudKey: { store: 'pkcs11', location: 'PKCS#11 token "k" (serial 1)', keyId: 'ab', label: 'l' } })).toBe('generated in the cloud key store (PKCS#11 token "k" (serial 1))');
    expect(keyLine({ keySource: null, cloudKey: null })).toBeNull();
  });
});
