// The one place failures become words on stderr and an exit code. No stack traces unless
// REISSUE_DEBUG is set.
import { isReissueError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

export function reportError(e: unknown, stderr: NodeJS.WritableStream, env: NodeJS.ProcessEnv): number {
  if (isReissueError(e)) {
    stderr.write(`${t('cli.error', { message: e.message })}\n`);
    const problems = e.details?.problems as { message: string }[] | undefined;
    if (Array.isArray(problems)) for (const p of problems) stderr.write(`  ✗ ${p.message}\n`);
    if (e.hint) stderr.write(`  → ${e.hint}\n`);
    if (env.REISSUE_DEBUG) stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  stderr.write(`${t('cli.unexpectedError', { message })}\n  → ${t('cli.unexpectedHint')}\n`);
  if (env.REISSUE_DEBUG && e instanceof Error) stderr.write(`${e.stack}\n`);
  return 1;
}
