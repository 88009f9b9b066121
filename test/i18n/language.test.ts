import { describe, expect, it } from 'vitest';
import { languageFromAcceptLanguage, resolveLanguage } from '../../src/i18n/language.js';

describe('choosing the language', () => {
  it('takes --lang, then REISSUE_LANG, then the setting, then the locale variables, else English', () => {
    const env = { REISSUE_LANG: 'en', LANG: 'pl_PL.UTF-8' };
    expect(resolveLanguage({ flag: 'pl', env, config: 'en' })).toBe('pl');
    expect(resolveLanguage({ env: { ...env, REISSUE_LANG: 'pl' }, config: 'en' })).toBe('pl');
    expect(resolveLanguage({ env: { LANG: 'en_US.UTF-8' }, config: 'pl' })).toBe('pl');
    expect(resolveLanguage({ env: { LANG: 'pl_PL.UTF-8' } })).toBe('pl');
    // LC_ALL wins over LC_MESSAGES, which wins over LANG.
    expect(resolveLanguage({ env: { LC_ALL: 'C', LANG: 'pl_PL.UTF-8' } })).toBe('en');
    expect(resolveLanguage({ env: { LC_MESSAGES: 'pl_PL', LANG: 'en_GB' } })).toBe('pl');
    expect(resolveLanguage({ env: {} })).toBe('en');
    expect(resolveLanguage({ env: { LANG: 'de_DE.UTF-8' } })).toBe('en');
  });

  it('refuses a language it does not have, naming where it came from (exit 2)', () => {
    expect(() => resolveLanguage({ flag: 'de', env: {} })).toThrow(/--lang must be pl or en, not "de"/);
    expect(() => resolveLanguage({ env: { REISSUE_LANG: 'xx' } })).toThrow(/REISSUE_LANG/);
  });

  it('reads Accept-Language by preference', () => {
    expect(languageFromAcceptLanguage('pl-PL,pl;q=0.9,en;q=0.8')).toBe('pl');
    expect(languageFromAcceptLanguage('de, en;q=0.5, pl;q=0.7')).toBe('pl');
    expect(languageFromAcceptLanguage('de')).toBe('en');
    expect(languageFromAcceptLanguage(undefined)).toBe('en');
    expect(languageFromAcceptLanguage('pl;q=0, en')).toBe('en');
  });
});
