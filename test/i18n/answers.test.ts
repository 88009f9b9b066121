// One rule for "yes" in the wizard's keys and the CLI's prompts: y/yes always, t/tak in Polish.
import { afterEach, describe, expect, test } from 'vitest';
import { isYes } from '../../src/i18n/answers.js';
import { setLanguage, t } from '../../src/i18n/i18n.js';
import { commandFor } from '../../src/tui/keymap.js';
import type { Key } from 'ink';

const noKey = {} as Key;
afterEach(() => setLanguage('en'));

describe('yes in both languages', () => {
  test('Polish takes t/tak and y/yes; English only y/yes', () => {
    for (const a of ['t', 'T', 'tak', 'y', 'yes', ' tak ']) expect(isYes(a, 'pl'), a).toBe(true);
    for (const a of ['n', 'nie', '', 'x', 'ta']) expect(isYes(a, 'pl'), a).toBe(false);
    expect(isYes('t', 'en')).toBe(false);
    expect(isYes('Y', 'en')).toBe(true);
  });

  test('the wizard: "t" answers yes in Polish, "y" in both, and the questions say (t/n) in Polish', () => {
    setLanguage('pl');
    expect(commandFor('t', noKey)).toBe('yes');
    expect(commandFor('y', noKey)).toBe('yes');
    expect(commandFor('n', noKey)).toBe('no');
    expect(t('revoke.question')).toMatch(/\(t\/n\)$/);
    expect(t('cli.prompt.yesNo')).toBe('[t/N]');
    setLanguage('en');
    expect(commandFor('t', noKey)).toBe('other');
    expect(t('revoke.question')).toMatch(/\(y\/n\)$/);
  });
});
