// `card pin change` and `card pin unblock`, and the PIN prompts every card command shares: the
// final-try consent (user PIN or PUK) and the masked PIN entry. The card's length range (bytes) and
// a mismatched new PIN are refused here, before the card is asked; the card layer checks again.
import type { Command } from 'commander';
import type { PinHolder, PinState, TokenInfo } from '../../card/card.js';
import { finalTryNeedsConfirmation, pukFinalTryNeedsConfirmation } from '../../card/messages.js';
import { checkNewPin, checkPinLength, checkPinState, checkSoPinState, pinRange } from '../../card/pin-rules.js';
import { describeToken } from '../../card/select.js';
import { changeCardPin, findCard, tokenSelector, unblockCardPin } from '../../flows/card.js';
import { t } from '../../i18n/i18n.js';
import type { CliContext } from '../context.js';
import { flowDeps } from '../flow-deps.js';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { canPrompt, confirm, readLineFromStdin, readSecret } from '../prompt.js';
import { readLinesFromStdin } from '../stdin-lines.js';

export interface PinOpts {
  token?: string;
  serial?: string;
  pinStdin?: boolean;
  force?: boolean;
}

export function registerPinCommands(card: Command, r: Registrar): void {
  const pin = card.command('pin').description(t('cli.cardPin.group'));
  pin
    .command('change')
    .description(t('cli.cardPin.change'))
    .option('--token <LABEL|SERIAL|URI>', t('cli.card.token'))
    .option('--pin-stdin', t('cli.cardPin.changeStdin'))
    .option('--force', t('cli.card.force'))
    .option('--json', t('cli.jsonDocument'))
    .action(r.action(async (ctx, opts: PinOpts) => changeCommand(ctx, opts)));
  pin
    .command('unblock')
    .description(t('cli.cardPin.unblock'))
    .option('--token <LABEL|SERIAL|URI>', t('cli.card.token'))
    .option('--pin-stdin', t('cli.cardPin.unblockStdin'))
    .option('--force', t('cli.cardPin.unblockForce'))
    .option('--json', t('cli.jsonDocument'))
    .action(r.action(async (ctx, opts: PinOpts) => unblockCommand(ctx, opts)));
}

async function changeCommand(ctx: CliContext, opts: PinOpts): Promise<void> {
  const deps = flowDeps(ctx);
  const { token } = await findCard(deps, tokenSelector(opts.token, opts.serial));
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const [pin, newPin] = await askPins(ctx, token, opts, 'user');
  const result = await changeCardPin(deps, { token, pin, newPin, confirmFinalTry });
  report(ctx, 'changed', result.token);
}

async function unblockCommand(ctx: CliContext, opts: PinOpts): Promise<void> {
  const deps = flowDeps(ctx);
  const { token } = await findCard(deps, tokenSelector(opts.token, opts.serial));
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts, 'so');
  const [puk, newPin] = await askPins(ctx, token, opts, 'so');
  const result = await unblockCardPin(deps, { token, puk, newPin, confirmFinalTry });
  report(ctx, 'unblocked', result.token);
}

function report(ctx: CliContext, what: 'changed' | 'unblocked', token: TokenInfo): void {
  if (ctx.settings.json) return printJson(ctx, { result: what, token: { label: token.label, serial: token.serial, uri: token.uri }, pin: token.pin });
  printText(ctx, t(`cli.cardPin.${what}`, { card: describeToken(token) }));
}

/**
 * The current PIN (or the PUK) and the new PIN: from stdin one a line, or masked on the terminal
 * with the new one typed twice. Each is checked against the card's range as soon as it is typed.
 * On a PIN pad nothing is asked here: the reader asks for each.
 */
async function askPins(ctx: CliContext, token: TokenInfo, opts: PinOpts, who: PinHolder): Promise<[string, string]> {
  const state = token.pin;
  if (state.protectedAuthPath && !opts.pinStdin) {
    ctx.io.stderr.write(`${t('cli.card.pinOnReader')}\n`); // stderr: also with --json, or the user would wait for nothing
    return ['', ''];
  }
  const first = t(who === 'so' ? 'cli.cardPin.what.puk' : 'cli.cardPin.what.current');
  if (opts.pinStdin) {
    const [secret, newPin] = await readLinesFromStdin(ctx.io.stdin, [first, t('cli.cardPin.what.new')]);
    checkPinLength(secret!, state, who);
    checkNewPin(newPin!, null, state);
    return [secret!, newPin!];
  }
  const secret = await readSecret(ctx.io, t(who === 'so' ? 'cli.cardPin.pukPrompt' : 'cli.cardPin.currentPrompt', { label: token.label }));
  checkPinLength(secret, state, who);
  const newPin = await readSecret(ctx.io, t('cli.cardPin.newPrompt', pinRange(state)));
  checkNewPin(newPin, null, state);
  const again = await readSecret(ctx.io, t('cli.cardPin.againPrompt'));
  checkNewPin(newPin, again, state);
  return [secret, newPin];
}

/**
 * Locked / not initialised stop here; a final try needs a yes on a TTY, or --force with
 * --pin-stdin. For the PUK (`who` 'so') only its own tries count: a locked PUK makes the card unusable.
 */
export async function finalTryConsent(ctx: CliContext, pin: PinState, opts: PinOpts, who: PinHolder = 'user'): Promise<boolean> {
  const finalTry = who === 'so' ? Boolean(pin.so?.finalTry) : pin.finalTry;
  if (who === 'so') checkSoPinState(pin, true);
  else checkPinState({ ...pin, finalTry: false }, false);
  if (!finalTry || opts.force) return finalTry;
  if (!opts.pinStdin && canPrompt(ctx.io)) {
    const ok = await confirm(ctx.io, t(who === 'so' ? 'cli.cardPin.pukFinalTryQuestion' : 'cli.card.finalTryQuestion'));
    if (ok) return true;
  }
  throw who === 'so' ? pukFinalTryNeedsConfirmation() : finalTryNeedsConfirmation();
}

/** The user PIN for a card operation: masked, or the first line of stdin; none on a PIN pad. */
export async function askPin(ctx: CliContext, token: TokenInfo, opts: PinOpts): Promise<string> {
  if (token.pin.protectedAuthPath && !opts.pinStdin) {
    ctx.io.stderr.write(`${t('cli.card.pinOnReader')}\n`);
    return '';
  }
  const pin = opts.pinStdin ? await readLineFromStdin(ctx.io.stdin, 'PIN') : await readSecret(ctx.io, t('cli.card.pinPrompt', { label: token.label }));
  checkPinLength(pin, token.pin);
  return pin;
}
