// reissue serve, and the administrator's commands on the service's data directory.
import type { Command } from 'commander';
import { usageError } from '../../domain/errors.js';
import { printJson, printText } from '../output.js';
import { parseChoice, type Registrar } from '../program.js';

export function registerServeCommands(program: Command, r: Registrar): void {
  program
    .command('serve')
    .description('run the portal as an HTTP(S) service for other terminals')
    .option('--host <H>', 'address to listen on', '127.0.0.1')
    .option('--port <P>', 'port (0 picks a free one)', '8443')
    .option('--tls-cert <FILE>', 'certificate (PEM) for HTTPS')
    .option('--tls-key <FILE>', 'private key (PEM) for HTTPS')
    .option('--allow-insecure-http', 'INSECURE: serve plain HTTP on a non-loopback address')
    .action(
      r.action(async (ctx, opts: { host: string; port: string; tlsCert?: string; tlsKey?: string; allowInsecureHttp?: boolean }) => {
        const port = Number.parseInt(opts.port, 10);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('bad-port', `--port must be 0–65535, not "${opts.port}".`);
        if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw usageError('tls-pair', '--tls-cert and --tls-key go together.', 'Pass both for HTTPS, or neither for HTTP on loopback.');
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
        printText(ctx, `Listening on ${server.url}`);
        ctx.io.stderr.write(`Data directory: ${ctx.settings.dataDir}\nStop with Ctrl+C.\n`);
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

async function openService(dataDir: string, clock: import('../../domain/clock.js').Clock) {
  const { openPortalService } = await import('../../server/service.js');
  return openPortalService({ dataDir, clock });
}
