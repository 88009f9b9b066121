// The one place failures become words on stderr and an exit code. A stack trace only for an
// unexpected error (a bug), and only with REISSUE_DEBUG=1 or true: an expected refusal (bad
// input, a portal's answer) says all there is to say in its message.
import { isReissueError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

/** REISSUE_DEBUG=1 or true (any case); anything else, "0" and "false" included, is off. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return /^(1|true)$/i.test((env.REISSUE_DEBUG ?? '').trim());
}

/**
 * Commander quotes a rejected argument whole ("unknown option '--pin=9876'"), so a value typed
 * after "=" (or glued to a short flag) would reach the terminal and logs: keep the option's name only.
 */
export function redactOptionValues(message: string): string {
  return message.replace(/(unknown option ')(--[^'=\s]+|-[^-'\s])[^']*'/g, "$1$2'");
}

export function reportError(e: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number {
  if (isReissueError(e)) {
    stderr.write(`${t('cli.error', { message: e.message })}\n`);
    const problems = e.details?.problems as { message: string }[] | undefined;
    if (Array.isArray(problems)) for (const p of problems) stderr.write(`  ✗ ${p.message}\n`);
    if (e.hint) stderr.write(`  → ${e.hint}\n`);
    if (e.kind === 'unexpected' && debugEnabled(env)) stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  stderr.write(`${t('cli.unexpectedError', { message })}\n  → ${t('cli.unexpectedHint')}\n`);
  if (debugEnabled(env) && e instanceof Error) stderr.write(`${e.stack}\n`);
  return 1;
}
