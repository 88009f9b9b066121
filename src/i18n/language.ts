// Which language to speak: --lang, REISSUE_LANG, the config key `lang`, then the POSIX locale
// variables (LC_ALL, LC_MESSAGES, LANG: the first one set decides), else English. Pure.
import { usageError } from '../domain/errors.js';

export const LANGUAGES = ['en', 'pl'] as const;
export type Lang = (typeof LANGUAGES)[number];

export function isLang(value: string): value is Lang {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** A value the user chose explicitly ("pl", "en", also "pl_PL.UTF-8"): it must name a language we have. */
function chosen(value: string, source: string): Lang {
  const lang = value.trim().toLowerCase().slice(0, 2);
  if (isLang(lang)) return lang;
  throw usageError('bad-lang', `${source} must be pl or en, not "${value}".`, 'Use --lang pl or --lang en.');
}

/** "pl_PL.UTF-8" → pl; "C", "POSIX", other languages → en. */
export function languageOfLocale(locale: string): Lang {
  return /^pl([_.@-]|$)/i.test(locale) ? 'pl' : 'en';
}

export interface LanguageSources {
  flag?: string;
  env: NodeJS.ProcessEnv;
  config?: string;
}

export function resolveLanguage({ flag, env, config }: LanguageSources): Lang {
  if (flag) return chosen(flag, '--lang');
  if (env.REISSUE_LANG) return chosen(env.REISSUE_LANG, 'REISSUE_LANG');
  if (config) return chosen(config, 'The setting "lang"');
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return locale ? languageOfLocale(locale) : 'en';
}

/** The first language of an Accept-Language header we speak (by q-value), else English. */
export function languageFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.trim().toLowerCase().slice(0, 2), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((x) => x.q > 0 && !Number.isNaN(x.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((x) => x.lang).find(isLang) ?? 'en';
}
