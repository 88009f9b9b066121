// The CSR path: csr check, csr new, submit; and revoke.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { usageError } from '../../domain/errors.js';
import { daysLeft } from '../../domain/policy.js';
import { isPendingReissue, type KeySource, type ReissueOutcome, type ReissueResult, type RevocationReason } from '../../domain/types.js';
import { reissueInCloud } from '../../flows/cloud.js';
import { assertCsrAlgorithm, assertNewKeyOutputsFree, cardRequestFor, checkCsrFor, newKeyAndCsr, resumeReissue, submitReissue } from '../../flows/reissue.js';
import { flowDeps } from '../flow-deps.js';
import type { CliContext } from '../context.js';
import { formatDateTime, reasonLabel, willBeRevokedText } from '../../wizard/format.js';
import { readInputFile } from '../input.js';
import { printJson, printText } from '../output.js';
import { parseChoice, type Registrar } from '../program.js';
import { ALGORITHMS, CSR_KEY_SOURCES, KEY_SOURCES, oneOf, REVOCATION_REASONS } from '../option-values.js';
import { canPrompt, confirm, readLineFromStdin, readNewSecret } from '../prompt.js';
import { t } from '../../i18n/i18n.js';

export function registerReissueCommands(program: Command, r: Registrar): void {
  const csr = program.command('csr').description(t('cli.reissue.csr'));

  csr
    .command('check')
    .description(t('cli.reissue.check'))
    .argument('<FILE>')
    .option('--for <ID>', t('cli.reissue.checkFor'))
    .addOption(oneOf(new Option('--key-source <SOURCE>', t('cli.reissue.checkKeySource')), CSR_KEY_SOURCES))
    .option('--manifest <FILE>', t('cli.reissue.manifest'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, file: string, opts: { for?: string; keySource?: string; manifest?: string }) => {
        const keySource = opts.keySource === undefined ? undefined : (parseChoice('--key-source', opts.keySource, CSR_KEY_SOURCES) as KeySource);
        if (opts.manifest && keySource !== 'card') throw usageError('manifest-needs-card', t('cli.reissue.manifestNeedsCard'));
        const bytes = await readInputFile(file, ctx.io.stdin);
        const { checkCsr, csrReportText } = await import('../../pki/csr-check.js');
        const report = opts.for ? await checkCsrFor(flowDeps(ctx), opts.for, bytes, keySource, opts.manifest) : await checkCsr(bytes);
        if (ctx.settings.json) printJson(ctx, report);
        else printText(ctx, csrReportText(report, t));
        return report.ok ? 0 : 3;
      }),
    );

  csr
    .command('new')
    .description(t('cli.reissue.new'))
    .requiredOption('--for <ID>', t('cli.reissue.newFor'))
    .addOption(oneOf(new Option('--algorithm <ALG>', ALGORITHMS.join(' | ')).makeOptionMandatory(), ALGORITHMS))
    .requiredOption('--key-out <FILE>', t('cli.reissue.keyOut'))
    .requiredOption('--out <FILE>', t('cli.reissue.out'))
    .option('--encrypt', t('cli.reissue.encrypt'))
    .option('--passphrase-stdin', t('cli.reissue.passphraseStdin'))
    .option('--force', t('cli.reissue.force'))
    .action(
      r.action(async (ctx, opts: { for: string; algorithm: string; keyOut: string; out: string; encrypt?: boolean; passphraseStdin?: boolean; force?: boolean }) => {
        if (!isAlgorithm(opts.algorithm)) throw usageError('bad-algorithm', t('cli.reissue.badAlgorithm', { algorithm: opts.algorithm }), t('cli.reissue.badAlgorithmHint'));
        const cert = await (await ctx.portal()).get(opts.for);
        assertCsrAlgorithm(cert, opts.algorithm);
        const keyPath = resolve(opts.keyOut);
        const csrOut = resolve(opts.out);
        // Refuse before asking or generating anything, so no key is written for a CSR that cannot be.
        await assertNewKeyOutputsFree(keyPath, csrOut, opts.force);
        const passphrase = opts.passphraseStdin
          ? await readLineFromStdin(ctx.io.stdin, 'passphrase')
          : opts.encrypt
            ? await readNewSecret(ctx.io, `${t('cli.reissue.passphrasePrompt')} `, '--passphrase-stdin')
            : undefined;
        await newKeyAndCsr({ certificate: cert, algorithm: opts.algorithm, keyPath, passphrase, csrOut, overwriteCsr: opts.force });
        if (ctx.settings.json) return printJson(ctx, { csr: opts.out, key: opts.keyOut, algorithm: opts.algorithm, encrypted: Boolean(passphrase) });
        printText(
          ctx,
          [
            t('cli.reissue.made', { algorithm: algorithmLabel(opts.algorithm), cn: cert.commonName, domains: cert.domains.join(', ') }),
            `  ${t(passphrase ? 'cli.reissue.keyEncrypted' : 'cli.reissue.key', { path: keyPath })}`,
            `  ${t('cli.reissue.csrFile', { path: csrOut })}`,
            t('cli.reissue.next', { id: cert.id, csr: csrOut }),
          ].join('\n'),
        );
      }),
    );

  program
    .command('submit')
    .description(t('cli.reissue.submit'))
    .argument('<ID>')
    .option('--csr <FILE>', t('cli.reissue.csrOption'))
    .addOption(oneOf(new Option('--key-source <SOURCE>', t('cli.reissue.keySource')).default('csr'), KEY_SOURCES))
    .option('--manifest <FILE>', t('cli.reissue.manifest'))
    .addOption(oneOf(new Option('--algorithm <ALG>', t('cli.reissue.cloudAlgorithm')), ALGORITHMS))
    .option('--key-out <FILE>', t('cli.reissue.submitKeyOut'))
    .option('--wait', t('cli.reissue.wait'))
    .option('--pin-stdin', t('cli.reissue.resumePinStdin'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, id: string, opts: { csr?: string; keySource: string; algorithm?: string; manifest?: string; keyOut?: string; wait?: boolean; pinStdin?: boolean }) => {
        const source = parseChoice('--key-source', opts.keySource, KEY_SOURCES);
        if (opts.manifest && source !== 'card') throw usageError('manifest-needs-card', t('cli.reissue.manifestNeedsCard'));
        let result: ReissueOutcome;
        if (opts.keyOut) {
          // A key pair made here (written 0600, never over a file) and its CSR, submitted at once.
          if (opts.csr || source !== 'csr') throw usageError('key-out-alone', t('cli.reissue.keyOutAlone'), t('cli.reissue.keyOutAloneHint', { id }));
          const algorithm = opts.algorithm ?? 'ec-p256';
          if (!isAlgorithm(algorithm)) throw usageError('bad-algorithm', t('cli.reissue.badAlgorithm', { algorithm }), t('cli.reissue.badAlgorithmHint'));
          const deps = flowDeps(ctx);
          const cert = await (await deps.portal()).get(id);
          const keyPath = resolve(opts.keyOut);
          // The CSR is kept next to the key: a submission that fails (a challenge, the network) is
          // tried again with the same key by `submit ID --csr` (the same CSR resumes its order).
          const csrOut = `${keyPath.replace(/\.(key|pem)$/i, '')}.csr`;
          const made = await newKeyAndCsr({ certificate: cert, algorithm, keyPath, csrOut });
          ctx.io.stderr.write(`${t('cli.reissue.key', { path: keyPath })}\n`);
          try {
            result = await submitReissue(deps, { certificateId: id, request: { keySource: 'csr', csr: new TextEncoder().encode(made.csrPem), keyFile: keyPath } });
          } catch (e) {
            ctx.io.stderr.write(`${t('cli.reissue.keyOutKept', { key: keyPath, csr: csrOut, command: ['reissue', 'submit', id, '--csr', csrOut].join(' ') })}\n`);
            throw e;
          }
        } else if (source === 'cloud') {
          if (opts.csr) throw usageError('csr-not-expected', t('cli.reissue.csrNotExpected'), t('cli.reissue.csrNotExpectedHint', { id }));
          if (opts.algorithm !== undefined && !isAlgorithm(opts.algorithm)) {
            throw usageError('bad-algorithm', t('cli.reissue.badAlgorithm', { algorithm: opts.algorithm }), t('cli.reissue.badAlgorithmHint'));
          }
          result = await reissueInCloud(flowDeps(ctx), { certificateId: id, algorithm: opts.algorithm });
        } else {
          if (!opts.csr) throw usageError('csr-missing', t('cli.reissue.csrMissing'), t('cli.reissue.csrMissingHint', { id }));
          if (opts.algorithm) throw usageError('algorithm-not-expected', t('cli.reissue.algorithmNotExpected'));
          const csr = await readInputFile(opts.csr, ctx.io.stdin);
          const deps = flowDeps(ctx);
          // A card CSR goes with the card's evidence: from the manifest, or the card holding its key.
          const request = source === 'card' ? await cardRequestFor(deps, id, csr, opts.manifest) : ({ keySource: 'csr', csr } as const);
          // The one idempotency rule: submitting the same CSR again returns the copy it issued.
          result = await submitReissue(deps, { certificateId: id, request });
        }
        if (opts.wait && isPendingReissue(result)) {
          const issued = await untilIssued(ctx, result);
          return (await import('./card-install.js')).printEnrolled(ctx, issued, opts);
        }
        printReissueResult(ctx, result);
      }),
    );

  program
    .command('resume')
    .description(t('cli.reissue.resume'))
    .argument('<ORDER-REF>')
    .option('--pin-stdin', t('cli.reissue.resumePinStdin'))
    .option('--force', t('cli.card.force'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, orderRef: string, opts: { pinStdin?: boolean; force?: boolean }) => {
        const outcome = await resumeReissue(flowDeps(ctx), orderRef);
        if (isPendingReissue(outcome)) return printReissueResult(ctx, outcome);
        // A key made on a card: the new copy goes next to it, as `card install` puts it there.
        await (await import('./card-install.js')).printEnrolled(ctx, outcome, opts);
      }),
    );

  program
    .command('revoke')
    .description(t('cli.reissue.revoke'))
    .argument('<ID>')
    .addOption(oneOf(new Option('--reason <REASON>', REVOCATION_REASONS.join(' | ')).default('unspecified'), REVOCATION_REASONS))
    .option('--yes', t('sandbox.yes'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx, id: string, opts: { reason: string; yes?: boolean }) => {
        const reason = parseChoice('--reason', opts.reason, REVOCATION_REASONS) as RevocationReason;
        const portal = await ctx.portal();
        const cert = await portal.get(id);
        if (!opts.yes) {
          if (!canPrompt(ctx.io)) throw usageError('confirmation-needed', t('cli.reissue.revokeNeedsConfirmation', { id: cert.id }), t('sandbox.needsConfirmationHint'));
          const ok = await confirm(ctx.io, t('cli.reissue.revokeQuestion', { cn: cert.commonName, serial: cert.serialNumber }));
          if (!ok) {
            ctx.io.stderr.write(`${t('cli.reissue.notRevoked')}\n`);
            return 0;
          }
        }
        const revoked = await portal.revoke(cert.id, reason);
        if (ctx.settings.json) return printJson(ctx, revoked);
        // A portal without a CRL of its own (a CA reached over ACME) publishes the revocation itself.
        printText(ctx, t(portal.capabilities.includes('crl') ? 'cli.reissue.revoked' : 'cli.reissue.revokedAtCa', { id: revoked.id, serial: revoked.serialNumber, reason: reasonLabel(reason) }));
      }),
    );
}

/**
 * Asks about a pending order again, each time after the pause the portal named, until the new copy
 * is issued (or the portal refuses it: its error). Each answer on stderr, in words; none with --json.
 */
export async function untilIssued(ctx: CliContext, outcome: ReissueOutcome): Promise<ReissueResult> {
  const deps = flowDeps(ctx);
  while (isPendingReissue(outcome)) {
    const { orderRef, retryAfterMs, message } = outcome.pending;
    if (!ctx.settings.json) ctx.io.stderr.write(`${t('cli.reissue.waiting', { orderRef, seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) })}${message ? ` ${message}` : ''}\n`);
    await new Promise((r) => setTimeout(r, retryAfterMs));
    outcome = await resumeReissue(deps, orderRef);
  }
  return outcome;
}

/** The new copy, or (a CA still validating) the pending order and the command that asks again. */
export function printReissueResult(ctx: CliContext, result: ReissueOutcome): void {
  if (ctx.settings.json) return printJson(ctx, result);
  if (isPendingReissue(result)) {
    const { orderRef, retryAfterMs } = result.pending;
    printText(ctx, t('cli.reissue.pending', { orderRef, seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) }));
    if (result.pending.message) printText(ctx, `  ${result.pending.message}`);
    return;
  }
  const { certificate: n, replaced: o } = result;
  const now = ctx.clock.now();
  printText(
    ctx,
    [
      t('cli.reissue.issued'),
      `  ${t('cli.reissue.newCopy', { id: n.id, serial: n.serialNumber, date: formatDateTime(n.notAfter) })}`,
      `  ${t('cli.reissue.previousCopy', { id: o.id, serial: o.serialNumber, date: formatDateTime(o.notAfter) })}`,
      // A CA that sets the expiry itself (ACME): both dates, as they are.
      n.notAfter !== o.notAfter ? `  ${t('cli.reissue.caSetExpiry', { date: formatDateTime(n.notAfter), old: formatDateTime(o.notAfter) })}` : '',
      o.revocationDate ? `  ${t('cli.reissue.previousRevoked', { when: willBeRevokedText(o, now) ?? formatDateTime(o.revocationDate) })}` : '',
      n.keySource === 'cloud' && n.cloudKey ? `  ${t('cli.reissue.cloudKey', { location: n.cloudKey.location })}` : '',
      t('cli.reissue.download', { id: n.id, file: `${fileNameFor(n.commonName)}.pem` }),
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** A CN as a file name a shell takes without quotes: "Asseco Data Systems S.A." → "Asseco-Data-Systems-S.A". */
export function fileNameFor(commonName: string): string {
  return commonName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'certificate';
}
