// reissue serve, and the administrator's commands on the service's data directory.
import type { Command } from 'commander';
import { isReissueError, usageError } from '../../domain/errors.js';
import { parseReminderDays } from '../../domain/policy.js';
import { printJson, printText } from '../output.js';
import type { CliContext } from '../context.js';
import { parseChoice, type Registrar } from '../program.js';
import { canPrompt, readLineFromStdin, readSecret } from '../prompt.js';

export function registerServeCommands(program: Command, r: Registrar): void {
  program
    .command('serve')
    .description('run the portal as an HTTP(S) service for other terminals')
    .option('--host <H>', 'address to listen on', '127.0.0.1')
    .option('--port <P>', 'port (0 picks a free one)', '8443')
    .option('--tls-cert <FILE>', 'certificate (PEM) for HTTPS')
    .option('--tls-key <FILE>', 'private key (PEM) for HTTPS')
    .option('--allow-insecure-http', 'INSECURE: serve plain HTTP on a non-loopback address')
    .option('--smtp <URL>', 'send e-mails via SMTP: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465; default: .eml files in DATA_DIR/outbox/')
    .option('--mail-from <ADDRESS>', 'sender of the e-mails')
    .option('--reminder-days <N>', 'days before a replaced copy is revoked that the reminder is sent (default 3)')
    .option('--mail-lang <LANG>', 'language of the e-mails: en (default) or pl')
    .option('--cloud-module <PATH>', "PKCS#11 module of the token holding cloud keys (default: the sandbox's software store)")
    .option('--cloud-token <LABEL>', 'label of that token (default: the one token present)')
    .option('--cloud-pin-file <FILE>', "file holding the token's user PIN (mode 0600)")
    .option('--cloud-pin-stdin', "read the token's user PIN from the first line of stdin")
    .action(
      r.action(async (ctx, opts: ServeFlags) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('bad-port', `--port must be 0–65535, not "${opts.port}".`);
        if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw usageError('tls-pair', '--tls-cert and --tls-key go together.', 'Pass both for HTTPS, or neither for HTTP on loopback.');
        const [{ readConfigValues }, { MAIL_LANGUAGES }] = await Promise.all([import('../config-file.js'), import('../../server/mail/templates.js')]);
        const config = await readConfigValues();
        const mail = {
          smtp: opts.smtp ?? config.smtp,
          from: opts.mailFrom ?? config.mailFrom,
          reminderDays: parseReminderDays(opts.reminderDays ?? config.reminderDays),
          lang: parseChoice('--mail-lang', opts.mailLang ?? config.mailLang ?? 'en', MAIL_LANGUAGES),
        };
        const cloudKeys = opts.cloudModule ? await openCloudTokenStore(ctx, opts) : undefined;
        const { startServer } = await import('../../server/http/serve.js');
        ctx.handlesSignals = true; // drain in-flight requests before leaving
        const server = await startServer({
          host: opts.host,
          port,
          dataDir: ctx.settings.dataDir,
          clock: ctx.clock,
          tls: opts.tlsCert && opts.tlsKey ? { certFile: opts.tlsCert, keyFile: opts.tlsKey } : undefined,
          allowInsecureHttp: opts.allowInsecureHttp,
          log: (line) => ctx.io.stderr.write(line + '\n'),
          mail,
          cloudKeys: cloudKeys ? async () => cloudKeys : undefined,
        });
        printText(ctx, `Listening on ${server.url}`);
        const { smtpAddress } = await import('../../server/mail/transport.js');
        ctx.io.stderr.write(
          `Data directory: ${ctx.settings.dataDir}\n` +
            `E-mails: ${mail.smtp ? `SMTP ${smtpAddress(mail.smtp)}` : `.eml files in ${ctx.settings.dataDir}/outbox/`}\n` +
            `Cloud keys: ${opts.cloudModule ? `PKCS#11 module ${opts.cloudModule}${opts.cloudToken ? `, token "${opts.cloudToken}"` : ''}` : 'sandbox software store (not for production)'}\n` +
            'Stop with Ctrl+C.\n',
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        ctx.io.stderr.write('Stopping…\n');
        await server.close();
      }),
    );

  const admin = program.command('admin').description("manage the service's accounts and API tokens (on its data directory)");
  const account = admin.command('account').description('accounts');
  account
    .command('create')
    .argument('<NAME>')
    .requiredOption('--role <customer|partner>', 'customer or partner')
    .option('--partner <NAME>', 'the partner this customer belongs to')
    .action(
      r.action(async (ctx, name: string, opts: { role: string; partner?: string }) => {
        const role = parseChoice('--role', opts.role, ['customer', 'partner'] as const);
        if (opts.partner && role !== 'customer') throw usageError('bad-option', '--partner applies to customers only.');
        const service = await openService(ctx.settings.dataDir, ctx.clock);
        try {
          service.createAccount(name, role, opts.partner);
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { name, role, partner: opts.partner ?? null });
        printText(ctx, `Created ${role} account ${name}${opts.partner ? ` (customer of ${opts.partner})` : ''}.`);
      }),
    );
  admin
    .command('token')
    .description('API tokens')
    .command('create')
    .argument('<ACCOUNT>')
    .action(
      r.action(async (ctx, accountName: string) => {
        const service = await openService(ctx.settings.dataDir, ctx.clock);
        let token: string;
        try {
          token = service.createToken(accountName);
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { account: accountName, token });
        printText(ctx, token);
        ctx.io.stderr.write(`This token for ${accountName} is shown only once; it is stored hashed.\n`);
      }),
    );
}

interface ServeFlags {
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
  if (opts.cloudPinFile && opts.cloudPinStdin) throw usageError('bad-option', 'Give the cloud token PIN with --cloud-pin-file or --cloud-pin-stdin, not both.');
  const pin = opts.cloudPinStdin
    ? await readLineFromStdin(ctx.io.stdin, 'PIN')
    : opts.cloudPinFile
      ? await readPinFile(opts.cloudPinFile)
      : canPrompt(ctx.io)
        ? await readSecret(ctx.io, `PIN of the cloud key token${opts.cloudToken ? ` "${opts.cloudToken}"` : ''}: `, '--cloud-pin-stdin')
        : (() => {
            throw usageError('cloud-pin-missing', 'The cloud key token needs its user PIN.', 'Pass --cloud-pin-file FILE (mode 0600) or --cloud-pin-stdin.');
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
  const { readFile, stat } = await import('node:fs/promises');
  let text: string;
  try {
    if (((await stat(file)).mode & 0o077) !== 0) {
      throw usageError('pin-file-readable', `The PIN file ${file} can be read by other users.`, `Restrict it: chmod 600 ${file}`);
    }
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isReissueError(e)) throw e;
    throw usageError('pin-file-unreadable', `Cannot read the PIN file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path and its permissions.');
  }
  const pin = text.split(/\r?\n/)[0] ?? '';
  if (!pin) throw usageError('pin-file-empty', `The PIN file ${file} is empty.`, 'Put the PIN on its first line.');
  return pin;
}

async function openService(dataDir: string, clock: import('../../domain/clock.js').Clock) {
  const { openPortalService } = await import('../../server/service.js');
  return openPortalService({ dataDir, clock });
}
