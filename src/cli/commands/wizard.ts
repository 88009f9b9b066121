// `reissue` with no command: the wizard. Refuses without a terminal and names the commands that
// do the same job non-interactively.
import { usageError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import type { WizardEvent } from '../../wizard/state.js';
import { t } from '../../i18n/i18n.js';


/** `known`: what the launcher already read (the portal's name, the first page), see wizard-start.ts. */
export async function runWizardCommand(ctx: CliContext, known: readonly WizardEvent[] = []): Promise<number> {
  if (!ctx.io.stdin.isTTY || !ctx.io.stdout.isTTY) {
    throw usageError('no-tty', t('cli.wizard.noTty'), t('cli.wizard.noTtyHint'));
  }
  // An interactive terminal is not a CI log: with CI set (as in a CI job's shell), Ink would draw
  // only its final frame, i.e. nothing until the wizard ends. Ink reads this when it loads, below.
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (name in ctx.io.env) ctx.io.env[name] = 'false';
  // Keep V8's young generation at its initial size: by default it grows to 3 × 16 MiB under
  // React's allocation rate, which was most of the wizard's peak RSS on a 100,000-certificate portal.
  (await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1');
  // A CA's step-by-step progress must not write over the frame; the wizard shows its own steps.
  ctx.portalProgress = () => undefined;
  const portal = await ctx.portal();
  const { createWizardServices } = await import('../wizard-services.js');
  const { runWizard } = await import('../../tui/run.js');
  return runWizard(createWizardServices(ctx, portal), { stdin: ctx.io.stdin, stdout: ctx.io.stdout, known });
}
