// The Certum partner's credentials, gathered only when a certum portal is opened: the user name
// from REISSUE_CERTUM_USER or the setting certumUser; the password from REISSUE_CERTUM_PASSWORD,
// --certum-password-file F (0600, first line) or a masked prompt on a terminal. Never from argv,
// never from the config file: a password there would sit in clear in a file others may back up.
// A typed password Certum refused is asked for again (it is never kept); one from the
// environment or a file cannot be corrected here, so the refusal stands.
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
  /** Certum refused the password typed before: say so and ask again. */
  refused?: Error;
}

export async function certumCredentials(src: CertumCredentialSources): Promise<{ userName: string; password: string; typed: boolean }> {
  const userName = src.io.env.REISSUE_CERTUM_USER || (await src.configUser());
  if (!userName) throw usageError('certum-no-user', t('certum.noUser'), t('certum.noUserHint'));
  const fromEnv = src.io.env.REISSUE_CERTUM_PASSWORD;
  if (src.passwordFile) {
    if (src.refused) throw src.refused;
    if (fromEnv) throw usageError('bad-option', t('certum.passwordTwice'), t('certum.passwordTwiceHint'));
    return { userName, password: await readSecretFile(src.passwordFile, { messages: 'certum.passwordFile.file', code: 'certum-password-file' }), typed: false };
  }
  if (fromEnv) {
    if (src.refused) throw src.refused;
    return { userName, password: fromEnv, typed: false };
  }
  if (!canPrompt(src.io)) throw src.refused ?? usageError('certum-no-password', t('certum.noPassword'), t('certum.noPasswordHint'));
  if (src.refused) src.io.stderr.write(`${t('certum.passwordRefused')}\n`);
  return { userName, password: await typedPassword(src, userName), typed: true };
}

async function typedPassword(src: CertumCredentialSources, userName: string): Promise<string> {
  const typed = await readSecret(src.io, `${t('certum.passwordPrompt', { user: userName })} `, '--certum-password-file');
  if (!typed) throw usageError('certum-no-password', t('certum.noPassword'), t('certum.noPasswordHint'));
  return typed;
}
