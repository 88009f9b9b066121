// reissue sandbox reset: the embedded sandbox back to its first-run demo state, on today's date.
import type { Command } from 'commander';
import { systemClock } from '../../domain/clock.js';
import { usageError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { formatDateTime } from '../../wizard/format.js';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { canPrompt, confirm } from '../prompt.js';

export function registerSandboxCommands(program: Command, r: Registrar): void {
  program
    .command('sandbox')
    .description(t('sandbox.description'))
    .command('reset')
    .description(t('sandbox.resetDescription'))
    .option('--yes', t('sandbox.yes'))
    .option('--force', t('sandbox.force'))
    .action(
      r.action(async (ctx, opts: { yes?: boolean; force?: boolean }) => {
        if (!ctx.isLocalPortal) throw usageError('not-a-sandbox', t('sandbox.notLocal', { portal: ctx.settings.portal }), t('sandbox.notLocalHint'));
        // "As of now" is today's date, whatever REISSUE_NOW says.
        const now = systemClock.now();
        const [{ openPortalService }, { otherAccounts, resetSandbox }] = await Promise.all([import('../../server/service.js'), import('../../server/reset.js')]);
        const service = await openPortalService({ dataDir: ctx.settings.dataDir, clock: systemClock });
        let reset: Awaited<ReturnType<typeof resetSandbox>>;
        try {
          const others = await otherAccounts(service);
          if (!opts.yes) {
            if (!canPrompt(ctx.io)) throw usageError('confirmation-needed', t('sandbox.needsConfirmation'), t('sandbox.needsConfirmationHint'));
            const question = others.length && opts.force ? t('sandbox.confirmWithOthers', { dir: ctx.settings.dataDir, accounts: others.join(', ') }) : t('sandbox.confirm', { dir: ctx.settings.dataDir });
            if (!(await confirm(ctx.io, question))) {
              ctx.io.stderr.write(`${t('sandbox.notReset')}\n`);
              return 0;
            }
          }
          reset = await resetSandbox(service, now, { force: opts.force === true });
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { dataDir: ctx.settings.dataDir, resetAt: now.toISOString(), archivedOutbox: reset.archivedOutbox });
        printText(ctx, t('sandbox.done', { dir: ctx.settings.dataDir, date: formatDateTime(now.toISOString()) }));
        if (reset.archivedOutbox) printText(ctx, t('sandbox.outboxArchived', { dir: reset.archivedOutbox }));
        if (ctx.simulatedDate) printText(ctx, t('sandbox.stillSimulated'));
      }),
    );
}
