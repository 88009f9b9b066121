// Both catalogs hold the same messages: every key of one is in the other, each plural message has
// every form its language needs, and the same {{placeholders}}.
import { describe, expect, it } from 'vitest';
import { CATALOGS, translator } from '../../src/i18n/i18n.js';
import { LANGUAGES } from '../../src/i18n/language.js';

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function leaves(obj: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else if (v && typeof v === 'object') for (const [kk, vv] of leaves(v as Record<string, unknown>, key)) out.set(kk, vv);
    else throw new Error(`${key} is neither a message nor a group`);
  }
  return out;
}

/** message key → its texts (one, or one per plural form). */
function messages(lang: (typeof LANGUAGES)[number]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [key, text] of leaves(CATALOGS[lang])) {
    const form = PLURAL_SUFFIX.exec(key)?.[1] ?? '';
    const base = form ? key.slice(0, -form.length - 1) : key;
    if (!out.has(base)) out.set(base, new Map());
    out.get(base)!.set(form, text);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  const en = messages('en');
  const pl = messages('pl');

  it('hold the same keys', () => {
    expect([...pl.keys()].sort()).toEqual([...en.keys()].sort());
    expect(en.size).toBeGreaterThan(20);
  });

  it('give each plural message every form its language uses', () => {
    for (const lang of LANGUAGES) {
      const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.slice().sort();
      for (const [key, texts] of messages(lang)) {
        if (texts.has('')) expect(texts.size, `${lang} ${key}`).toBe(1);
        else expect([...texts.keys()].sort(), `${lang} ${key}`).toEqual(forms);
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, texts] of en) {
      const want = [...new Set([...texts.values()].flatMap(placeholders))].sort();
      const got = [...new Set([...pl.get(key)!.values()].flatMap(placeholders))].sort();
      expect(got, key).toEqual(want);
    }
  });

  it('speak Polish plurals: 1 dzień, 2 dni, 5 dni', () => {
    const tp = translator('pl');
    expect(tp('format.dateDaysLeft', { date: 'D', count: 1 })).toBe('D (pozostał 1 dzień)');
    expect(tp('format.dateDaysLeft', { date: 'D', count: 2 })).toBe('D (pozostały 2 dni)');
    expect(tp('format.dateDaysLeft', { date: 'D', count: 5 })).toBe('D (pozostało 5 dni)');
    expect(tp('format.dateDaysLeft', { date: 'D', count: 22 })).toBe('D (pozostały 22 dni)');
    expect(translator('en')('format.dateDaysLeft', { date: 'D', count: 1 })).toBe('D (1 day left)');
  });
});
