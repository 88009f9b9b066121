// Several secrets from stdin, one a line (`card pin change|unblock --pin-stdin`: the current PIN or
// the PUK, then the new PIN). Each line is named in the error when it is missing; no line's text is.
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

/** The first `names.length` lines of stdin, without their line endings. */
export async function readLinesFromStdin(stdin: NodeJS.ReadableStream, names: string[]): Promise<string[]> {
  let data = '';
  stdin.setEncoding('utf8');
  const lines = () => data.split('\n');
  for await (const chunk of stdin) {
    data += chunk as string;
    if (lines().length > names.length || data.length > 4096 * names.length) break;
  }
  const got = lines().slice(0, names.length).map((l) => l.replace(/\r$/, ''));
  names.forEach((what, i) => {
    if (!got[i]) throw usageError('empty-stdin', t('cli.cardPin.stdinMissing', { what, line: i + 1 }), t('cli.cardPin.stdinMissingHint', { lines: names.join(', ') }));
  });
  return got;
}
