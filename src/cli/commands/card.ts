// The card path: card list, card keygen (key pair on the card, CSR signed on the card, optionally
// submitted as a reissue) and card install (the issued certificate next to its key). All PKCS#11
// work runs in the card worker (ctx.card()); here: options, PIN entry, confirmation, output.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { algorithmLabel, isAlgorithm } from '../../domain/algorithms.js';
import { inputError, portalError, ReissueError, usageError } from '../../domain/errors.js';
import type { Algorithm, Certificate } from '../../domain/types.js';
import type { CardInventory, CardProgress, PinState, ReaderInfo, TokenInfo, TokenSelector } from '../../card/card.js';
import { algorithmUnsupported, finalTryNeedsConfirmation, moduleLoadError, noModule } from '../../card/messages.js';
import { checkPinLength, checkPinState } from '../../card/pin-rules.js';
import { cardEvidence } from '../../card/evidence.js';
import { describeToken, pickToken } from '../../card/select.js';
import { startCardWorker } from '../../card/worker-start.js';
import { decodePemBlocks, looksLikePem } from '../../pki/pem.js';
import { mustNotExist, writeNewFile } from '../../util/files.js';
import type { CliContext } from '../context.js';
import { readInputFile } from '../input.js';
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
  if (opts.csrOut && opts.csrOut !== '-') await mustNotExist(opts.csrOut, 'The CSR file');

  // Subject and algorithm rules come from the portal only with --for; --cn works fully offline.
  let cert: Certificate | null = null;
  if (opts.for) {
    cert = await (await ctx.portal()).get(opts.for);
    assertCardAlgorithm(cert, algorithm);
  }
  const commonName = cert?.commonName ?? opts.cn!;
  const domains = cert?.domains ?? (opts.domain?.length ? opts.domain : [commonName]);

  const service = await ctx.card();
  const { token, reader } = await chooseCard(ctx, selectorOf(opts));
  if (!token.algorithms.includes(algorithm)) {
    const err = algorithmUnsupported(`${algorithmLabel(algorithm)}`, { token: token.label, supported: token.algorithms });
    throw new ReissueError('card', err.code, `The card ${describeToken(token)} cannot generate ${algorithmLabel(algorithm)} keys.`, `It can generate: ${token.algorithms.join(', ') || 'none of the algorithms reissue uses'}.`, err.details);
  }
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = await askPin(ctx, token, opts);

  const say = (s: string) => !ctx.settings.json && ctx.io.stderr.write(s);
  say(
    `Generating a new ${algorithmLabel(algorithm)} key pair on card ${describeToken(token)} in reader "${reader.name}".\n` +
      'This may take up to several minutes. Do not remove the card from the reader during the operation.\n',
  );
  const result = await service.generate({
    token: { serial: token.serial, label: token.label },
    algorithm,
    pin,
    commonName,
    domains,
    organization: cert?.organization ?? null,
    label: cert ? `reissue ${cert.orderId}` : `reissue ${commonName}`,
    confirmFinalTry,
    onProgress: progressPrinter(ctx),
  });
  say(`Key pair generated (key ID ${result.keyId}); the CSR was signed on the card.\n`);

  if (opts.csrOut && opts.csrOut !== '-') {
    await writeNewFile(opts.csrOut, result.csrPem);
    say(`Wrote ${opts.csrOut}\n`);
  }

  if (opts.submit && cert) {
    let issued;
    try {
      const portal = await ctx.portal();
      // The key source tells the portal the key pair was made on a card (card-only products).
      issued = await portal.reissue(cert.id, { keySource: 'card', csr: new TextEncoder().encode(result.csrPem), card: cardEvidence(result) }, randomUUID());
    } catch (e) {
      // The key pair stays on the card: keep the CSR so it can still be submitted.
      if (!opts.csrOut || opts.csrOut === '-') ctx.io.stderr.write(`The key pair stays on the card. Its CSR, to submit later with \`reissue submit ${cert.id} --csr FILE\`:\n${result.csrPem}`);
      throw e;
    }
    printReissueResult(ctx, issued);
    if (!ctx.settings.json) printText(ctx, `Put the new copy on the card: reissue card install ${issued.certificate.id}${opts.token ? ` --token "${opts.token}"` : ''}`);
    return;
  }

  if (ctx.settings.json) {
    return printJson(ctx, {
      csr: result.csrPem,
      csrFile: opts.csrOut && opts.csrOut !== '-' ? opts.csrOut : null,
      keyId: result.keyId,
      algorithm,
      token: { label: result.token.label, serial: result.token.serial },
      for: cert?.id ?? null,
    });
  }
  if (!opts.csrOut || opts.csrOut === '-') ctx.io.stdout.write(result.csrPem);
  else if (cert) printText(ctx, `Next: reissue submit ${cert.id} --csr ${opts.csrOut}`);
  else printText(ctx, `Next: submit ${opts.csrOut} as the reissue CSR; then install the certificate with: reissue card install --cert FILE`);
}

async function installCommand(ctx: CliContext, id: string | undefined, opts: InstallOpts): Promise<number | void> {
  const wrong = installUsageError(id, opts);
  if (wrong) throw wrong;
  const der = id ? await (await ctx.portal()).download(id, 'der') : certificateDer(await readInputFile(opts.cert!, ctx.io.stdin));
  const label = await certificateLabel(der);

  const service = await ctx.card();
  const { token } = await chooseCard(ctx, selectorOf(opts));
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = await askPin(ctx, token, opts);
  const result = await service.install({
    token: { serial: token.serial, label: token.label },
    pin,
    certificateDer: der,
    label,
    confirmFinalTry,
    onProgress: progressPrinter(ctx),
  });
  if (ctx.settings.json) return printJson(ctx, { keyId: result.keyId, token: { label: result.token.label, serial: result.token.serial }, alreadyPresent: Boolean(result.alreadyPresent) });
  printText(
    ctx,
    result.alreadyPresent
      ? `This certificate is already on card ${describeToken(token)} next to its key (key ID ${result.keyId}); nothing was written.`
      : `Installed "${label}" on card ${describeToken(token)} next to its key (key ID ${result.keyId}); read back and verified.`,
  );
}

/** The card to use, from the inventory; its state decides what to ask before the PIN. */
async function chooseCard(ctx: CliContext, selector: TokenSelector): Promise<{ token: TokenInfo; reader: ReaderInfo }> {
  const inv = await (await ctx.card()).inventory();
  const pick = pickToken(inv.readers, selector);
  if ('chosen' in pick) return { token: pick.chosen.token, reader: pick.chosen };
  if (!inv.modules.length) throw noModule();
  // Nothing seen at all because the module(s) failed to load: that is the real story.
  const failed = inv.modules.find((m) => !m.loaded);
  if (failed && !inv.readers.some((x) => x.token)) throw moduleLoadError(failed.path, new Error(failed.error ?? 'unknown error'));
  throw pick.error;
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

function certificateDer(bytes: Uint8Array): Uint8Array {
  if (!looksLikePem(bytes)) return bytes;
  const block = decodePemBlocks(Buffer.from(bytes).toString('latin1')).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw inputError('not-a-certificate', 'The file holds no PEM certificate ("BEGIN CERTIFICATE").', 'Use the certificate file issued by the portal (reissue download ID).');
  return block.der;
}

/** CKA_LABEL for the certificate object: its CN. */
async function certificateLabel(der: Uint8Array): Promise<string> {
  const { x509 } = await import('../../pki/x509.js');
  try {
    const cert = new x509.X509Certificate(Buffer.from(der));
    return cert.subjectName.getField('CN')[0] ?? cert.subject;
  } catch {
    throw inputError('not-a-certificate', 'The file is not an X.509 certificate (PEM or DER).', 'Use the certificate file issued by the portal (reissue download ID).');
  }
}

function assertCardAlgorithm(cert: Certificate, algorithm: Algorithm): void {
  if (!cert.keySources.includes('card')) {
    throw portalError('key-source-not-allowed', `The product "${cert.product}" takes a CSR, not a key generated on a card.`, `Use: reissue csr new --for ${cert.id} --algorithm ${cert.algorithms[0] ?? 'ALG'} …`);
  }
  if (!cert.algorithms.includes(algorithm)) {
    throw inputError('algorithm-not-allowed', `The product "${cert.product}" does not allow ${algorithmLabel(algorithm)}.`, `Choose one of: ${cert.algorithms.join(', ')}.`);
  }
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
