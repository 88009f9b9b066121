// reissue serve, and the administrator's commands on the service's data directory.
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../domain/errors.js';
import { parseReminderDays } from '../../domain/policy.js';
import { printJson, printText } from '../output.js';
import type { CliContext } from '../context.js';
import { parseChoice, type Registrar } from '../program.js';
import { canPrompt, readLineFromStdin, readSecret } from '../prompt.js';
import { t } from '../../i18n/i18n.js';

export function registerServeCommands(program: Command, r: Registrar): void {
  program
    .command('serve')
    .description(t('cli.serve.description'))
    .option('--host <H>', t('cli.serve.host'), '127.0.0.1')
    .option('--port <P>', t('cli.serve.port'), '8443')
    .option('--tls-cert <FILE>', t('cli.serve.tlsCert'))
    .option('--tls-key <FILE>', t('cli.serve.tlsKey'))
    .option('--allow-insecure-http', t('cli.serve.insecure'))
    .option('--smtp <URL>', t('cli.serve.smtp'))
    .option('--mail-from <ADDRESS>', t('cli.serve.mailFrom'))
    .option('--reminder-days <N>', t('cli.serve.reminderDays'))
    .option('--mail-lang <LANG>', t('cli.serve.mailLang'))
    .option('--cloud-module <PATH>', t('cli.serve.cloudModule'))
    .option('--cloud-token <LABEL>', t('cli.serve.cloudToken'))
    .option('--cloud-pin-file <FILE>', t('cli.serve.cloudPinFile'))
    .option('--cloud-pin-stdin', t('cli.serve.cloudPinStdin'))
    .option('--store <URL>', t('cli.serve.store'))
    .action(
      r.action(async (ctx, opts: ServeFlags) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('bad-port', t('cli.serve.badPort', { port: opts.port }));
        if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw usageError('tls-pair', t('cli.serve.tlsPair'), t('cli.serve.tlsPairHint'));
        // The cloud token's options mean nothing without its module: refused rather than ignored.
        const cloudOnly = (['cloudToken', 'cloudPinFile', 'cloudPinStdin'] as const).find((k) => opts[k] !== undefined);
        if (cloudOnly && !opts.cloudModule) {
          const flag = `--${cloudOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
          throw usageError('cloud-module-missing', t('cli.serve.cloudModuleMissing', { flag }), t('cli.serve.cloudModuleMissingHint', { flag }));
        }
        const [{ readConfigValues }, { MAIL_LANGUAGES }] = await Promise.all([import('../config-file.js'), import('../../server/mail/templates.js')]);
        const config = await readConfigValues();
        const mail = {
          smtp: opts.smtp ?? config.smtp,
          from: opts.mailFrom ?? config.mailFrom,
          reminderDays: parseReminderDays(opts.reminderDays ?? config.reminderDays),
          lang: parseChoice('--mail-lang', opts.mailLang ?? config.mailLang ?? 'en', MAIL_LANGUAGES),
        };
        const store = storeUrl(opts.store ?? process.env.REISSUE_STORE);
        const cloudKeys = opts.cloudModule ? await openCloudTokenStore(ctx, opts) : undefined;
        const { startServer } = await import('../../server/http/serve.js');
        ctx.handlesSignals = true; // drain in-flight requests before leaving
        const server = await startServer({
          host: opts.host,
          port,
          dataDir: ctx.settings.dataDir,
          store,
          clock: ctx.clock,
          tls: opts.tlsCert && opts.tlsKey ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
          allowInsecureHttp: opts.allowInsecureHttp,
          log: (line) => ctx.io.stderr.write(line + '\n'),
          mail,
          cloudKeys: cloudKeys ? async () => cloudKeys : undefined,
        });
        // The first line on stdout is the address other programs read: a simulated date goes to stderr.
        ctx.io.stderr.write(ctx.simulatedDateNotice());
        printText(ctx, t('cli.serve.listening', { url: server.url }));
        const { smtpAddress } = await import('../../server/mail/transport.js');
        const cloud = opts.cloudModule ? t(opts.cloudToken ? 'cli.serve.cloudTokenOf' : 'cli.serve.cloudModuleOnly', { module: opts.cloudModule, token: opts.cloudToken }) : t('cli.serve.cloudSandbox');
        ctx.io.stderr.write(
          [
            t('cli.serve.dataDir', { dir: ctx.settings.dataDir }),
            ...(store ? [t('cli.serve.storeIs', { store })] : []),
            mail.smtp ? t('cli.serve.mailSmtp', { address: smtpAddress(mail.smtp) }) : t('cli.serve.mailOutbox', { dir: ctx.settings.dataDir }),
            t('cli.serve.cloud', { what: cloud }),
            t('cli.serve.stop'),
          ].join('\n') + '\n',
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        ctx.io.stderr.write(`${t('cli.serve.stopping')}\n`);
        await server.close();
      }),
    );

  const admin = program.command('admin').description(t('cli.admin.description'));
  const account = admin.command('account').description(t('cli.admin.accounts'));
  account
    .command('create')
    .argument('<NAME>')
    .requiredOption('--role <customer|partner>', t('cli.admin.role'))
    .option('--partner <NAME>', t('cli.admin.partner'))
    .option('--store <URL>', t('cli.serve.store'))
    .action(
      r.action(async (ctx, name: string, opts: { role: string; partner?: string; store?: string }) => {
        const role = parseChoice('--role', opts.role, ['customer', 'partner'] as const);
        if (opts.partner && role !== 'customer') throw usageError('bad-option', t('cli.admin.partnerCustomersOnly'));
        const service = await openService(ctx.settings.dataDir, ctx.clock, opts.store);
        try {
          await service.createAccount(name, role, opts.partner);
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { name, role, partner: opts.partner ?? null });
        printText(ctx, opts.partner ? t('cli.admin.createdCustomerOf', { role, name, partner: opts.partner }) : t('cli.admin.created', { role, name }));
      }),
    );
  admin
    .command('migrate')
    .description(t('cli.admin.migrate'))
    .option('--store <URL>', t('cli.serve.store'))
    .action(
      r.action(async (ctx, opts: { store?: string }) => {
        const { migratePortalStore } = await import('../../server/migrate-store.js');
        const url = storeUrl(opts.store ?? process.env.REISSUE_STORE);
        const run = await migratePortalStore(ctx.settings.dataDir, url);
        if (ctx.settings.json) return printJson(ctx, run);
        const where = url ?? `${ctx.settings.dataDir}/portal.sqlite`;
        printText(
          ctx,
          run.applied.length > 0
            ? t('cli.admin.migrated', { versions: run.applied.join(', '), where, version: run.version })
            : t('cli.admin.upToDate', { where, version: run.version }),
        );
      }),
    );
  admin
    .command('copy')
    .description(t('cli.admin.copy'))
    .option('--from <SOURCE>', t('cli.admin.copyFrom'))
    .requiredOption('--to <URL>', t('cli.admin.copyTo'))
    .action(
      r.action(async (ctx, opts: { from?: string; to: string }) => {
        const to = storeUrl(opts.to, { bad: 'cli.admin.copyBadTo', password: 'cli.admin.copyToPassword' });
        if (!to) throw usageError('bad-store', t('cli.admin.copyBadTo'));
        const { copyPortalStore } = await import('../../server/copy-store.js');
        const report = await copyPortalStore({ from: opts.from ?? ctx.settings.dataDir, to });
        if (ctx.settings.json) return printJson(ctx, report);
        printText(
          ctx,
          [
            t('cli.admin.copied', { from: report.from, to: report.to, ms: report.ms }),
            ...report.tables.map((c) => `  ${c.table.padEnd(12)} ${String(c.source).padStart(9)} = ${c.target}`),
            t('cli.admin.copyChecked', { tables: report.tables.length, certificates: report.certificatesHashed }),
            t('cli.admin.copyNext', { to: report.to, dir: dirname(report.from) }),
          ].join('\n'),
        );
      }),
    );
  admin
    .command('token')
    .description(t('cli.admin.tokens'))
    .command('create')
    .argument('<ACCOUNT>')
    .option('--store <URL>', t('cli.serve.store'))
    .action(
      r.action(async (ctx, accountName: string, opts: { store?: string }) => {
        const service = await openService(ctx.settings.dataDir, ctx.clock, opts.store);
        let token: string;
        try {
          token = await service.createToken(accountName);
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { account: accountName, token });
        printText(ctx, token);
        ctx.io.stderr.write(`${t('cli.admin.tokenOnce', { account: accountName })}\n`);
      }),
    );
}

interface ServeFlags {
  store?: string;
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  allowInsecureHttp?: boolean;
  smtp?: string;
  mailFrom?: string;
  reminderDays?: string;
  mailLang?: string;
  cloudModule?: string;
  cloudToken?: string;
  cloudPinFile?: string;
  cloudPinStdin?: boolean;
}

/**
 * The PKCS#11 token for cloud keys, checked before the service starts listening: the module loads
 * and the token is there. The PIN comes from a file or stdin, never from argv or the environment.
 */
async function openCloudTokenStore(ctx: CliContext, opts: ServeFlags) {
  if (opts.cloudPinFile && opts.cloudPinStdin) throw usageError('bad-option', t('cli.serve.pinBoth'));
  const pin = opts.cloudPinStdin
    ? await readLineFromStdin(ctx.io.stdin, 'PIN')
    : opts.cloudPinFile
      ? await readPinFile(opts.cloudPinFile)
      : canPrompt(ctx.io)
        ? await readSecret(ctx.io, `${opts.cloudToken ? t('cli.serve.pinPromptToken', { token: opts.cloudToken }) : t('cli.serve.pinPrompt')} `, '--cloud-pin-stdin')
        : (() => {
            throw usageError('cloud-pin-missing', t('cli.serve.pinMissing'), t('cli.serve.pinMissingHint'));
          })();
  const [{ pkcs11KeyStore }, { pickToken }] = await Promise.all([import('../../server/cloud/pkcs11-store.js'), import('../../card/select.js')]);
  const store = await pkcs11KeyStore({ module: opts.cloudModule!, token: opts.cloudToken, pin });
  try {
    const found = pickToken((await store.inventory()).readers, opts.cloudToken !== undefined ? { label: opts.cloudToken } : {});
    if ('error' in found) throw found.error;
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/** The PIN file's first line; a file others can read is refused (the PIN would not be secret). */
async function readPinFile(file: string): Promise<string> {
  const { readSecretFile } = await import('../secret-file.js');
  return readSecretFile(file, { messages: 'cli.serve.pinFile', code: 'pin-file' });
}

/** The portal the admin commands change: the data directory's, or the one in --store / REISSUE_STORE. */
async function openService(dataDir: string, clock: import('../../domain/clock.js').Clock, store?: string) {
  const { openPortalService } = await import('../../server/service.js');
  return openPortalService({ dataDir, clock, store: storeUrl(store ?? process.env.REISSUE_STORE) });
}

/** The PostgreSQL URL to keep the portal in (undefined: the data directory's SQLite file). Never with a password. */
function storeUrl(value: string | undefined, say: { bad: string; password: string } = { bad: 'cli.serve.badStore', password: 'cli.serve.storePassword' }): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError('bad-store', t(say.bad));
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw usageError('bad-store', t(say.bad));
  if (url.password) throw usageError('store-password', t(say.password), t('cli.serve.storePasswordHint'));
  return value;
}
