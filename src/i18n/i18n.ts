// The message catalogs (locales/en.json, locales/pl.json) behind i18next. One language per
// process for the CLI and the wizard (setLanguage, once the settings are known); the HTTP service
// answers each request in its own language through translator(lang).
// Both catalogs are bundled (a few kB each) so that init is synchronous and costs no file read.
import i18next, { type TFunction } from 'i18next';
import { FIRST_FRAME_CATALOGS, mergeCatalogs, type Catalog } from './catalog.js';
import type { Lang } from './language.js';
import en from './locales/en.json' with { type: 'json' };
import pl from './locales/pl.json' with { type: 'json' };

export type { Lang } from './language.js';
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Each language's whole catalog: its first-frame file and its main file. */
export const CATALOGS: Record<Lang, Catalog> = {
  en: mergeCatalogs(FIRST_FRAME_CATALOGS.en, en),
  pl: mergeCatalogs(FIRST_FRAME_CATALOGS.pl, pl),
};

const instance = i18next.createInstance();
void instance.init({
  lng: 'en',
  // Every key is in both catalogs (a test checks): no fallback, a missing key shows as itself.
  fallbackLng: false,
  resources: { en: { translation: CATALOGS.en }, pl: { translation: CATALOGS.pl } },
  initAsync: false,
  // Terminal text, not HTML: nothing to escape.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(lang: Lang): void {
  void instance.changeLanguage(lang);
}

export function language(): Lang {
  return instance.language as Lang;
}

/** The message `key` in the current language, with `values` filled in ({{name}}; `count` picks the plural form). */
export const t: Translate = (key, values) => instance.t(key, values ?? {}) as string;

export interface FixedTranslate extends Translate {
  lang: Lang;
  /** Whether the catalog has this message (a code without its own text keeps the original words). */
  has(key: string): boolean;
}

/** The same in a fixed language, for one HTTP request. */
export function translator(lang: Lang): FixedTranslate {
  const fixed: TFunction = instance.getFixedT(lang);
  const say = ((key, values) => fixed(key, values ?? {}) as string) as FixedTranslate;
  say.lang = lang;
  say.has = (key) => instance.exists(key, { lng: lang });
  return say;
}
