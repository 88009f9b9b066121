// The card path: card list, card keygen (key pair on the card, CSR signed on the card, optionally
// submitted as a reissue, recorded in a manifest), card install (the issued certificate onto the
// card holding its key), card delete (a leftover key pair) and card pin change|unblock (card-pin.ts).
// All PKCS#11 work runs in the card worker (ctx.card()); the steps are src/flows; here: options,
// PIN entry, confirmation, output.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { inputError, ReissueError, usageError } from '../../domain/errors.js';
import { isPendingReissue, type Algorithm, type Certificate } from '../../domain/types.js';
import type { KeygenResult } from '../../card/card.js';
import { inventoryFailure } from '../../card/inventory.js';
import { parsePkcs11Uri } from '../../card/uri.js';
import { describeToken } from '../../card/select.js';
import { startCardWorker } from '../../card/worker-start.js';
import {
  assertCardKeygen,
  deleteFromCard,
  findCard,
  findInstallTarget,
  generateOnCard,
  keepForLater,
  keySubjectFor,
  loadIssuedCertificates,
  submitLaterCommand,
  tokenSelector,
} from '../../flows/card.js';
import { cancelledLine, EXIT_INTERRUPTED, stoppedLines } from '../../flows/outcome.js';
import { inventoryText } from '../card-inventory.js';
import { mustNotExist } from '../../util/files.js';
import type { CliContext } from '../context.js';
import { flowDeps } from '../flow-deps.js';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { ALGORITHMS, oneOf } from '../option-values.js';
import { canPrompt, confirm } from '../prompt.js';
import { askPin, finalTryConsent, registerPinCommands } from './card-pin.js';
import { installJson, installOnItsCard, installText, printEnrolled, progressPrinter } from './card-install.js';
import { printReissueResult, untilIssued } from './reissue.js';
import { t } from '../../i18n/i18n.js';

interface CardOpts {
  token?: string;
  serial?: string;
  pinStdin?: boolean;
  force?: boolean;
}

interface DeleteOpts {
  pinStdin?: boolean;
  yes?: boolean;
  force?: boolean;
}

interface KeygenOpts extends CardOpts {
  for?: string;
  cn?: string;
  domain?: string[];
  algorithm: string;
  csrOut?: string;
  manifest?: string;
  submit?: boolean;
  wait?: boolean;
}

interface InstallOpts extends CardOpts {
  cert?: string;
  key?: string;
  manifest?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCardCommands(program: Command, r: Registrar): void {
  const card = program.command('card').description(t('cli.card.group'));
  card.hook('preAction', (_group, action) => {
    claimTokenLabel(program, action);
    // The card commands need the worker: boot it while the settings are read (~30 ms saved). Not
    // for a usage error: exiting would then wait for the thread to finish booting.
    if (!usageErrorOf(action)) startCardWorker();
  });

  card
    .command('list')
    .description(t('cli.card.list'))
    .option('--json', t('cli.jsonDocument'))
    .action(
      r.action(async (ctx) => {
        const inv = await (await ctx.card()).inventory({ keys: true });
        if (ctx.settings.json) printJson(ctx, inv);
        else printText(ctx, inventoryText(inv));
        // Nothing usable: say why and exit 4, after showing what was seen.
        const failure = inventoryFailure(inv);
        if (failure) throw failure;
      }),
    );

  card
    .command('keygen')
    .description(t('cli.card.keygen'))
    .option('--for <ID>', t('cli.card.for'))
    .option('--cn <NAME>', t('cli.card.cn'))
    .option('--domain <D>', t('cli.card.domain'), collect)
    .addOption(oneOf(new Option('--algorithm <ALG>', ALGORITHMS.join(' | ')).makeOptionMandatory(), ALGORITHMS))
    .option('--token <LABEL|SERIAL|URI>', t('cli.card.token'))
    .option('--serial <S>', t('cli.card.serial'))
    .option('--pin-stdin', t('cli.card.pinStdin'))
    .option('--force', t('cli.card.force'))
    .option('--csr-out <FILE>', t('cli.card.csrOut'))
    .option('--manifest <FILE>', t('cli.card.manifest'))
    .option('--submit', t('cli.card.submit'))
    .option('--wait', t('cli.card.wait'))
    .option('--json', t('cli.jsonDocument'))
    .action(r.action(async (ctx, opts: KeygenOpts) => keygenCommand(ctx, opts), { interrupted: cancelledLine }));

  card
    .command('install')
    .description(t('cli.card.install'))
    .argument('[ID]', t('cli.card.installId'))
    .option('--cert <FILE>', t('cli.card.cert'))
    .option('--token <LABEL|SERIAL|URI>', t('cli.card.installToken'))
    .option('--serial <S>', t('cli.card.installSerial'))
    .option('--key <URI>', t('cli.card.key'))
    .option('--manifest <FILE>', t('cli.card.installManifest'))
    .option('--pin-stdin', t('cli.card.pinStdin'))
    .option('--force', t('cli.card.force'))
    .option('--json', t('cli.jsonDocument'))
    .action(r.action(async (ctx, id: string | undefined, opts: InstallOpts) => installCommand(ctx, id, opts)));

  card
    .command('delete')
    .description(t('cli.card.delete'))
    .argument('<KEY-URI>', t('cli.card.deleteUri'))
    .option('--yes', t('cli.card.yes'))
    .option('--force', t('cli.card.deleteForce'))
    .option('--pin-stdin', t('cli.card.pinStdin'))
    .option('--json', t('cli.jsonDocument'))
    .action(r.action(async (ctx, uri: string, opts: DeleteOpts) => deleteCommand(ctx, uri, opts)));

  registerPinCommands(card, r);
}

/** What is wrong with how a card command was called, before anything is read or asked. */
function usageErrorOf(action: Command): ReissueError | null {
  if (action.name() === 'keygen') return keygenUsageError(action.opts<KeygenOpts>());
  if (action.name() === 'install') return installUsageError(action.processedArgs[0] as string | undefined, action.opts<InstallOpts>());
  return null;
}

function keygenUsageError(opts: KeygenOpts): ReissueError | null {
  if (!isAlgorithm(opts.algorithm)) return usageError('bad-algorithm', t('cli.card.badAlgorithm', { algorithm: opts.algorithm }), t('cli.card.badAlgorithmHint'));
  if (!opts.for && !opts.cn) return usageError('missing-subject', t('cli.card.missingSubject'), t('cli.card.missingSubjectHint'));
  if (opts.for && (opts.cn || opts.domain)) return usageError('conflicting-options', t('cli.card.conflicting'));
  if (opts.submit && !opts.for) return usageError('submit-needs-for', t('cli.card.submitNeedsFor'), t('cli.card.submitNeedsForHint'));
  if (opts.wait && !opts.submit) return usageError('wait-needs-submit', t('cli.card.waitNeedsSubmit'), t('cli.card.waitNeedsSubmitHint'));
  return null;
}

function installUsageError(id: string | undefined, opts: InstallOpts): ReissueError | null {
  if (!id === !opts.cert) return usageError('install-what', t('cli.card.installWhat'), t('cli.card.installWhatHint'));
  return null;
}

async function keygenCommand(ctx: CliContext, opts: KeygenOpts): Promise<number | void> {
  const wrong = keygenUsageError(opts);
  if (wrong) throw wrong;
  const algorithm = opts.algorithm as Algorithm; // checked by keygenUsageError
  const csrOut = opts.csrOut && opts.csrOut !== '-' ? resolve(opts.csrOut) : undefined;
  if (csrOut) await mustNotExist(csrOut, t('cli.card.theCsrFile'));
  const manifest = opts.manifest ? resolve(opts.manifest) : undefined;
  const deps = flowDeps(ctx);

  const say = (s: string) => !ctx.settings.json && ctx.io.stderr.write(s);
  const progress = progressPrinter(ctx);
  const chosen: { cert: Certificate | null } = { cert: null };
  let made: { csrPem: string; keyId: string } | null = null;
  let kept: { serial: string; pin: string } | undefined;
  const run = async () => {
    // Subject and algorithm rules come from the portal only with --for; --cn works fully offline.
    const subject = await keySubjectFor(deps, { certificateId: opts.for, commonName: opts.cn, domains: opts.domain }, algorithm);
    chosen.cert = 'certificate' in subject ? subject.certificate : null;
    const { token, reader } = await findCard(deps, tokenSelector(opts.token, opts.serial));
    assertCardKeygen(subject, algorithm, token);
    const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
    const pin = await askPin(ctx, token, opts);
    // --wait: the same PIN installs the new copy on this card once the portal has issued it.
    if (opts.wait) kept = { serial: token.serial, pin };
    say(`${t('cli.card.generating', { algorithm: algorithmLabel(algorithm), card: describeToken(token), reader: reader.name })}\n`);
    return generateOnCard(deps, { subject, algorithm, token, pin, confirmFinalTry, csrOut, manifest, submit: Boolean(opts.submit) }, (e) => {
      if (e.type === 'card-progress') progress(e.progress);
      else if (e.type === 'key-generated') {
        made = { csrPem: e.csrPem, keyId: e.keyId };
        say(`${t('cli.card.generated', { keyId: e.keyId, keyUri: e.keyUri, cardUri: e.token.uri })}\n`);
      } else if (e.type === 'csr-written') say(`${t('cli.card.wrote', { path: e.path })}\n`);
      else if (e.type === 'submitting') say(`${t('cli.card.submitting')}\n`);
    });
  };
  let outcome;
  try {
    outcome = await untilStopped(ctx, run, () => made !== null, say);
  } catch (e) {
    if (e === CANCELLED) {
      ctx.io.stderr.write(`${cancelledLine()}\n`);
      return EXIT_INTERRUPTED;
    }
    const c = chosen.cert;
    const m = made as { csrPem: string; keyId: string } | null;
    if (!m || !c || !opts.submit) throw e;
    // The key pair stays on the card, unsubmitted: keep its CSR and say how to submit it.
    const later = await keepForLater(m.csrPem, c.id, m.keyId, csrOut, process.cwd(), manifest);
    if (e === STOPPED) {
      ctx.io.stderr.write(`${stoppedLines(later.command)}\n`);
      return EXIT_INTERRUPTED;
    }
    ctx.io.stderr.write(`${t('cli.card.submitLater', { command: later.command })}\n`);
    throw e;
  }
  const { keygen, issued } = outcome;
  const cert = chosen.cert;
  const key = keyJson(keygen);
  if (issued && opts.wait && isPendingReissue(issued)) {
    // The portal validates first: asked again until it issues, then installed next to the key.
    const enrolled = await untilIssued(ctx, issued);
    return printEnrolled(ctx, enrolled, opts, kept, { key });
  }
  if (issued) {
    if (ctx.settings.json) return printJson(ctx, { ...issued, key });
    printReissueResult(ctx, issued);
    // A pending order is installed once `reissue resume` has the new copy.
    if (!isPendingReissue(issued)) printText(ctx, t('cli.card.installNext', { id: issued.certificate.id }));
    return;
  }

  const next = cert ? submitLaterCommand(cert.id, csrOut ?? 'FILE', manifest) : null;
  if (ctx.settings.json) {
    return printJson(ctx, { csr: keygen.csrPem, csrFile: csrOut ?? null, algorithm, for: cert?.id ?? null, ...key, next });
  }
  if (!csrOut) ctx.io.stdout.write(keygen.csrPem);
  else if (next) printText(ctx, t('cli.card.next', { command: next }));
  else printText(ctx, t('cli.card.nextOffline', { command: submitLaterCommand('ID', csrOut, manifest), manifest: manifest ? ` --manifest ${manifest}` : '' }));
}


/** The key pair as --json shows it: id, label, URI, token, module. */
function keyJson(k: KeygenResult) {
  return { keyId: k.keyId, label: k.label, keyUri: k.keyUri, module: k.module, token: { label: k.token.label, serial: k.token.serial, uri: k.token.uri } };
}

async function installCommand(ctx: CliContext, id: string | undefined, opts: InstallOpts): Promise<number | void> {
  const wrong = installUsageError(id, opts);
  if (wrong) throw wrong;
  const deps = flowDeps(ctx);
  const certificates = await loadIssuedCertificates(deps, id ? { certificateId: id } : { file: opts.cert! });
  const key = opts.key ? parsePkcs11Uri(opts.key) : undefined;
  const target = await findInstallTarget(deps, certificates, { selector: tokenSelector(opts.token, opts.serial), key, manifest: opts.manifest });
  const result = await installOnItsCard(ctx, target, opts);
  if (ctx.settings.json) return printJson(ctx, installJson(result, target.skipped));
  printText(ctx, installText(result, target.left));
}

async function deleteCommand(ctx: CliContext, uri: string, opts: DeleteOpts): Promise<number | void> {
  const key = parsePkcs11Uri(uri);
  if (!key.id) throw usageError('uri-without-id', t('cli.card.uriWithoutId'), t('cli.card.uriWithoutIdHint'));
  const deps = flowDeps(ctx);
  const { token } = await findCard(deps, { uri: key });
  const inv = await (await ctx.card()).inventory({ keys: true });
  const pair = inv.readers.find((r) => r.token?.serial === token.serial && r.token.label === token.label)?.keys?.find((k) => k.id === key.id);
  // Refused before the PIN is asked; the card layer checks again under the login.
  if (pair?.certificate && !opts.force) {
    throw inputError('key-has-certificate', t('cli.card.keyHasCertificate', { id: key.id, card: describeToken(token), label: pair.certificate.label }), t('cli.card.keyHasCertificateHint'));
  }
  if (!opts.yes) {
    if (opts.pinStdin || !canPrompt(ctx.io)) throw usageError('confirmation-needed', t('cli.card.confirmationNeeded'), t('cli.card.confirmationNeededHint'));
    const what = pair ? t(pair.certificate ? 'cli.card.pairNamedWithCertificate' : 'cli.card.pairNamed', { label: pair.label, id: key.id }) : t('cli.card.pairById', { id: key.id });
    if (!(await confirm(ctx.io, t('cli.card.removeQuestion', { what, card: describeToken(token) })))) {
      ctx.io.stderr.write(`${t('cli.card.nothingRemoved')}\n`);
      return 0;
    }
  }
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, { ...opts, force: false });
  const pin = await askPin(ctx, token, opts);
  const result = await deleteFromCard(deps, { key, token, pin, confirmFinalTry, force: Boolean(opts.force) });
  if (ctx.settings.json) return printJson(ctx, { keyId: result.keyId, token: { label: result.token.label, serial: result.token.serial, uri: result.token.uri }, removed: result.removed });
  const r = result.removed;
  printText(ctx, t('cli.card.removed', { card: describeToken(token), privateKeys: r.privateKeys, publicKeys: r.publicKeys, certificates: r.certificates, keyId: result.keyId }));
}

/**
 * `--token` is both the global API token and, after `card keygen|install`, the card's label;
 * commander hands every `--token` to the global option. Give the ones written after `card` back
 * to the card command, and leave the global one only what was written before it.
 */
function claimTokenLabel(program: Command, action: Command): void {
  const raw = (program as Command & { rawArgs: string[] }).rawArgs ?? [];
  const at = raw.indexOf('card');
  if (at < 0) return;
  const values = (from: number, to: number) => {
    const out: string[] = [];
    for (let i = from; i < to; i++) {
      const a = raw[i]!;
      if (a === '--') break;
      if (a === '--token' && i + 1 < to) out.push(raw[++i]!);
      else if (a.startsWith('--token=')) out.push(a.slice('--token='.length));
    }
    return out;
  };
  const label = values(at + 1, raw.length).pop();
  if (label === undefined) return;
  action.setOptionValue('token', label);
  program.setOptionValue('token', values(0, at).pop());
}

const CANCELLED = Symbol('cancelled');
const STOPPED = Symbol('stopped');

/**
 * Ctrl+C during a card keygen. Before the key pair exists: the card stops at its next safe point
 * (removing a half-made pair) and `run` rejects with CANCELLED, unless the pair was finished
 * first, in which case it goes on. Once the pair exists a first Ctrl+C only says the submission is
 * being finished; a second one rejects with STOPPED, leaving the submission to a later command.
 */
async function untilStopped<T>(ctx: CliContext, work: () => Promise<T>, keyExists: () => boolean, say: (s: string) => void): Promise<T> {
  ctx.handlesSignals = true;
  let cancelled = false;
  let afterKey = 0;
  let stop!: (why: symbol) => void;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  const onInterrupt = () => {
    if (!keyExists()) {
      if (cancelled) return;
      cancelled = true;
      say(`\n${t('cli.card.stopping')}\n`);
      void ctx.card().then((c) => c.close());
      return;
    }
    if (++afterKey === 1) say(`\n${t('cli.card.finishing')}\n`);
    else stop(STOPPED);
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await Promise.race([
      work().catch((e) => {
        throw cancelled && !keyExists() ? CANCELLED : e;
      }),
      stopped,
    ]);
  } finally {
    process.off('SIGINT', onInterrupt);
    ctx.handlesSignals = false;
  }
}
