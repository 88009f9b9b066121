// Changing the user configuration (conf): which portal, token, data directory and PKCS#11 module
// to use when no flag or environment variable says otherwise. The file may hold an API token:
// mode 0600. Reading it on every command goes through config-file.ts, without conf.
import Conf from 'conf';
import { makePrivateDir } from '../util/private-dir.js';
import { CONFIG_DIR, CONFIG_NAME, type ConfigValues } from './config-file.js';

export function openConfig(): Conf<ConfigValues> {
  // conf would create the folder with the umask's mode (0777 under umask 000): made here first,
  // 0700 with any parent it needs (~/.config when missing), as it holds the token.
  makePrivateDir(CONFIG_DIR);
  return new Conf<ConfigValues>({ projectName: 'reissue', cwd: CONFIG_DIR, configName: CONFIG_NAME, configFileMode: 0o600 });
}
