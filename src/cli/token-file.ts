// --token-file F: the API token from a file (mode 0600 or stricter), so it appears in no process
// list and no shell history.
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import { readSecretFile } from './secret-file.js';

export async function readTokenFile(file: string, alsoGiven: string | undefined): Promise<string> {
  if (alsoGiven !== undefined) throw usageError('bad-option', t('cli.tokenFile.both'), t('cli.tokenFile.bothHint'));
  return readSecretFile(file, { messages: 'cli.tokenFile.file', code: 'token-file' });
}
