// User configuration (conf): which portal, token, data directory and PKCS#11 module to use when
// no flag or environment variable says otherwise. The file may hold an API token: mode 0600.
import Conf from 'conf';
import envPaths from 'env-paths';
import { usageError } from '../domain/errors.js';

export const CONFIG_KEYS = ['portal', 'token', 'dataDir', 'module'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ConfigValues = Partial<Record<ConfigKey, string>>;

const paths = envPaths('reissue', { suffix: '' });

export function defaultDataDir(): string {
  return paths.data;
}

export function openConfig(): Conf<ConfigValues> {
  return new Conf<ConfigValues>({ projectName: 'reissue', projectSuffix: '', configFileMode: 0o600 });
}

export function assertConfigKey(key: string): ConfigKey {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return key as ConfigKey;
  throw usageError('unknown-config-key', `Unknown configuration key "${key}".`, `Known keys: ${CONFIG_KEYS.join(', ')}.`);
}
