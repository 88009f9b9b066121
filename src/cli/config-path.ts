// Where the settings file lives. Its own small module: the launcher reads the language from it
// before painting the wizard's first frame, and must not load more than this for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { resolveLanguage, type Lang } from '../i18n/language.js';

const paths = envPaths('reissue', { suffix: '' });
export const CONFIG_DIR = paths.config;
export const CONFIG_NAME = 'config';
export const DATA_DIR = paths.data;

export function configFilePath(): string {
  return join(CONFIG_DIR, `${CONFIG_NAME}.json`);
}

/**
 * The wizard's language for its first frame, before the settings are read properly: REISSUE_LANG,
 * the settings file's "lang", the locale. Anything wrong there is English here; the command that
 * follows reports it.
 */
export function firstFrameLanguage(env: NodeJS.ProcessEnv): Lang {
  let config: string | undefined;
  try {
    const value = (JSON.parse(readFileSync(configFilePath(), 'utf8')) as { lang?: unknown }).lang;
    if (typeof value === 'string') config = value;
  } catch {
    // no settings file, or one the command will report
  }
  try {
    return resolveLanguage({ env, config });
  } catch {
    return 'en';
  }
}
