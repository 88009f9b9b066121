// Writing results: JSON documents to stdout, or bytes to --out (never overwriting without --force).
import { FORCE_HINT, checkOutputs, writeNewFile } from '../util/files.js';
import type { CliContext } from './context.js';
import { t } from '../i18n/i18n.js';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Text for people; the first text of a command run at a simulated date (REISSUE_NOW) says so first. */
export function printText(ctx: CliContext, text: string): void {
  ctx.io.stdout.write(ctx.simulatedDateNotice() + (text.endsWith('\n') ? text : text + '\n'));
}

/** To --out FILE when given (refusing an existing file unless force), else to stdout. */
export async function emit(ctx: CliContext, data: Uint8Array | string, out: string | undefined, force = false): Promise<void> {
  if (out && out !== '-') {
    await checkOutputs([{ path: out, what: t('cli.output.theFile'), replace: force, existsHint: FORCE_HINT }]);
    await writeNewFile(out, data, { overwrite: force, existsHint: FORCE_HINT });
    ctx.io.stderr.write(`${t('cli.output.wrote', { file: out })}\n`);
    return;
  }
  if (typeof data !== 'string' && ctx.io.stdout.isTTY) {
    ctx.io.stderr.write(`${t('cli.output.noBinaryToTerminal')}\n`);
    return;
  }
  ctx.io.stdout.write(data);
}
