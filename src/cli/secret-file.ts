// A secret read from a file (serve's PIN file, the API token file): its first line, and only from
// a file no one else can read — otherwise the secret is not one.
import { readFile, stat } from 'node:fs/promises';
import { isReissueError, usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

/** Which secret: its catalog messages (`<messages>Readable`, …) and error codes (`<code>-readable`, …). */
export interface SecretFileKind {
  messages: 'cli.serve.pinFile' | 'cli.tokenFile.file' | 'certum.passwordFile.file' | 'cli.acme.eabFile';
  code: 'pin-file' | 'token-file' | 'certum-password-file' | 'eab-hmac-file';
}

export async function readSecretFile(file: string, kind: SecretFileKind): Promise<string> {
  let text: string;
  try {
    if (((await stat(file)).mode & 0o077) !== 0) {
      throw usageError(`${kind.code}-readable`, t(`${kind.messages}Readable`, { file }), t(`${kind.messages}ReadableHint`, { file }));
    }
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isReissueError(e)) throw e;
    throw usageError(`${kind.code}-unreadable`, t(`${kind.messages}Unreadable`, { file, reason: (e as NodeJS.ErrnoException).code ?? 'error' }), t(`${kind.messages}UnreadableHint`));
  }
  const secret = text.split(/\r?\n/)[0] ?? '';
  if (!secret) throw usageError(`${kind.code}-empty`, t(`${kind.messages}Empty`, { file }), t(`${kind.messages}EmptyHint`));
  return secret;
}
