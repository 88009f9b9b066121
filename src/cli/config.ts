// Changing the user configuration (conf): which portal, token, data directory and PKCS#11 module
// to use when no flag or environment variable says otherwise. The file may hold an API token:
// mode 0600. Reading it on every command goes through config-file.ts, without conf.
import Conf from 'conf';
import { CONFIG_DIR, CONFIG_NAME, type ConfigValues } from './config-file.js';

export function openConfig(): Conf<ConfigValues> {
  return new Conf<ConfigValues>({ projectName: 'reissue', cwd: CONFIG_DIR, configName: CONFIG_NAME, configFileMode: 0o600 });
}
