// Reading the settings file, on the path of every command that leaves a setting to it. A plain
// JSON read: loading conf (with its schema validator) costs ~25 ms of start-up, and conf is only
// needed to change the file (src/cli/config.ts), which writes to this same path.
import { readFile } from 'node:fs/promises';
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

// smtp, mailFrom, mailLang and reminderDays are read by `reissue serve` (reminderDays by the sandbox too);
// certumUser by the certum portals (the partner's user name; its password is never a setting);
// acme*: the ACME portal's challenges and its revocation delay (src/portal/acme/).
export const CONFIG_KEYS = ['portal', 'token', 'dataDir', 'module', 'lang', 'smtp', 'mailFrom', 'mailLang', 'reminderDays', 'certumUser', 'acmeChallenge', 'acmeHttpAddress', 'acmeWebroot', 'acmeDnsHook', 'acmeRevokeAfterDays'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ConfigValues = Partial<Record<ConfigKey, string>>;

import { CONFIG_DIR, CONFIG_NAME, configFilePath, DATA_DIR } from './config-path.js';

export { CONFIG_DIR, CONFIG_NAME, configFilePath };

export function defaultDataDir(): string {
  return DATA_DIR;
}

export function assertConfigKey(key: string): ConfigKey {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return key as ConfigKey;
  throw usageError('unknown-config-key', t('cli.configFile.unknownKey', { key }), t('cli.configFile.knownKeys', { keys: CONFIG_KEYS.join(', ') }));
}

/** The known settings in the file; none when it does not exist yet. */
export async function readConfigValues(): Promise<ConfigValues> {
  const path = configFilePath();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw badConfigFile(path, t('cli.configFile.unreadable', { reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }));
  }
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw badConfigFile(path, t('cli.configFile.notJson'));
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw badConfigFile(path, t('cli.configFile.notObject'));
  const values: ConfigValues = {};
  for (const key of CONFIG_KEYS) {
    const v = (data as Record<string, unknown>)[key];
    if (typeof v === 'string') values[key] = v;
  }
  return values;
}

function badConfigFile(path: string, what: string) {
  return usageError('config-file-invalid', t('cli.configFile.invalid', { path, what }), t('cli.configFile.invalidHint'));
}
