// reissue doctor [--out FILE]: what the program sees, as a ✓/✗ checklist with next steps, and
// the same as one JSON file (plus the last card and portal errors) to send to support.
import type { Command } from 'commander';
import { t } from '../../i18n/i18n.js';
import { checkOutputs, writeOutputs } from '../../util/files.js';
import { checklist, checklistText } from '../doctor/checklist.js';
import { diagnose } from '../doctor/diagnose.js';
import { outFile, printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';

export function registerDoctorCommands(program: Command, r: Registrar): void {
  program
    .command('doctor')
    .description(t('doctor.description'))
    .option('--out <FILE>', t('doctor.out'))
    .option('--force', t('cli.forceOut'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, opts: { out?: string; force?: boolean }) => {
        // A file that cannot be written is refused before anything is looked at.
        const out = opts.out ? outFile(opts.out, 'diagnosis', opts.force === true) : null;
        if (out) await checkOutputs([out]);
        const diagnosis = await diagnose(ctx);
        const checks = checklist(diagnosis);
        const bundle = { ...diagnosis, checks };
        if (out) await writeOutputs([{ ...out, data: `${JSON.stringify(bundle, null, 2)}\n`, mode: 0o600 }]);
        if (ctx.settings.json) return printJson(ctx, bundle);
        printText(ctx, checklistText(checks));
        if (opts.out) printText(ctx, t('doctor.wrote', { file: opts.out }));
      }),
    );
}
