// The portal's steps (an ACME CA validating each name) are kept by the reducer only while a copy is
// being issued, the latest four; they go with the screen.
import { describe, expect, test } from 'vitest';
import type { CsrReport } from '../../src/domain/types.js';
import { initialState } from '../../src/wizard/reducer.js';
import { PORTAL_STEPS_SHOWN } from '../../src/wizard/reduce-reissue.js';
import { run } from './as-drawn.js';
import { demoCertificates, manualExample, NOW } from '../tui/fakes.js';

const certs = demoCertificates();
const ok: CsrReport = { ok: true, problems: [], summary: { subject: 'CN=assecodata.pl', commonName: 'assecodata.pl', sans: ['assecodata.pl'], keyType: 'EC', keySize: 256, curve: 'P-256', signatureAlgorithm: 'ECDSA with SHA-256' } };
const csr = new TextEncoder().encode('-----BEGIN CERTIFICATE REQUEST-----');
const start = () => initialState({ rows: 24, columns: 80, now: NOW.toISOString() });
const toCsr = () =>
  run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert: certs[0]! }, { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'csr' }, { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok });
const steps = (s: ReturnType<typeof start>) => (s.screen as { portalSteps?: string[] }).portalSteps;

describe('the portal\'s steps in the wizard state', () => {
  test('ignored before the CSR is submitted', () => {
    expect(steps(run(toCsr(), { type: 'portal-progress', line: 'order x: pending' }))).toBeUndefined();
  });
  test('kept while submitting, the latest four', () => {
    let s = run(toCsr(), { type: 'submit-start' });
    for (let i = 1; i <= 6; i++) s = run(s, { type: 'portal-progress', line: `step ${i}` });
    expect(PORTAL_STEPS_SHOWN).toBe(4);
    expect(steps(s)).toEqual(['step 3', 'step 4', 'step 5', 'step 6']);
  });
  test('gone with the screen once the copy is issued; later steps are not kept', () => {
    let s = run(toCsr(), { type: 'submit-start' }, { type: 'portal-progress', line: 'step 1' });
    const result = { certificate: manualExample({ id: 'c-new', serialNumber: 'ab', replaces: 'c-0001' }), replaced: manualExample({ state: 'pending-revocation', replacedBy: 'c-new', revocationDate: '2026-12-08T12:00:00Z' }) };
    s = run(s, { type: 'reissued', result }, { type: 'portal-progress', line: 'late' });
    expect(s.screen.kind).toBe('result');
    expect(steps(s)).toBeUndefined();
  });
});
