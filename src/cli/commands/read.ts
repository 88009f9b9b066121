// Read-only commands: list, show, download, status, ca, crl.
import { Option, type Command } from 'commander';
import { certificateDetails, certificateList, pendingList } from '../format.js';
import { emit, printJson, printText } from '../output.js';
import { parseChoice, parseCount, type Registrar } from '../program.js';
import { FORMATS, oneOf } from '../option-values.js';
import { requireCapability } from '../../portal/capability.js';
import { MAX_PAGE_SIZE } from '../../portal/portal.js';
import { encodePem } from '../../pki/pem.js';
import { t } from '../../i18n/i18n.js';

const LIST_LIMIT = MAX_PAGE_SIZE;

export function registerReadCommands(program: Command, r: Registrar): void {
  program
    .command('list')
    .description(t('cli.read.list'))
    .option('--query <TEXT>', t('cli.read.query'))
    .option('--limit <N>', t('cli.read.limit', { max: MAX_PAGE_SIZE, limit: LIST_LIMIT }))
    .option('--json', t('cli.jsonArray'))
    .action(
      r.action(async (ctx, opts: { query?: string; limit?: string }) => {
        const portal = await ctx.portal();
        const limit = opts.limit === undefined ? LIST_LIMIT : parseCount('--limit', opts.limit, MAX_PAGE_SIZE);
        const page = await portal.list({ text: opts.query, limit });
        if (ctx.settings.json) return printJson(ctx, page.items);
        printText(ctx, certificateList(page.items, ctx.clock.now()));
        if (page.total > page.items.length) printText(ctx, t('cli.read.partial', { shown: page.items.length, total: page.total }));
      }),
    );

  program
    .command('show')
    .description(t('cli.read.show'))
    .argument('<ID>')
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, id: string) => {
        const cert = await (await ctx.portal()).get(id);
        if (ctx.settings.json) return printJson(ctx, cert);
        printText(ctx, certificateDetails(cert, ctx.clock.now()));
      }),
    );

  program
    .command('download')
    .description(t('cli.read.download'))
    .argument('<ID>')
    .addOption(oneOf(new Option('--format <pem|der>', t('cli.read.format')).default('pem'), FORMATS))
    .option('--chain', t('cli.read.chain'))
    .option('--out <FILE>', t('cli.outFile'))
    .option('--force', t('cli.forceOut'))
    .action(
      r.action(async (ctx, id: string, opts: { format: string; chain?: boolean; out?: string; force?: boolean }) => {
        const format = parseChoice('--format', opts.format, FORMATS);
        const download = async () => {
          const bytes = await (await ctx.portal()).download(id, format, opts.chain === true);
          return format === 'pem' ? Buffer.from(bytes).toString('utf8') : bytes;
        };
        await emit(ctx, download, opts.out, 'certificate', opts.force);
      }),
    );

  program
    .command('status')
    .description(t('cli.read.status'))
    .option('--json', t('cli.jsonArray'))
    .action(
      r.action(async (ctx) => {
        const portal = await ctx.portal();
        const pending = await portal.pendingRevocations();
        if (ctx.settings.json) return printJson(ctx, pending);
        // Show the new copy's serial next to the old one's.
        const withNewSerials = await Promise.all(
          pending.map(async (p) => ({ ...p, replacedBy: p.replacedBy ? (await portal.get(p.replacedBy)).serialNumber : null })),
        );
        printText(ctx, pendingList(withNewSerials));
      }),
    );

  program
    .command('ca')
    .description(t('cli.read.ca'))
    .option('--out <FILE>', t('cli.outFile'))
    .option('--force', t('cli.forceOut'))
    .action(
      r.action(async (ctx, opts: { out?: string; force?: boolean }) => {
        await emit(ctx, async () => requireCapability(await ctx.portal(), 'caCertificate').caCertificate(), opts.out, 'certificate', opts.force);
      }),
    );

  program
    .command('crl')
    .description(t('cli.read.crl'))
    .addOption(oneOf(new Option('--format <pem|der>', t('cli.read.format')).default('pem'), FORMATS))
    .option('--out <FILE>', t('cli.outFile'))
    .option('--force', t('cli.forceOut'))
    .action(
      r.action(async (ctx, opts: { format: string; out?: string; force?: boolean }) => {
        const format = parseChoice('--format', opts.format, FORMATS);
        const crl = async () => {
          const der = await requireCapability(await ctx.portal(), 'crl').crl();
          return format === 'pem' ? encodePem('X509 CRL', der) : der;
        };
        await emit(ctx, crl, opts.out, 'crl', opts.force);
      }),
    );
}
