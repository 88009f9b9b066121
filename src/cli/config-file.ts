// Reading the settings file, on the path of every command that leaves a setting to it. A plain
// JSON read: loading conf (with its schema validator) costs ~25 ms of start-up, and conf is only
// needed to change the file (src/cli/config.ts), which writes to this same path.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import { usageError } from '../domain/errors.js';

// smtp, mailFrom, mailLang and reminderDays are read by `reissue serve` (reminderDays by the sandbox too).
export const CONFIG_KEYS = ['portal', 'token', 'dataDir', 'module', 'smtp', 'mailFrom', 'mailLang', 'reminderDays'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ConfigValues = Partial<Record<ConfigKey, string>>;

const paths = envPaths('reissue', { suffix: '' });
export const CONFIG_DIR = paths.config;
export const CONFIG_NAME = 'config';

export function configFilePath(): string {
  return join(CONFIG_DIR, `${CONFIG_NAME}.json`);
}

export function defaultDataDir(): string {
  return paths.data;
}

export function assertConfigKey(key: string): ConfigKey {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return key as ConfigKey;
  throw usageError('unknown-config-key', `Unknown configuration key "${key}".`, `Known keys: ${CONFIG_KEYS.join(', ')}.`);
}

/** The known settings in the file; none when it does not exist yet. */
export async function readConfigValues(): Promise<ConfigValues> {
  const path = configFilePath();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw badConfigFile(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw badConfigFile(path, 'is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw badConfigFile(path, 'does not hold a JSON object');
  const values: ConfigValues = {};
  for (const key of CONFIG_KEYS) {
    const v = (data as Record<string, unknown>)[key];
    if (typeof v === 'string') values[key] = v;
  }
  return values;
}

function badConfigFile(path: string, what: string) {
  return usageError('config-file-invalid', `The settings file ${path} ${what}.`, 'Fix it, or remove it and set the values again with `reissue config set KEY VALUE`.');
}
