// Writing results: JSON documents to stdout, or bytes to --out (never overwriting without --force).
import { FORCE_HINT, checkOutputs, writeOutputs, type OutputKind, type PlannedOutput } from '../util/files.js';
import type { CliContext } from './context.js';
import { t } from '../i18n/i18n.js';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Text for people; the first text of a command run at a simulated date (REISSUE_NOW) says so first. */
export function printText(ctx: CliContext, text: string): void {
  ctx.io.stdout.write(ctx.simulatedDateNotice() + (text.endsWith('\n') ? text : text + '\n'));
}

/** --out FILE as the writer plans it: `kind` is what an existing file must hold for --force to replace it. */
export function outFile(path: string, kind: OutputKind, force = false): PlannedOutput {
  return { path, what: t('cli.output.theFile'), kind, replace: force, existsHint: FORCE_HINT };
}

/**
 * To --out FILE when given, else to stdout. The file is checked before `produce` runs (a path that
 * cannot be written is refused before the portal is asked), and replaced only with `force`.
 */
export async function emit(ctx: CliContext, produce: () => Promise<Uint8Array | string>, out: string | undefined, kind: OutputKind, force = false): Promise<void> {
  if (out && out !== '-') {
    const planned = outFile(out, kind, force);
    await checkOutputs([planned]);
    await writeOutputs([{ ...planned, data: await produce() }]);
    ctx.io.stderr.write(`${t('cli.output.wrote', { file: out })}\n`);
    return;
  }
  const data = await produce();
  if (typeof data !== 'string' && ctx.io.stdout.isTTY) {
    ctx.io.stderr.write(`${t('cli.output.noBinaryToTerminal')}\n`);
    return;
  }
  ctx.io.stdout.write(data);
}
