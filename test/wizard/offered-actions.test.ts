// Only actions that can work are offered: install on card only where the copy's key can be on a
// card, reissue only on the newest copy, and the result's install only after a card reissue.
import { describe, expect, test } from 'vitest';
import { detailsActions, resultActions } from '../../src/wizard/selectors.js';
import { initialState, reduce } from '../../src/wizard/reducer.js';
import { codeSigning, manualExample, NOW } from '../tui/fakes.js';

describe('actions offered', () => {
  test('"Install on card": a card key, or an unrecorded key of a card product; never a CSR or cloud key', () => {
    expect(detailsActions(codeSigning({ keySource: 'card' }))).toContain('install');
    expect(detailsActions(codeSigning({ keySource: null }))).toContain('install');
    expect(detailsActions(codeSigning({ keySources: ['csr', 'card'], keySource: 'csr' }))).not.toContain('install');
    expect(detailsActions(codeSigning({ keySources: ['card', 'cloud'], keySource: 'cloud' }))).not.toContain('install');
  });

  test('"Reissue certificate" only on the newest copy; a replaced copy can still be revoked or downloaded', () => {
    const replaced = manualExample({ state: 'pending-revocation', replacedBy: 'c-new', revocationDate: '2026-12-20T12:00:00Z' });
    expect(detailsActions(replaced)).toEqual(['preview', 'download-pem', 'download-der', 'revoke']);
    expect(detailsActions(manualExample())).toContain('reissue');
  });

  test('the result offers install only after a card reissue', () => {
    const result = { certificate: codeSigning({ id: 'n', keySource: 'csr', keySources: ['csr', 'card'] }), replaced: codeSigning() };
    expect(resultActions({ via: 'csr', result })).not.toContain('install');
    expect(resultActions({ via: 'card', result })).toContain('install');
  });

  test('an action not offered does nothing when chosen anyway', () => {
    const replaced = manualExample({ state: 'pending-revocation', replacedBy: 'c-new', revocationDate: '2026-12-20T12:00:00Z' });
    const s = [{ type: 'open-details' as const, cert: replaced }, { type: 'choose-action' as const, action: 'reissue' as const }].reduce(reduce, initialState({ now: NOW.toISOString() }));
    expect(s.screen.kind).toBe('details');
  });
});
