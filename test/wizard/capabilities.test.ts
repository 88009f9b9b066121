// What the wizard offers follows the portal's kind: step 1 leaves out "stored in the cloud" on a
// portal whose info announces no cloud keys (a real CA has no key store for its customers), and
// offers the product's methods on our own portal. Pure rules (selectors, reducer).
import { describe, expect, test } from 'vitest';
import { initialState, reduce } from '../../src/wizard/reducer.js';
import { reissueMethods } from '../../src/wizard/selectors.js';
import type { PortalCapability } from '../../src/portal/portal.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { codeSigning, NOW } from '../tui/fakes.js';

const run = (state: WizardState, ...events: WizardEvent[]) => events.reduce(reduce, state);
const mixed = codeSigning({ id: 'c-mixed', product: 'Code Signing, card or cloud', keySources: ['csr', 'card', 'cloud'], algorithms: ['rsa-3072', 'ec-p256'] });
const step1On = (capabilities: PortalCapability[]) =>
  run(
    initialState({ rows: 24, columns: 80, now: NOW.toISOString() }),
    { type: 'portal-info', name: 'some portal', now: NOW.toISOString(), capabilities },
    { type: 'page-loaded', query: '', offset: 0, items: [mixed], total: 1 },
    { type: 'open-details', cert: mixed },
    { type: 'choose-action', action: 'reissue' },
  );

describe('actions by the portal kind', () => {
  test('reissueMethods: cloud only where the portal announces cloud keys; the product decides the rest', () => {
    expect(reissueMethods(mixed, [])).toEqual(['csr', 'card']);
    expect(reissueMethods(mixed, ['caCertificate', 'crl', 'emails'])).toEqual(['csr', 'card']);
    expect(reissueMethods(mixed, ['cloudKeys'])).toEqual(['csr', 'card', 'cloud']);
    // Before the portal's info has arrived: the product's methods (a kind without a key store has no cloud products).
    expect(reissueMethods(mixed, null)).toEqual(['csr', 'card', 'cloud']);
    expect(reissueMethods(codeSigning({ keySources: ['card'] }), ['cloudKeys'])).toEqual(['card']);
  });

  test('step 1 on a core-only portal offers no cloud method, and choosing it anyway does nothing', () => {
    const s = step1On([]);
    expect(s.capabilities).toEqual([]);
    expect(s.screen).toMatchObject({ kind: 'step1', methods: ['csr', 'card'] });
    expect(run(s, { type: 'choose-method', method: 'cloud' }).screen).toEqual(s.screen);
  });

  test('step 1 on our own portal offers the cloud method; back from the CSR screen keeps the same methods', () => {
    expect(step1On(['caCertificate', 'crl', 'emails', 'cloudKeys']).screen).toMatchObject({ kind: 'step1', methods: ['csr', 'card', 'cloud'] });
    const core = run(step1On([]), { type: 'choose-method', method: 'csr' });
    expect(core.screen).toMatchObject({ kind: 'csr' });
    expect(run(core, { type: 'back' }).screen).toMatchObject({ kind: 'step1', methods: ['csr', 'card'] });
  });
});
