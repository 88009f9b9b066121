import { describe, expect, test } from 'vitest';
import { isDnsName, offlineDomains } from '../../src/domain/names.js';

describe('SAN names of an offline CSR', () => {
  test('only DNS names', () => {
    expect(isDnsName('www.assecodata.pl')).toBe(true);
    expect(isDnsName('*.assecodata.pl')).toBe(true);
    expect(isDnsName('Asseco Data Systems S.A.')).toBe(false);
    expect(isDnsName('localhost')).toBe(false);
    expect(isDnsName('a..pl')).toBe(false);
  });
  test('the CN goes into the SAN only when it is a domain name', () => {
    expect(offlineDomains('Asseco Data Systems S.A.', [])).toEqual([]);
    expect(offlineDomains('assecodata.pl', [])).toEqual(['assecodata.pl']);
    expect(offlineDomains('Asseco Data Systems S.A.', ['assecodata.pl'])).toEqual(['assecodata.pl']);
  });
  test('a --domain that is not a DNS name is invalid input', () => {
    expect(() => offlineDomains('x.pl', ['x.pl', 'not a domain'])).toThrow(expect.objectContaining({ kind: 'input', code: 'not-a-domain' }));
  });
});
