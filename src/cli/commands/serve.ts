// reissue serve, and the administrator's commands on the service's data directory.
import type { Command } from 'commander';
import { usageError } from '../../domain/errors.js';
import { printJson, printText } from '../output.js';
import { parseChoice, type Registrar } from '../program.js';
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
    .action(
      r.action(async (ctx, opts: { host: string; port: string; tlsCert?: string; tlsKey?: string; allowInsecureHttp?: boolean }) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('bad-port', t('cli.serve.badPort', { port: opts.port }));
        if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw usageError('tls-pair', t('cli.serve.tlsPair'), t('cli.serve.tlsPairHint'));
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
        });
        // The first line on stdout is the address other programs read: a simulated date goes to stderr.
        ctx.io.stderr.write(ctx.simulatedDateNotice());
        printText(ctx, t('cli.serve.listening', { url: server.url }));
        ctx.io.stderr.write(`${t('cli.serve.dataDir', { dir: ctx.settings.dataDir })}\n${t('cli.serve.stop')}\n`);
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
    .action(
      r.action(async (ctx, name: string, opts: { role: string; partner?: string }) => {
        const role = parseChoice('--role', opts.role, ['customer', 'partner'] as const);
        if (opts.partner && role !== 'customer') throw usageError('bad-option', t('cli.admin.partnerCustomersOnly'));
        const service = await openService(ctx.settings.dataDir, ctx.clock);
        try {
          service.createAccount(name, role, opts.partner);
        } finally {
          service.close();
        }
        if (ctx.settings.json) return printJson(ctx, { name, role, partner: opts.partner ?? null });
        printText(ctx, opts.partner ? t('cli.admin.createdCustomerOf', { role, name, partner: opts.partner }) : t('cli.admin.created', { role, name }));
      }),
    );
  admin
    .command('token')
    .description(t('cli.admin.tokens'))
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
        ctx.io.stderr.write(`${t('cli.admin.tokenOnce', { account: accountName })}\n`);
      }),
    );
}

async function openService(dataDir: string, clock: import('../../domain/clock.js').Clock) {
  const { openPortalService } = await import('../../server/service.js');
  return openPortalService({ dataDir, clock });
}
