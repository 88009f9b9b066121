// `reissue serve`: the portal service on a socket. HTTPS when given a certificate and key; plain
// HTTP only on loopback unless explicitly allowed. Due revocations run on start and on a timer
// (the service also runs them before every read), so they happen after a restart too.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Clock } from '../../domain/clock.js';
import { usageError } from '../../domain/errors.js';
import { startRevocationTimer } from '../revocations.js';
import type { CloudKeyStore } from '../cloud/key-store.js';
import { openPortalService, type MailOptions } from '../service.js';
import { buildHttpApp } from './app.js';
import { isLoopbackHost } from '../../util/loopback.js';

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  /** A PostgreSQL URL to keep the portal in (several instances may share it); default: the data directory's SQLite file. */
  store?: string;
  clock: Clock;
  tls?: { certFile: string; keyFile: string };
  allowInsecureHttp?: boolean;
  log?: (line: string) => void;
  /** How long close() waits for in-flight requests before cutting them (default 10 s). */
  drainTimeoutMs?: number;
  /** How often due revocations are carried out (default 60 s). */
  revocationIntervalMs?: number;
  /** SMTP, sender, reminder days; without `smtp` the messages go to DATA_DIR/outbox/ as .eml files. */
  mail?: MailOptions;
  /** How often unsent e-mails are retried and reminders looked for (default 15 s). */
  mailIntervalMs?: number;
  /** The cloud key store (a PKCS#11 token); by default the sandbox's software store. */
  cloudKeys?: () => Promise<CloudKeyStore>;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export { isLoopbackHost };

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  if (!opts.tls && !opts.allowInsecureHttp && !isLoopbackHost(opts.host)) {
    throw usageError(
      'insecure-http-refused',
      `Refusing to serve plain HTTP on ${opts.host}: API tokens and certificates would cross the network unencrypted.`,
      'Give --tls-cert FILE --tls-key FILE to serve HTTPS, use a loopback host (127.0.0.1), or pass --allow-insecure-http if you accept that it is insecure.',
    );
  }
  const https = opts.tls ? readTls(opts.tls) : undefined;

  const service = await openPortalService({ dataDir: opts.dataDir, store: opts.store, clock: opts.clock, mail: opts.mail, cloudKeys: opts.cloudKeys, log });
  const runDue = async () => {
    const n = await service.runDueRevocations();
    if (n > 0) log(`Carried out ${n} due revocation${n === 1 ? '' : 's'}.`);
  };

  let app: ReturnType<typeof buildHttpApp> | undefined;
  try {
    // Built here: a TLS key that does not fit its certificate fails in this call.
    app = buildHttpApp({ directory: service, log, https });
    await runDue();
    await app.listen({ host: opts.host, port: opts.port });
  } catch (error) {
    await app?.close().catch(() => {});
    await service.settle();
    service.close();
    throw listenError(error, opts);
  }
  // A long-running service loads the signing and CSR-check code now, not on the first reissue.
  void Promise.all([service.ca.signing(), import('../../pki/csr-check.js')]).catch((error) =>
    log(`Preparing the CA failed: ${(error as Error).message}`),
  );
  const timer = startRevocationTimer(runDue, opts.revocationIntervalMs ?? 60_000, (error) =>
    log(`Due revocations failed: ${(error as Error).message}`),
  );
  // Failed deliveries come due again after their back-off; reminders fall due with time alone.
  const mailTimer = startRevocationTimer(
    async () => {
      await service.runDue(opts.clock.now());
      if (await service.outbox.hasDue()) service.outbox.kick();
    },
    opts.mailIntervalMs ?? 15_000,
    (error) => log(`E-mail delivery failed: ${(error as Error).message}`),
  );

  const running = app;
  const address = running.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `${https ? 'https' : 'http'}://${urlHost(opts.host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      // Stop taking requests, let in-flight ones finish, then close the database.
      closing ??= (async () => {
        timer.stop();
        mailTimer.stop();
        // A client that keeps a request open forever must not keep the service from stopping.
        const force = setTimeout(() => running.server.closeAllConnections(), opts.drainTimeoutMs ?? 10_000);
        force.unref();
        try {
          await running.close();
        } finally {
          clearTimeout(force);
          await service.settle();
          service.close();
        }
      })();
      return closing;
    },
  };
}

function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : 'it cannot be read';
      throw usageError('tls-file-unreadable', `Cannot use the TLS ${what} ${file}: ${reason}.`, 'Give PEM files with --tls-cert FILE --tls-key FILE.');
    }
  };
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') };
}

function listenError(error: unknown, opts: ServeOptions): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return usageError('port-in-use', `Port ${opts.port} on ${opts.host} is already in use.`, 'Stop the other service or choose another --port (0 picks a free one).');
  }
  if (code === 'EACCES') {
    return usageError('port-not-allowed', `Not allowed to listen on ${opts.host}:${opts.port}.`, 'Use a port above 1023 or run with the needed rights.');
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return usageError('bad-host', `Cannot listen on ${opts.host}: no such local address.`, 'Use an address of this machine, e.g. 127.0.0.1.');
  }
  if (/key|cert|PEM|asn1/i.test((error as Error).message ?? '')) {
    return usageError('tls-bad-files', `The TLS certificate or key cannot be used: ${(error as Error).message}.`, 'Check that --tls-cert and --tls-key are a matching PEM certificate and key.');
  }
  return error;
}
