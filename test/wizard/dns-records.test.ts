// dns-01 by hand in the wizard state: the records the portal waits for are kept on the screen that
// is issuing; Enter and Esc become the runner's answer (published / cancel), and so does Ctrl+C
// (cancel); records that arrive with no issuing screen on view are cancelled at once.
import { describe, expect, test } from 'vitest';
import type { CsrReport } from '../../src/domain/types.js';
import { initialState, step } from '../../src/wizard/reducer.js';
import type { WizardState } from '../../src/wizard/state.js';
import { run } from './as-drawn.js';
import { demoCertificates, NOW } from '../tui/fakes.js';

const certs = demoCertificates();
const ok: CsrReport = { ok: true, problems: [], summary: { subject: 'CN=assecodata.pl', commonName: 'assecodata.pl', sans: ['assecodata.pl'], keyType: 'EC', keySize: 256, curve: 'P-256', signatureAlgorithm: 'ECDSA with SHA-256' } };
const csr = new TextEncoder().encode('-----BEGIN CERTIFICATE REQUEST-----');
const records = [{ name: '_acme-challenge.assecodata.pl.', value: 'v'.repeat(43) }];
const start = () => initialState({ rows: 24, columns: 80, now: NOW.toISOString() });
const toCsr = () =>
  run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert: certs[0]! }, { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'csr' }, { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok });
const shown = (s: WizardState) => (s.screen as { dnsRecords?: unknown }).dnsRecords ?? null;

describe('dns-01 records in the wizard state', () => {
  test('while submitting: kept on the screen; Enter answers "published" once, and they are gone', () => {
    const s = run(toCsr(), { type: 'submit-start' }, { type: 'dns-records', records });
    expect(shown(s)).toEqual(records);
    const answered = step(s, { type: 'dns-records-answer', published: true });
    expect(answered.commands).toEqual([{ type: 'answer-dns-records', published: true }]);
    expect(shown(answered.state)).toBeNull();
    // A second Enter has nothing to answer.
    expect(step(answered.state, { type: 'dns-records-answer', published: true }).commands).toEqual([]);
  });

  test('Esc answers "cancel"; Ctrl+C too, and the wizard waits for the portal\'s answer', () => {
    const s = run(toCsr(), { type: 'submit-start' }, { type: 'dns-records', records });
    expect(step(s, { type: 'dns-records-answer', published: false }).commands).toEqual([{ type: 'answer-dns-records', published: false }]);
    const interrupted = step(s, { type: 'interrupt' });
    expect(interrupted.commands).toEqual([{ type: 'answer-dns-records', published: false }]);
    expect(interrupted.state.ending).toBeFalsy();
    expect(shown(interrupted.state)).toBeNull();
  });

  test('no issuing screen on view: nobody can create them, so the order is cancelled', () => {
    const s = toCsr();
    const answered = step(s, { type: 'dns-records', records });
    expect(answered.commands).toEqual([{ type: 'answer-dns-records', published: false }]);
    expect(shown(answered.state)).toBeNull();
  });
});
