// The Certum partner's credentials, gathered only when a certum portal is opened: the user name
// from REISSUE_CERTUM_USER or the setting certumUser; the password from REISSUE_CERTUM_PASSWORD,
// --certum-password-file F (0600, first line) or a masked prompt on a terminal. Never from argv,
// never from the config file: a password there would sit in clear in a file others may back up.
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import type { Io } from './context.js';
import { canPrompt, readSecret } from './prompt.js';
import { readSecretFile } from './secret-file.js';

export interface CertumCredentialSources {
  io: Io;
  passwordFile: string | undefined;
  /** The setting certumUser from the config file (read only if the environment does not say). */
  configUser: () => Promise<string | undefined>;
}

export async function certumCredentials(src: CertumCredentialSources): Promise<{ userName: string; password: string }> {
  const userName = src.io.env.REISSUE_CERTUM_USER || (await src.configUser());
  if (!userName) throw usageError('certum-no-user', t('certum.noUser'), t('certum.noUserHint'));
  return { userName, password: await password(src, userName) };
}

async function password(src: CertumCredentialSources, userName: string): Promise<string> {
  const fromEnv = src.io.env.REISSUE_CERTUM_PASSWORD;
  if (src.passwordFile) {
    if (fromEnv) throw usageError('bad-option', t('certum.passwordTwice'), t('certum.passwordTwiceHint'));
    return readSecretFile(src.passwordFile, { messages: 'certum.passwordFile.file', code: 'certum-password-file' });
  }
  if (fromEnv) return fromEnv;
  if (!canPrompt(src.io)) throw usageError('certum-no-password', t('certum.noPassword'), t('certum.noPasswordHint'));
  const typed = await readSecret(src.io, `${t('certum.passwordPrompt', { user: userName })} `, '--certum-password-file');
  if (!typed) throw usageError('certum-no-password', t('certum.noPassword'), t('certum.noPasswordHint'));
  return typed;
}
