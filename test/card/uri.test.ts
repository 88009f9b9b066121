// PKCS#11 URIs (RFC 7512): what reissue prints, and what it accepts where a token or key is chosen.
import { describe, expect, test } from 'vitest';
import { isPkcs11Uri, objectUri, parsePkcs11Uri, tokenUri, uriMatchesToken } from '../../src/card/uri.js';
import { pickToken, tokenMatches } from '../../src/card/select.js';
import type { TokenInfo } from '../../src/card/card.js';

const identity = { label: 'profil standardowy (User Pin)', serial: 'C5A492DB0E1F2A3B', manufacturer: 'Asseco Data Systems S.A.', model: 'cryptoCertum3 PKCS#11' };

describe('format', () => {
  test('token: model, manufacturer, serial, token, percent-encoded outside the unreserved set', () => {
    expect(tokenUri(identity)).toBe('pkcs11:model=cryptoCertum3%20PKCS%2311;manufacturer=Asseco%20Data%20Systems%20S.A.;serial=C5A492DB0E1F2A3B;token=profil%20standardowy%20%28User%20Pin%29');
  });
  test('key and certificate: id as %XX bytes, object label, type', () => {
    expect(objectUri(identity, { id: '0a1b', label: 'reissue ORDER/1 ż', type: 'private' })).toMatch(/;id=%0A%1B;object=reissue%20ORDER%2F1%20%C5%BC;type=private$/);
  });
  test('round trip', () => {
    const u = parsePkcs11Uri(objectUri(identity, { id: 'ff00', label: 'a;b?c', type: 'cert' }));
    expect(u).toEqual({ model: identity.model, manufacturer: identity.manufacturer, serial: identity.serial, token: identity.label, id: 'ff00', object: 'a;b?c', type: 'cert' });
  });
});

describe('parse', () => {
  test('query attributes, unknown vendor attributes ignored, case-insensitive scheme', () => {
    expect(isPkcs11Uri('PKCS11:token=a')).toBe(true);
    expect(parsePkcs11Uri('pkcs11:token=card1;x-vendor=1?module-path=/usr/lib/softhsm/libsofthsm2.so')).toEqual({ token: 'card1', modulePath: '/usr/lib/softhsm/libsofthsm2.so' });
  });
  test('refuses what it cannot honour, as usage errors', () => {
    expect(() => parsePkcs11Uri('token=card1')).toThrow(expect.objectContaining({ kind: 'usage', code: 'bad-pkcs11-uri' }));
    expect(() => parsePkcs11Uri('pkcs11:colour=blue')).toThrow(expect.objectContaining({ code: 'bad-pkcs11-uri' }));
    expect(() => parsePkcs11Uri('pkcs11:token=a;token=b')).toThrow(/given twice/);
    expect(() => parsePkcs11Uri('pkcs11:id=%zz')).toThrow(/hex digits/);
    expect(() => parsePkcs11Uri('pkcs11:type=blob')).toThrow(/type "blob"/);
  });
  test('a PIN in the URI is refused and never echoed', () => {
    let message = '';
    try {
      parsePkcs11Uri('pkcs11:token=a?pin-value=12345678');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/PIN in the URI/);
    expect(message).not.toContain('12345678');
  });
});

describe('selection', () => {
  const t = (over: Partial<TokenInfo> = {}): TokenInfo => ({
    ...identity,
    algorithms: [],
    uri: '',
    pin: { initialized: true, userPinSet: true, countLow: false, finalTry: false, locked: false, toBeChanged: false, protectedAuthPath: false, minLength: 4, maxLength: 8 },
    ...over,
  });
  test('a URI names a token by its attributes', () => {
    expect(uriMatchesToken(parsePkcs11Uri(tokenUri(identity)), identity)).toBe(true);
    expect(uriMatchesToken(parsePkcs11Uri('pkcs11:serial=C5A492DB0E1F2A3B'), identity)).toBe(true);
    expect(uriMatchesToken(parsePkcs11Uri('pkcs11:token=card2'), identity)).toBe(false);
  });
  test('serials in the grouping the wizard shows and in any case; --token takes a label or a serial', () => {
    expect(tokenMatches(t(), { serial: 'c5a4 92db 0e1f 2a3b' })).toBe(true);
    expect(tokenMatches(t(), { serial: 'c5a492db0e1f2a3b' })).toBe(true);
    expect(tokenMatches(t(), { serial: 'c5a4 92db' })).toBe(false);
    expect(tokenMatches(t(), { labelOrSerial: 'C5A4:92DB:0E1F:2A3B' })).toBe(true);
    expect(tokenMatches(t(), { labelOrSerial: identity.label })).toBe(true);
    expect(tokenMatches(t(), { labelOrSerial: 'other' })).toBe(false);
  });
  test('pickToken with a URI chooses among several cards', () => {
    const items = [{ token: t() }, { token: t({ label: 'card2', serial: '0002' }) }];
    expect(pickToken(items, {})).toMatchObject({ error: { code: 'token-ambiguous' } });
    const pick = pickToken(items, { uri: parsePkcs11Uri('pkcs11:token=card2') });
    expect('chosen' in pick && pick.chosen.token.serial).toBe('0002');
  });
});
