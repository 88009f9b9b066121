// The CSR path: csr check, csr new, submit; and revoke.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { usageError } from '../../domain/errors.js';
import { daysLeft } from '../../domain/policy.js';
import { REVOCATION_REASONS, type KeySource, type ReissueResult, type RevocationReason } from '../../domain/types.js';
import { reissueInCloud } from '../../flows/cloud.js';
import { assertCsrAlgorithm, assertNewKeyOutputsFree, cardRequestFor, checkCsrFor, newKeyAndCsr, submitReissue } from '../../flows/reissue.js';
import { flowDeps } from '../flow-deps.js';
import type { CliContext } from '../context.js';
import { formatDateTime } from '../../wizard/format.js';
import { readInputFile } from '../input.js';
import { printJson, printText } from '../output.js';
import { parseChoice, type Registrar } from '../program.js';
import { canPrompt, confirm, readLineFromStdin, readNewSecret } from '../prompt.js';

export function registerReissueCommands(program: Command, r: Registrar): void {
  const csr = program.command('csr').description('check or generate a certificate signing request');

  csr
    .command('check')
    .description('check a CSR (FILE or - for stdin); with --for, against that certificate\'s order')
    .argument('<FILE>')
    .option('--for <ID>', 'certificate the CSR is meant to reissue')
    .option('--key-source <SOURCE>', 'with --for: csr (default) or card (the key pair was generated on a card)')
    .option('--json', 'JSON on stdout')
    .action(
      r.action(async (ctx, file: string, opts: { for?: string; keySource?: string }) => {
        const keySource = opts.keySource === undefined ? undefined : (parseChoice('--key-source', opts.keySource, CSR_KEY_SOURCES) as KeySource);
        const bytes = await readInputFile(file, ctx.io.stdin);
        const { checkCsr, csrReportText } = await import('../../pki/csr-check.js');
        const report = opts.for ? await checkCsrFor(flowDeps(ctx), opts.for, bytes, keySource) : await checkCsr(bytes);
        if (ctx.settings.json) printJson(ctx, report);
        else printText(ctx, csrReportText(report));
        return report.ok ? 0 : 3;
      }),
    );

  csr
    .command('new')
    .description('generate a new key pair and CSR for a certificate, like a CSR generator')
    .requiredOption('--for <ID>', 'certificate to reissue')
    .requiredOption('--algorithm <ALG>', 'rsa-2048 | rsa-3072 | rsa-4096 | ec-p256 | ec-p384')
    .requiredOption('--key-out <FILE>', 'where to write the private key (mode 0600, never overwritten)')
    .requiredOption('--out <FILE>', 'where to write the CSR')
    .option('--encrypt', 'encrypt the private key with a passphrase (typed, or --passphrase-stdin)')
    .option('--passphrase-stdin', 'read the passphrase from the first line of stdin')
    .option('--force', 'replace an existing CSR file (the key file is never replaced)')
    .action(
      r.action(async (ctx, opts: { for: string; algorithm: string; keyOut: string; out: string; encrypt?: boolean; passphraseStdin?: boolean; force?: boolean }) => {
        if (!isAlgorithm(opts.algorithm)) throw usageError('bad-algorithm', `Unknown algorithm "${opts.algorithm}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
        const cert = await (await ctx.portal()).get(opts.for);
        assertCsrAlgorithm(cert, opts.algorithm);
        const keyPath = resolve(opts.keyOut);
        const csrOut = resolve(opts.out);
        // Refuse before asking or generating anything, so no key is written for a CSR that cannot be.
        await assertNewKeyOutputsFree(keyPath, csrOut, opts.force);
        const passphrase = opts.passphraseStdin
          ? await readLineFromStdin(ctx.io.stdin, 'passphrase')
          : opts.encrypt
            ? await readNewSecret(ctx.io, 'Passphrase for the private key: ', '--passphrase-stdin')
            : undefined;
        await newKeyAndCsr({ certificate: cert, algorithm: opts.algorithm, keyPath, passphrase, csrOut, overwriteCsr: opts.force });
        if (ctx.settings.json) return printJson(ctx, { csr: opts.out, key: opts.keyOut, algorithm: opts.algorithm, encrypted: Boolean(passphrase) });
        printText(
          ctx,
          `New ${algorithmLabel(opts.algorithm)} key pair and CSR for ${cert.commonName} (${cert.domains.join(', ')}).\n` +
            `  Private key: ${keyPath} (mode 0600${passphrase ? ', encrypted' : ''}) — keep it secret and back it up.\n` +
            `  CSR:         ${csrOut}\n` +
            `Next: reissue submit ${cert.id} --csr ${csrOut}`,
        );
      }),
    );

  program
    .command('submit')
    .description('reissue a certificate: new copy, same expiry; the old copy is revoked 14 days later')
    .argument('<ID>')
    .option('--csr <FILE>', 'the CSR (PEM or DER; - for stdin)')
    .option('--key-source <SOURCE>', 'csr (default); card: the CSR was made on a card by card keygen (the card is found by the key, or in --manifest); cloud: the portal generates the key pair in its key store', 'csr')
    .option('--manifest <FILE>', 'with --key-source card: the manifest `card keygen --manifest` wrote (no card needed then)')
    .option('--algorithm <ALG>', "with --key-source cloud: the new key's algorithm (default: the product's first)")
    .option('--json', 'JSON on stdout')
    .action(
      r.action(async (ctx, id: string, opts: { csr?: string; keySource: string; algorithm?: string; manifest?: string }) => {
        const source = parseChoice('--key-source', opts.keySource, ['csr', 'card', 'cloud'] as const);
        if (opts.manifest && source !== 'card') throw usageError('manifest-needs-card', '--manifest gives the card evidence of a key generated on a card: use it with --key-source card.');
        let result: ReissueResult;
        if (source === 'cloud') {
          if (opts.csr) throw usageError('csr-not-expected', 'A cloud reissue takes no CSR: the portal generates the key pair in its key store.', `Use: reissue submit ${id} --key-source cloud [--algorithm ALG]`);
          if (opts.algorithm !== undefined && !isAlgorithm(opts.algorithm)) {
            throw usageError('bad-algorithm', `Unknown algorithm "${opts.algorithm}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
          }
          result = await reissueInCloud(flowDeps(ctx), { certificateId: id, algorithm: opts.algorithm });
        } else {
          if (!opts.csr) throw usageError('csr-missing', 'submit needs the CSR: --csr FILE.', `Use: reissue submit ${id} --csr FILE, or --key-source cloud for a product whose keys are stored in the cloud.`);
          if (opts.algorithm) throw usageError('algorithm-not-expected', 'The algorithm comes from the CSR; --algorithm is for --key-source cloud.');
          const csr = await readInputFile(opts.csr, ctx.io.stdin);
          const deps = flowDeps(ctx);
          // A card CSR goes with the card's evidence: from the manifest, or the card holding its key.
          const request = source === 'card' ? await cardRequestFor(deps, id, csr, opts.manifest) : ({ keySource: 'csr', csr } as const);
          // The one idempotency rule: submitting the same CSR again returns the copy it issued.
          result = await submitReissue(deps, { certificateId: id, request });
        }
        printReissueResult(ctx, result);
      }),
    );

  program
    .command('revoke')
    .description('revoke a certificate now')
    .argument('<ID>')
    .option('--reason <REASON>', REVOCATION_REASONS.join(' | '), 'unspecified')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'JSON on stdout')
    .action(
      r.action(async (ctx, id: string, opts: { reason: string; yes?: boolean }) => {
        const reason = parseChoice('--reason', opts.reason, REVOCATION_REASONS) as RevocationReason;
        const portal = await ctx.portal();
        const cert = await portal.get(id);
        if (!opts.yes) {
          if (!canPrompt(ctx.io)) throw usageError('confirmation-needed', `Revoking ${cert.id} cannot be undone and needs confirmation.`, 'Run it in a terminal, or pass --yes.');
          const ok = await confirm(ctx.io, `Revoke ${cert.commonName} (serial ${cert.serialNumber}) now? This cannot be undone.`);
          if (!ok) {
            ctx.io.stderr.write('Not revoked.\n');
            return 0;
          }
        }
        const revoked = await portal.revoke(cert.id, reason);
        if (ctx.settings.json) return printJson(ctx, revoked);
        printText(ctx, `Revoked ${revoked.id} (serial ${revoked.serialNumber}), reason ${reason}. It is in the next CRL (reissue crl).`);
      }),
    );
}

export function printReissueResult(ctx: CliContext, result: ReissueResult): void {
  if (ctx.settings.json) return printJson(ctx, result);
  const { certificate: n, replaced: o } = result;
  const now = ctx.clock.now();
  printText(
    ctx,
    [
      'New copy issued.',
      `  New copy:      ${n.id}  serial ${n.serialNumber}  valid to ${formatDateTime(n.notAfter)}`,
      `  Previous copy: ${o.id}  serial ${o.serialNumber}  valid to ${formatDateTime(o.notAfter)}`,
      o.revocationDate
        ? `  The previous copy will be revoked automatically on ${formatDateTime(o.revocationDate)} (in ${daysLeft(o.revocationDate, now)} d). Install the new copy before then.`
        : '',
      n.keySource === 'cloud' && n.cloudKey ? `  Key: generated in the cloud key store: ${n.cloudKey.location}. It never leaves it.` : '',
      `Download it: reissue download ${n.id} --out ${fileNameFor(n.commonName)}.pem`,
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

/** The key sources a CSR can come from (csr check --key-source). */
const CSR_KEY_SOURCES = ['csr', 'card'] as const;

/** A CN as a file name a shell takes without quotes: "Asseco Data Systems S.A." → "Asseco-Data-Systems-S.A". */
export function fileNameFor(commonName: string): string {
  return commonName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'certificate';
}
