// Changing the user configuration (conf): which portal, token, data directory and PKCS#11 module
// to use when no flag or environment variable says otherwise. The file may hold an API token:
// mode 0600. Reading it on every command goes through config-file.ts, without conf.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Conf from 'conf';
import { CONFIG_DIR, CONFIG_NAME, type ConfigValues } from './config-file.js';

export function openConfig(): Conf<ConfigValues> {
  // conf would create the folder with the umask's mode (0777 under umask 000): made here first,
  // 0700, as it holds the token. Its parents (~/.config) keep the usual mode.
  mkdirSync(dirname(CONFIG_DIR), { recursive: true });
  mkdirSync(CONFIG_DIR, { recursive: true, mode: 0o700 });
  return new Conf<ConfigValues>({ projectName: 'reissue', cwd: CONFIG_DIR, configName: CONFIG_NAME, configFileMode: 0o600 });
}
