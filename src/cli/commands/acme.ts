// What only an ACME portal has: `acme account` (register or choose the account, terms of service
// agreed explicitly, External Account Binding with the HMAC key from a file or stdin, never argv),
// `acme import` (a certificate obtained elsewhere, its key checked against it), and `revocations
// run` (the due revocations of replaced copies, for a systemd timer or cron).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError, inputError } from '../../domain/errors.js';
import type { CliContext } from '../context.js';
import { readInputFile } from '../input.js';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { canPrompt, confirm, readLineFromStdin } from '../prompt.js';
import { readSecretFile } from '../secret-file.js';
import { t } from '../../i18n/i18n.js';
import { formatDateTime } from '../../wizard/format.js';
import { fileNameFor } from './reissue.js';
import type { AcmePortal } from '../../portal/acme/portal.js';
import type { RevocationOutcome } from '../../portal/acme/revocations.js';

async function acmePortal(ctx: CliContext): Promise<AcmePortal> {
  const portal = await ctx.portal();
  const { isAcmePortal } = await import('../../portal/acme/portal.js');
  if (!isAcmePortal(portal)) throw usageError('not-acme-portal', t('cli.acme.notAcme', { portal: ctx.settings.portal }), t('cli.acme.notAcmeHint'));
  return portal;
}

export function registerAcmeCommands(program: Command, r: Registrar): void {
  const acme = program.command('acme').description(t('cli.acme.description'));

  acme
    .command('account')
    .description(t('cli.acme.account'))
    .requiredOption('--email <E>', t('cli.acme.email'))
    .option('--agree-tos', t('cli.acme.agreeTos'))
    .option('--eab-kid <KID>', t('cli.acme.eabKid'))
    .option('--eab-hmac-file <FILE>', t('cli.acme.eabHmacFile'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, opts: { email: string; agreeTos?: boolean; eabKid?: string; eabHmacFile?: string }) => {
        if (Boolean(opts.eabKid) !== Boolean(opts.eabHmacFile)) throw usageError('acme-eab-incomplete', t('cli.acme.eabIncomplete'), t('cli.acme.eabIncompleteHint'));
        const portal = await acmePortal(ctx);
        const hmacKey = opts.eabHmacFile
          ? opts.eabHmacFile === '-'
            ? await readLineFromStdin(ctx.io.stdin, 'EAB')
            : await readSecretFile(opts.eabHmacFile, { messages: 'cli.acme.eabFile', code: 'eab-hmac-file' })
          : undefined;
        let agreeTos = opts.agreeTos === true;
        if (!agreeTos) {
          // The terms are shown and agreed to explicitly: at the terminal by a yes, in a script by --agree-tos.
          const tos = await portal.acme.termsOfService();
          if (tos.url && canPrompt(ctx.io)) {
            ctx.io.stderr.write(`${t('cli.acme.tosShow', { url: tos.url })}\n`);
            agreeTos = await confirm(ctx.io, t('cli.acme.tosQuestion'));
          }
        }
        const result = await portal.acme.registerAccount({ email: opts.email, agreeTos, eab: opts.eabKid && hmacKey ? { kid: opts.eabKid, hmacKey } : undefined });
        const shown = { contact: result.account.contact, url: result.account.url, keyFile: result.account.keyFile, termsOfService: result.termsOfService, created: result.created, eabKid: result.account.eabKid };
        if (ctx.settings.json) return printJson(ctx, shown);
        printText(
          ctx,
          [
            t(result.created ? 'cli.acme.accountCreated' : 'cli.acme.accountFound', { email: opts.email, url: result.account.url }),
            `  ${t('cli.acme.accountKey', { path: result.account.keyFile })}`,
            result.termsOfService ? `  ${t('cli.acme.tosAgreed', { url: result.termsOfService })}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }),
    );

  acme
    .command('import')
    .description(t('cli.acme.import'))
    .argument('<CERT>')
    .option('--key <FILE>', t('cli.acme.importKey'))
    .option('--card-uri <URI>', t('cli.acme.importCardUri'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, file: string, opts: { key?: string; cardUri?: string }) => {
        if (opts.key && opts.cardUri) throw usageError('acme-import-two-keys', t('cli.acme.importTwoKeys'), t('cli.acme.importTwoKeysHint'));
        const portal = await acmePortal(ctx);
        const pem = Buffer.from(await readInputFile(file, ctx.io.stdin)).toString('utf8');
        const card = opts.cardUri ? await cardEvidenceFor(ctx, pem, opts.cardUri) : undefined;
        const cert = await portal.acme.importCertificate({ pem, keyFile: opts.key, cardUri: opts.cardUri, card });
        if (ctx.settings.json) return printJson(ctx, cert);
        printText(ctx, t('cli.acme.imported', { id: cert.id, cn: cert.commonName, serial: cert.serialNumber }));
      }),
    );

  acme
    .command('order')
    .description(t('cli.acme.order'))
    .requiredOption('--domain <NAME>', t('cli.acme.orderDomain'), (value: string, all: string[] = []) => [...all, value])
    .option('--key-out <FILE>', t('cli.reissue.submitKeyOut'))
    .option('--algorithm <ALG>', t('cli.acme.orderAlgorithm'))
    .option('--csr <FILE>', t('cli.reissue.csrOption'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, opts: { domain: string[]; keyOut?: string; algorithm?: string; csr?: string }) => {
        if (Boolean(opts.keyOut) === Boolean(opts.csr)) throw usageError('acme-order-key', t('cli.acme.orderKey'), t('cli.acme.orderKeyHint'));
        const portal = await acmePortal(ctx);
        const [{ idempotencyKeyFor }, { isAlgorithm }] = await Promise.all([import('../../flows/idempotency.js'), import('../../domain/algorithms.js')]);
        let csr: Uint8Array;
        let keyFile: string | undefined;
        if (opts.keyOut) {
          const algorithm = opts.algorithm ?? 'ec-p256';
          if (!isAlgorithm(algorithm)) throw usageError('bad-algorithm', t('cli.reissue.badAlgorithm', { algorithm }), t('cli.reissue.badAlgorithmHint'));
          const { newKeyAndCsrFor } = await import('../../flows/reissue.js');
          keyFile = resolve(opts.keyOut);
          const csrOut = `${keyFile.replace(/\.(key|pem)$/i, '')}.csr`;
          const made = await newKeyAndCsrFor({ subject: { commonName: opts.domain[0]!, domains: opts.domain }, algorithm, keyPath: keyFile, csrOut });
          ctx.io.stderr.write(`${t('cli.reissue.key', { path: keyFile })}\n`);
          csr = new TextEncoder().encode(made.csrPem);
        } else {
          csr = await readInputFile(opts.csr!, ctx.io.stdin);
        }
        // The same CSR for the same names is the same request: run again, it resumes its order.
        const outcome = await portal.acme.order({ keySource: 'csr', csr, keyFile }, idempotencyKeyFor(`new:${opts.domain.join(',')}`, csr));
        if (ctx.settings.json) return printJson(ctx, outcome);
        if ('pending' in outcome) return printText(ctx, t('cli.acme.orderPending', { order: outcome.pending.orderRef }));
        const c = outcome.certificate;
        printText(ctx, [t('cli.acme.ordered', { id: c.id, serial: c.serialNumber, cn: c.commonName, date: formatDateTime(c.notAfter) }), t('cli.reissue.download', { id: c.id, file: `${fileNameFor(c.commonName)}.pem` })].join('\n'));
      }),
    );

  program
    .command('revocations')
    .description(t('cli.acme.revocations'))
    .command('run')
    .description(t('cli.acme.revocationsRun'))
    .option('--json', t('cli.jsonArray'))
    .action(
      r.action(async (ctx) => {
        const portal = await ctx.portal();
        const { isAcmePortal } = await import('../../portal/acme/portal.js');
        // Our own portal revokes on its own schedule: nothing for this command to do there.
        const outcomes: RevocationOutcome[] = isAcmePortal(portal) ? [...portal.acme.startupRevocations, ...(await portal.acme.runDueRevocations())] : [];
        if (ctx.settings.json) return printJson(ctx, outcomes);
        if (!isAcmePortal(portal)) return printText(ctx, t('cli.acme.revocationsSelf'));
        printText(ctx, outcomes.length ? outcomes.map((o) => t(`cli.acme.revocation.${o.result}`, { id: o.id, serial: o.serial, detail: o.detail ?? '' })).join('\n') : t('cli.acme.revocationsNone'));
        return outcomes.some((o) => o.result === 'failed') ? 5 : 0;
      }),
    );
}

/** The card holding the certificate's key, checked against the URI given. */
async function cardEvidenceFor(ctx: CliContext, pem: string, uri: string) {
  const [{ parsePkcs11Uri }, { evidenceForKey }, { parsePemChain, spkiDer }] = await Promise.all([import('../../card/uri.js'), import('../../card/evidence.js'), import('../../portal/acme/certificates.js')]);
  const wanted = parsePkcs11Uri(uri);
  const leaf = parsePemChain(pem)[0];
  if (!leaf) throw inputError('acme-import-no-certificate', t('acme.importNoCertificate'), t('acme.importNoCertificateHint'));
  const evidence = await evidenceForKey(spkiDer(leaf), { card: () => ctx.card() });
  if ((wanted.id && wanted.id !== evidence.keyId.toLowerCase()) || (wanted.serial && wanted.serial !== evidence.serial)) {
    throw inputError('acme-card-uri-mismatch', t('cli.acme.cardUriMismatch', { uri, serial: evidence.serial, keyId: evidence.keyId }), t('cli.acme.cardUriMismatchHint'));
  }
  return evidence;
}
