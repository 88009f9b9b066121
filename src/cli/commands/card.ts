// The card path: card list, card keygen (key pair on the card, CSR signed on the card, optionally
// submitted as a reissue, recorded in a manifest), card install (the issued certificate onto the
// card holding its key) and card delete (a leftover key pair). All PKCS#11 work runs in the card
// worker (ctx.card()); the steps are src/flows; here: options, PIN entry, confirmation, output.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { inputError, ReissueError, usageError } from '../../domain/errors.js';
import type { Algorithm, Certificate } from '../../domain/types.js';
import type { CardProgress, KeygenResult, PinState, TokenInfo } from '../../card/card.js';
import { inventoryFailure } from '../../card/inventory.js';
import { parsePkcs11Uri } from '../../card/uri.js';
import { finalTryNeedsConfirmation } from '../../card/messages.js';
import { checkPinLength, checkPinState } from '../../card/pin-rules.js';
import { describeToken } from '../../card/select.js';
import { startCardWorker } from '../../card/worker-start.js';
import {
  assertCardKeygen,
  deleteFromCard,
  findCard,
  findInstallTarget,
  generateOnCard,
  installOnCard,
  keepForLater,
  keySubjectFor,
  loadIssuedCertificates,
  submitLaterCommand,
  tokenSelector,
} from '../../flows/card.js';
import { CANCELLED_LINE, EXIT_INTERRUPTED, stoppedLines } from '../../flows/outcome.js';
import { inventoryText } from '../card-inventory.js';
import { mustNotExist } from '../../util/files.js';
import type { CliContext } from '../context.js';
import { flowDeps } from '../flow-deps.js';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { canPrompt, confirm, readLineFromStdin, readSecret } from '../prompt.js';
import { printReissueResult } from './reissue.js';

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
}

interface InstallOpts extends CardOpts {
  cert?: string;
  key?: string;
  manifest?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCardCommands(program: Command, r: Registrar): void {
  const card = program.command('card').description('PKCS#11 cards: list readers, cards and keys; generate a key pair on a card; install a certificate; delete a leftover key pair');
  card.hook('preAction', (_group, action) => {
    claimTokenLabel(program, action);
    // The card commands need the worker: boot it while the settings are read (~30 ms saved). Not
    // for a usage error: exiting would then wait for the thread to finish booting.
    if (!usageErrorOf(action)) startCardWorker();
  });

  card
    .command('list')
    .description('modules, readers, cards (with PKCS#11 URIs), PIN state, what each card can generate, its keys and certificates')
    .option('--json', 'JSON on stdout')
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
    .description('generate a key pair on the card and a CSR signed by it; --submit reissues with it')
    .option('--for <ID>', 'certificate to reissue (subject, domains and allowed algorithms come from it)')
    .option('--cn <NAME>', 'offline: common name for the CSR (instead of --for)')
    .option('--domain <D>', 'offline: a domain for the CSR (repeatable)', collect)
    .requiredOption('--algorithm <ALG>', 'rsa-2048 | rsa-3072 | rsa-4096 | ec-p256 | ec-p384')
    .option('--token <LABEL|SERIAL|URI>', 'the card: token label, serial, or PKCS#11 URI')
    .option('--serial <S>', 'the card, by serial (card number; spaces and case do not matter)')
    .option('--pin-stdin', 'read the PIN from the first line of stdin')
    .option('--force', 'with --pin-stdin: go ahead even when the card has one PIN try left')
    .option('--csr-out <FILE>', 'write the CSR here (works offline, with no portal)')
    .option('--manifest <FILE>', 'append one JSON line about the prepared key pair (offline preparation of many cards)')
    .option('--submit', 'submit the CSR as a reissue of --for')
    .option('--json', 'JSON on stdout')
    .action(r.action(async (ctx, opts: KeygenOpts) => keygenCommand(ctx, opts), { interrupted: CANCELLED_LINE }));

  card
    .command('install')
    .description('put an issued certificate on the card holding its key (matched by public key)')
    .argument('[ID]', 'certificate id or serial: downloaded from the portal')
    .option('--cert <FILE>', 'the certificate file instead of ID (PEM, PEM bundle or DER; - for stdin)')
    .option('--token <LABEL|SERIAL|URI>', 'only search this card (label, serial or PKCS#11 URI)')
    .option('--serial <S>', 'only search the card with this serial')
    .option('--key <URI>', 'the key pair, by its PKCS#11 URI (as card list prints it)')
    .option('--manifest <FILE>', 'the manifest card keygen wrote: names the card to insert when it is not present')
    .option('--pin-stdin', 'read the PIN from the first line of stdin')
    .option('--force', 'with --pin-stdin: go ahead even when the card has one PIN try left')
    .option('--json', 'JSON on stdout')
    .action(r.action(async (ctx, id: string | undefined, opts: InstallOpts) => installCommand(ctx, id, opts)));

  card
    .command('delete')
    .description('remove a leftover key pair from a card (asks first)')
    .argument('<KEY-URI>', 'the key pair, by the PKCS#11 URI card list prints')
    .option('--yes', 'do not ask for confirmation')
    .option('--force', 'also remove the certificate installed with the key')
    .option('--pin-stdin', 'read the PIN from the first line of stdin')
    .option('--json', 'JSON on stdout')
    .action(r.action(async (ctx, uri: string, opts: DeleteOpts) => deleteCommand(ctx, uri, opts)));
}

/** What is wrong with how a card command was called, before anything is read or asked. */
function usageErrorOf(action: Command): ReissueError | null {
  if (action.name() === 'keygen') return keygenUsageError(action.opts<KeygenOpts>());
  if (action.name() === 'install') return installUsageError(action.processedArgs[0] as string | undefined, action.opts<InstallOpts>());
  return null;
}

function keygenUsageError(opts: KeygenOpts): ReissueError | null {
  if (!isAlgorithm(opts.algorithm)) return usageError('bad-algorithm', `Unknown algorithm "${opts.algorithm}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
  if (!opts.for && !opts.cn) return usageError('missing-subject', 'Say which certificate the key is for: --for ID, or --cn NAME [--domain D …] offline.', 'Example: reissue card keygen --for ID --algorithm ec-p256 --csr-out new.csr');
  if (opts.for && (opts.cn || opts.domain)) return usageError('conflicting-options', '--for takes the subject from the certificate; do not combine it with --cn / --domain.');
  if (opts.submit && !opts.for) return usageError('submit-needs-for', '--submit reissues a certificate: name it with --for ID.', 'Offline, write the CSR with --csr-out and submit it later with `reissue submit ID --csr FILE --key-source card`.');
  return null;
}

function installUsageError(id: string | undefined, opts: InstallOpts): ReissueError | null {
  if (!id === !opts.cert) return usageError('install-what', 'Name the certificate to install: an ID (downloaded from the portal) or --cert FILE, not both.', 'Example: reissue card install --cert new.pem');
  return null;
}

async function keygenCommand(ctx: CliContext, opts: KeygenOpts): Promise<number | void> {
  const wrong = keygenUsageError(opts);
  if (wrong) throw wrong;
  const algorithm = opts.algorithm as Algorithm; // checked by keygenUsageError
  const csrOut = opts.csrOut && opts.csrOut !== '-' ? resolve(opts.csrOut) : undefined;
  if (csrOut) await mustNotExist(csrOut, 'The CSR file');
  const manifest = opts.manifest ? resolve(opts.manifest) : undefined;
  const deps = flowDeps(ctx);

  const say = (s: string) => !ctx.settings.json && ctx.io.stderr.write(s);
  const progress = progressPrinter(ctx);
  const chosen: { cert: Certificate | null } = { cert: null };
  let made: { csrPem: string; keyId: string } | null = null;
  const run = async () => {
    // Subject and algorithm rules come from the portal only with --for; --cn works fully offline.
    const subject = await keySubjectFor(deps, { certificateId: opts.for, commonName: opts.cn, domains: opts.domain }, algorithm);
    chosen.cert = 'certificate' in subject ? subject.certificate : null;
    const { token, reader } = await findCard(deps, tokenSelector(opts.token, opts.serial));
    assertCardKeygen(subject, algorithm, token);
    const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
    const pin = await askPin(ctx, token, opts);
    say(
      `Generating a new ${algorithmLabel(algorithm)} key pair on card ${describeToken(token)} in reader "${reader.name}".\n` +
        'This may take up to several minutes. Do not remove the card from the reader during the operation.\n',
    );
    return generateOnCard(deps, { subject, algorithm, token, pin, confirmFinalTry, csrOut, manifest, submit: Boolean(opts.submit) }, (e) => {
      if (e.type === 'card-progress') progress(e.progress);
      else if (e.type === 'key-generated') {
        made = { csrPem: e.csrPem, keyId: e.keyId };
        say(`Key pair generated (key ID ${e.keyId}); the CSR was signed on the card.\n  Key URI:  ${e.keyUri}\n  Card URI: ${e.token.uri}\n`);
      } else if (e.type === 'csr-written') say(`Wrote ${e.path}\n`);
      else if (e.type === 'submitting') say('Submitting the CSR to the portal…\n');
    });
  };
  let outcome;
  try {
    outcome = await untilStopped(ctx, run, () => made !== null, say);
  } catch (e) {
    if (e === CANCELLED) {
      ctx.io.stderr.write(`${CANCELLED_LINE}\n`);
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
    ctx.io.stderr.write(`The key pair stays on the card. Submit its CSR later with:\n  ${later.command}\n`);
    throw e;
  }
  const { keygen, issued } = outcome;
  const cert = chosen.cert;
  const key = keyJson(keygen);
  if (issued) {
    if (ctx.settings.json) return printJson(ctx, { ...issued, key });
    printReissueResult(ctx, issued);
    printText(ctx, `Put the new copy on the card: reissue card install ${issued.certificate.id}`);
    return;
  }

  const next = cert ? submitLaterCommand(cert.id, csrOut ?? 'FILE', manifest) : null;
  if (ctx.settings.json) {
    return printJson(ctx, { csr: keygen.csrPem, csrFile: csrOut ?? null, algorithm, for: cert?.id ?? null, ...key, next });
  }
  if (!csrOut) ctx.io.stdout.write(keygen.csrPem);
  else if (next) printText(ctx, `Next: ${next}`);
  else printText(ctx, `Next: ${submitLaterCommand('ID', csrOut, manifest)} (ID: the certificate it reissues); then: reissue card install --cert FILE${manifest ? ` --manifest ${manifest}` : ''}`);
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
  const { token } = target;
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = await askPin(ctx, token, opts);
  const progress = progressPrinter(ctx);
  const result = await installOnCard(deps, { certificateDer: target.certificate.der, token, pin, confirmFinalTry }, (e) => e.type === 'card-progress' && progress(e.progress));
  if (ctx.settings.json) {
    return printJson(ctx, {
      keyId: result.keyId,
      label: result.label,
      keyUri: result.keyUri,
      certificateUri: result.certificateUri,
      module: result.module,
      token: { label: result.token.label, serial: result.token.serial, uri: result.token.uri },
      alreadyPresent: Boolean(result.alreadyPresent),
      skipped: target.skipped,
    });
  }
  printText(
    ctx,
    [
      result.alreadyPresent
        ? `This certificate is already on card ${describeToken(token)} next to its key (key ID ${result.keyId}); nothing was written.`
        : `Installed "${result.label}" on card ${describeToken(token)} next to its key (key ID ${result.keyId}); read back and verified.`,
      `  Certificate URI: ${result.certificateUri}`,
      `  Key URI:         ${result.keyUri}`,
      ...target.skipped,
    ].join('\n'),
  );
}

async function deleteCommand(ctx: CliContext, uri: string, opts: DeleteOpts): Promise<number | void> {
  const key = parsePkcs11Uri(uri);
  if (!key.id) throw usageError('uri-without-id', 'The URI names no key pair: it has no "id=" attribute.', 'Copy the key URI `reissue card list` prints.');
  const deps = flowDeps(ctx);
  const { token } = await findCard(deps, { uri: key });
  const inv = await (await ctx.card()).inventory({ keys: true });
  const pair = inv.readers.find((r) => r.token?.serial === token.serial && r.token.label === token.label)?.keys?.find((k) => k.id === key.id);
  // Refused before the PIN is asked; the card layer checks again under the login.
  if (pair?.certificate && !opts.force) {
    throw inputError('key-has-certificate', `The key pair ${key.id} on card ${describeToken(token)} has the certificate "${pair.certificate.label}" installed with it; nothing was removed.`, 'Add --force to remove the certificate too (it cannot be used without its key).');
  }
  if (!opts.yes) {
    if (opts.pinStdin || !canPrompt(ctx.io)) throw usageError('confirmation-needed', 'Removing a key pair cannot be undone and needs confirmation.', 'Run it in a terminal, or pass --yes.');
    const what = pair ? `the key pair "${pair.label}" (id ${key.id}${pair.certificate ? ' and its certificate' : ''})` : `the key pair with id ${key.id}`;
    if (!(await confirm(ctx.io, `Remove ${what} from card ${describeToken(token)}? This cannot be undone.`))) {
      ctx.io.stderr.write('Nothing was removed.\n');
      return 0;
    }
  }
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, { ...opts, force: false });
  const pin = await askPin(ctx, token, opts);
  const result = await deleteFromCard(deps, { key, token, pin, confirmFinalTry, force: Boolean(opts.force) });
  if (ctx.settings.json) return printJson(ctx, { keyId: result.keyId, token: { label: result.token.label, serial: result.token.serial, uri: result.token.uri }, removed: result.removed });
  const r = result.removed;
  printText(ctx, `Removed from card ${describeToken(token)}: ${r.privateKeys} private key(s), ${r.publicKeys} public key(s), ${r.certificates} certificate(s) with id ${result.keyId}.`);
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

/** Locked / not initialised stop here; a final try needs a yes on a TTY, or --force with --pin-stdin. */
async function finalTryConsent(ctx: CliContext, pin: PinState, opts: CardOpts): Promise<boolean> {
  checkPinState({ ...pin, finalTry: false }, false);
  if (!pin.finalTry || opts.force) return pin.finalTry;
  if (!opts.pinStdin && canPrompt(ctx.io)) {
    const ok = await confirm(ctx.io, 'The card reports ONE PIN try left: a wrong PIN now locks it (unblocking needs the PUK). Continue?');
    if (ok) return true;
  }
  throw finalTryNeedsConfirmation();
}

async function askPin(ctx: CliContext, token: TokenInfo, opts: CardOpts): Promise<string> {
  if (token.pin.protectedAuthPath && !opts.pinStdin) {
    if (!ctx.settings.json) ctx.io.stderr.write('Enter the PIN on the reader\'s keypad when it asks.\n');
    return '';
  }
  const pin = opts.pinStdin ? await readLineFromStdin(ctx.io.stdin, 'PIN') : await readSecret(ctx.io, `PIN for card "${token.label}": `);
  checkPinLength(pin, token.pin);
  return pin;
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
      say('\nStopping: the card finishes its current step, then removes anything half-made…\n');
      void ctx.card().then((c) => c.close());
      return;
    }
    if (++afterKey === 1) say('\nThe key pair is on the card: finishing the submission. Press Ctrl+C again to stop it and submit later.\n');
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

/** Elapsed time on a terminal (one line, rewritten); phase changes only otherwise. */
function progressPrinter(ctx: CliContext): (p: CardProgress) => void {
  const err = ctx.io.stderr;
  const live = Boolean(err.isTTY) && !ctx.settings.json;
  const words = { login: 'Logging in', generate: 'Generating the key pair', sign: 'Signing the CSR on the card', install: 'Writing the certificate', verify: 'Reading it back' };
  return (p) => {
    if (ctx.settings.json) return;
    const secs = 'elapsedMs' in p ? ` ${(p.elapsedMs / 1000).toFixed(1)} s` : '';
    if (p.type === 'started' && !live) err.write(`${words[p.phase]}…\n`);
    if (!live) return;
    if (p.type === 'started' || p.type === 'tick') err.write(`\r\x1b[2K${words[p.phase]}…${secs}`);
    else err.write(`\r\x1b[2K${words[p.phase]}: ${p.type === 'finished' ? 'done' : 'failed'}${secs}\n`);
  };
}
