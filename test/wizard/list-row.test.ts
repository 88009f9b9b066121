import { describe, expect, test } from 'vitest';
import { LIST_HEADING, certificateLine, placeholderLine } from '../../src/wizard/list-row.js';
import { manualExample, NOW } from '../tui/fakes.js';

describe('list rows', () => {
  test('a certificate line is aligned with the headings, with marker, state, product, date and badge', () => {
    const cert = manualExample({ state: 'pending-revocation', revocationDate: new Date(NOW.getTime() + 13 * 86_400_000).toISOString() });
    const line = certificateLine(cert, true, NOW);
    expect(line).toMatch(/^> assecodata\.pl {10}Valid {3}Trusted MultiDomai… \d{4}-\d\d-\d\d revoked in 13 d$/);
    expect(line.indexOf('Valid')).toBe(LIST_HEADING.indexOf('State'));
    expect(line.indexOf('revoked')).toBe(LIST_HEADING.indexOf('Revocation'));
    expect(certificateLine(manualExample(), false, NOW)).toMatch(/^ {2}assecodata\.pl .* \d{4}-\d\d-\d\d$/);
  });

  test('a row not loaded yet shows only the marker and a placeholder', () => {
    expect(placeholderLine(true)).toBe('> …');
    expect(placeholderLine(false)).toBe('  …');
  });
});
