// The card path: card list, card keygen (key pair on the card, CSR signed on the card, optionally
// submitted as a reissue) and card install (the issued certificate next to its key). All PKCS#11
// work runs in the card worker (ctx.card()); here: options, PIN entry, confirmation, output.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { ReissueError, usageError } from '../../domain/errors.js';
import type { Algorithm } from '../../domain/types.js';
import type { CardInventory, CardProgress, PinState, TokenInfo, TokenSelector } from '../../card/card.js';
import { finalTryNeedsConfirmation } from '../../card/messages.js';
import { checkPinLength, checkPinState } from '../../card/pin-rules.js';
import { describeToken } from '../../card/select.js';
import { startCardWorker } from '../../card/worker-start.js';
import { assertCardKeygen, findCard, generateOnCard, installOnCard, keySubjectFor, loadIssuedCertificate } from '../../flows/card.js';
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

interface KeygenOpts extends CardOpts {
  for?: string;
  cn?: string;
  domain?: string[];
  algorithm: string;
  csrOut?: string;
  submit?: boolean;
}

interface InstallOpts extends CardOpts {
  cert?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerCardCommands(program: Command, r: Registrar): void {
  const card = program.command('card').description('PKCS#11 cards: list readers and cards, generate a key pair on a card, install a certificate');
  card.hook('preAction', (_group, action) => {
    claimTokenLabel(program, action);
    // The card commands need the worker: boot it while the settings are read (~30 ms saved). Not
    // for a usage error: exiting would then wait for the thread to finish booting.
    if (!usageErrorOf(action)) startCardWorker();
  });

  card
    .command('list')
    .description('modules, readers, cards, PIN state and what each card can generate')
    .option('--json', 'JSON on stdout')
    .action(
      r.action(async (ctx) => {
        const inv = await (await ctx.card()).inventory();
        if (ctx.settings.json) return printJson(ctx, inv);
        printText(ctx, inventoryText(inv));
      }),
    );

  card
    .command('keygen')
    .description('generate a key pair on the card and a CSR signed by it; --submit reissues with it')
    .option('--for <ID>', 'certificate to reissue (subject, domains and allowed algorithms come from it)')
    .option('--cn <NAME>', 'offline: common name for the CSR (instead of --for)')
    .option('--domain <D>', 'offline: a domain for the CSR (repeatable)', collect)
    .requiredOption('--algorithm <ALG>', 'rsa-2048 | rsa-3072 | rsa-4096 | ec-p256 | ec-p384')
    .option('--token <LABEL>', 'the card, by token label')
    .option('--serial <S>', 'the card, by serial (card number)')
    .option('--pin-stdin', 'read the PIN from the first line of stdin')
    .option('--force', 'with --pin-stdin: go ahead even when the card has one PIN try left')
    .option('--csr-out <FILE>', 'write the CSR here (works offline, with no portal)')
    .option('--submit', 'submit the CSR as a reissue of --for')
    .option('--json', 'JSON on stdout')
    .action(r.action(async (ctx, opts: KeygenOpts) => keygenCommand(ctx, opts)));

  card
    .command('install')
    .description('put an issued certificate on the card holding its key (matched by public key)')
    .argument('[ID]', 'certificate id or serial: downloaded from the portal')
    .option('--cert <FILE>', 'the certificate file instead of ID (PEM or DER; - for stdin)')
    .option('--token <LABEL>', 'the card, by token label')
    .option('--serial <S>', 'the card, by serial (card number)')
    .option('--pin-stdin', 'read the PIN from the first line of stdin')
    .option('--force', 'with --pin-stdin: go ahead even when the card has one PIN try left')
    .option('--json', 'JSON on stdout')
    .action(r.action(async (ctx, id: string | undefined, opts: InstallOpts) => installCommand(ctx, id, opts)));
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
  if (opts.submit && !opts.for) return usageError('submit-needs-for', '--submit reissues a certificate: name it with --for ID.', 'Offline, write the CSR with --csr-out and submit it later with `reissue submit ID --csr FILE`.');
  return null;
}

function installUsageError(id: string | undefined, opts: InstallOpts): ReissueError | null {
  if (!id === !opts.cert) return usageError('install-what', 'Name the certificate to install: an ID (downloaded from the portal) or --cert FILE, not both.', 'Example: reissue card install --cert new.pem --token "my card"');
  return null;
}

async function keygenCommand(ctx: CliContext, opts: KeygenOpts): Promise<number | void> {
  const wrong = keygenUsageError(opts);
  if (wrong) throw wrong;
  const algorithm = opts.algorithm as Algorithm; // checked by keygenUsageError
  const csrOut = opts.csrOut && opts.csrOut !== '-' ? resolve(opts.csrOut) : undefined;
  if (csrOut) await mustNotExist(csrOut, 'The CSR file');
  const deps = flowDeps(ctx);

  // Subject and algorithm rules come from the portal only with --for; --cn works fully offline.
  const subject = await keySubjectFor(deps, { certificateId: opts.for, commonName: opts.cn, domains: opts.domain }, algorithm);
  const { token, reader } = await findCard(deps, selectorOf(opts));
  assertCardKeygen(subject, algorithm, token);
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = await askPin(ctx, token, opts);

  const say = (s: string) => !ctx.settings.json && ctx.io.stderr.write(s);
  say(
    `Generating a new ${algorithmLabel(algorithm)} key pair on card ${describeToken(token)} in reader "${reader.name}".\n` +
      'This may take up to several minutes. Do not remove the card from the reader during the operation.\n',
  );
  const progress = progressPrinter(ctx);
  let csrPem: string | null = null;
  const cert = 'certificate' in subject ? subject.certificate : null;
  let outcome;
  try {
    outcome = await generateOnCard(deps, { subject, algorithm, token, pin, confirmFinalTry, csrOut, submit: Boolean(opts.submit) }, (e) => {
      if (e.type === 'card-progress') progress(e.progress);
      else if (e.type === 'key-generated') {
        csrPem = e.csrPem;
        say(`Key pair generated (key ID ${e.keyId}); the CSR was signed on the card.\n`);
      } else if (e.type === 'csr-written') say(`Wrote ${e.path}\n`);
    });
  } catch (e) {
    // The key pair stays on the card: keep the CSR so it can still be submitted.
    if (csrPem && cert && opts.submit && !csrOut) ctx.io.stderr.write(`The key pair stays on the card. Its CSR, to submit later with \`reissue submit ${cert.id} --csr FILE\`:\n${csrPem}`);
    throw e;
  }
  const { keygen, issued } = outcome;
  if (issued) {
    printReissueResult(ctx, issued);
    if (!ctx.settings.json) printText(ctx, `Put the new copy on the card: reissue card install ${issued.certificate.id}${opts.token ? ` --token "${opts.token}"` : ''}`);
    return;
  }

  if (ctx.settings.json) {
    return printJson(ctx, {
      csr: keygen.csrPem,
      csrFile: csrOut ?? null,
      keyId: keygen.keyId,
      algorithm,
      token: { label: keygen.token.label, serial: keygen.token.serial },
      for: cert?.id ?? null,
    });
  }
  if (!csrOut) ctx.io.stdout.write(keygen.csrPem);
  else if (cert) printText(ctx, `Next: reissue submit ${cert.id} --csr ${csrOut}`);
  else printText(ctx, `Next: submit ${csrOut} as the reissue CSR; then install the certificate with: reissue card install --cert FILE`);
}

async function installCommand(ctx: CliContext, id: string | undefined, opts: InstallOpts): Promise<number | void> {
  const wrong = installUsageError(id, opts);
  if (wrong) throw wrong;
  const deps = flowDeps(ctx);
  const certificate = await loadIssuedCertificate(deps, id ? { certificateId: id } : { file: opts.cert! });

  const { token } = await findCard(deps, selectorOf(opts));
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = await askPin(ctx, token, opts);
  const progress = progressPrinter(ctx);
  const result = await installOnCard(deps, { certificate, token, pin, confirmFinalTry }, (e) => e.type === 'card-progress' && progress(e.progress));
  if (ctx.settings.json) return printJson(ctx, { keyId: result.keyId, token: { label: result.token.label, serial: result.token.serial }, alreadyPresent: Boolean(result.alreadyPresent) });
  printText(
    ctx,
    result.alreadyPresent
      ? `This certificate is already on card ${describeToken(token)} next to its key (key ID ${result.keyId}); nothing was written.`
      : `Installed "${certificate.label}" on card ${describeToken(token)} next to its key (key ID ${result.keyId}); read back and verified.`,
  );
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

function selectorOf(opts: CardOpts): TokenSelector {
  return { ...(opts.token !== undefined ? { label: opts.token } : {}), ...(opts.serial !== undefined ? { serial: opts.serial } : {}) };
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





export function inventoryText(inv: CardInventory): string {
  const lines: string[] = [];
  if (!inv.modules.length) lines.push('No PKCS#11 module found. Install OpenSC (or proCertum for Certum cards), or name one with --module PATH.');
  for (const m of inv.modules) {
    lines.push(m.loaded ? `Module ${m.path}${m.description ? ` — ${m.description}` : ''}` : `Module ${m.path} — could not be loaded: ${m.error}`);
    const readers = inv.readers.filter((x) => x.module === m.path);
    if (m.loaded && !readers.length) lines.push('  No readers found (is the reader connected, and pcscd running?)');
    for (const r of readers) {
      lines.push(`  Reader ${r.name} (slot ${r.slotId})`);
      if (!r.token) {
        lines.push(r.tokenPresent ? '    Card present but unreadable' : '    No card');
        continue;
      }
      const t = r.token;
      if (!t.pin.initialized) {
        lines.push(`    Card not initialised (${t.manufacturer} ${t.model})`);
        continue;
      }
      lines.push(`    Card "${t.label}"  serial ${t.serial}  ${t.manufacturer} ${t.model}`);
      lines.push(`      PIN: ${pinText(t.pin)}; ${t.pin.minLength}–${t.pin.maxLength} characters${t.pin.protectedAuthPath ? '; typed on the reader' : ''}`);
      lines.push(`      Can generate: ${t.algorithms.length ? t.algorithms.join(', ') : 'none of rsa-2048/3072/4096, ec-p256/384'}`);
    }
  }
  return lines.join('\n');
}

function pinText(p: PinState): string {
  if (!p.userPinSet) return 'user PIN not set';
  if (p.locked) return 'LOCKED (unblock with the PUK in the card manager)';
  if (p.finalTry) return 'ONE try left';
  if (p.countLow) return 'set, few tries left';
  return p.toBeChanged ? 'set, must be changed' : 'set';
}
