import { afterEach, describe, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { setLanguage } from '../../src/i18n/i18n.js';
import { certificateLine, listHeadingLine, placeholderLine } from '../../src/wizard/list-row.js';
import { manualExample, NOW } from '../tui/fakes.js';

const DAY = 86_400_000;
const pending = () => manualExample({ state: 'pending-revocation', revocationDate: new Date(NOW.getTime() + 13 * DAY).toISOString() });
afterEach(() => setLanguage('en'));

describe('list rows', () => {
  test('a certificate line is aligned with the headings, with marker, state, product, date and badge', () => {
    const line = certificateLine(pending(), true, NOW, 80);
    const heading = listHeadingLine(80);
    expect(line).toMatch(/^> assecodata\.pl {10}Valid {3}Trusted MultiDomai… \d{4}-\d\d-\d\d revoked in 13 d$/);
    expect(line.indexOf('Valid')).toBe(heading.indexOf('State'));
    expect(line.indexOf('revoked')).toBe(heading.indexOf('Revocation'));
    expect(certificateLine(manualExample(), false, NOW, 80)).toMatch(/^ {2}assecodata\.pl .* \d{4}-\d\d-\d\d$/);
  });

  test('a row not loaded yet shows only the marker and a placeholder', () => {
    expect(placeholderLine(true, 80)).toBe('> …');
    expect(placeholderLine(false, 80)).toBe('  …');
  });

  test.each([
    ['en', 60],
    ['en', 80],
    ['pl', 60],
    ['pl', 80],
  ] as const)('%s at %i columns: every row keeps its whole state and badge, within the width', (lang, columns) => {
    setLanguage(lang);
    const states: Certificate[] = [pending(), manualExample({ state: 'revoked', revocationDate: NOW.toISOString() }), manualExample({ state: 'expired' })];
    for (const cert of states) {
      const line = certificateLine(cert, false, NOW, columns);
      expect([...line].length).toBeLessThan(columns);
      const label = { 'pending-revocation': lang === 'pl' ? 'Ważny' : 'Valid', revoked: lang === 'pl' ? 'Unieważniony' : 'Revoked', expired: lang === 'pl' ? 'Wygasły' : 'Expired', valid: '' }[cert.state];
      expect(line).toContain(` ${label} `);
    }
    expect(certificateLine(pending(), false, NOW, columns)).toMatch(lang === 'pl' ? /unieważn\. za 13 d$/ : /revoked in 13 d$/);
    expect([...listHeadingLine(columns)].length).toBeLessThan(columns);
  });

  test('from 100 columns the product is wider and the serial number is shown', () => {
    const narrow = certificateLine(manualExample(), false, NOW, 80);
    const wide = certificateLine(manualExample(), false, NOW, 100);
    expect(narrow).toContain('Trusted MultiDomai…');
    expect(wide).toContain('Trusted MultiDomain S');
    expect(certificateLine(manualExample(), false, NOW, 120)).toContain('Trusted MultiDomain SSL 4 domains 365');
    expect(wide).toContain(manualExample().serialNumber.slice(0, 15));
    expect(listHeadingLine(100)).toContain('Serial number');
    expect(listHeadingLine(80)).not.toContain('Serial');
  });
});
