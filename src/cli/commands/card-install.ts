// The install step of the card path, shared by `card install` and by the end of a card-key
// reissue that the portal left pending (`resume`): the card holding the key found without a PIN,
// the final-try consent and the PIN asked as every card command asks them, the certificate
// written next to its key (src/flows/card.ts), and the answer as text or JSON.
import type { CardProgress, InstallResult } from '../../card/card.js';
import { describeToken } from '../../card/select.js';
import { isReissueError } from '../../domain/errors.js';
import type { ReissueResult } from '../../domain/types.js';
import { findInstallTarget, installOnCard, loadIssuedCertificates, type InstallTarget } from '../../flows/card.js';
import { t } from '../../i18n/i18n.js';
import type { CliContext } from '../context.js';
import { flowDeps } from '../flow-deps.js';
import { printJson, printText } from '../output.js';
import { canPrompt } from '../prompt.js';
import { askPin, finalTryConsent, type PinOpts } from './card-pin.js';

/** Consent, PIN, install: the certificate of `target` onto its card. */
export async function installOnItsCard(ctx: CliContext, target: InstallTarget, opts: PinOpts, knownPin?: string): Promise<InstallResult> {
  const { token } = target;
  const confirmFinalTry = await finalTryConsent(ctx, token.pin, opts);
  const pin = knownPin ?? (await askPin(ctx, token, opts));
  const progress = progressPrinter(ctx);
  return installOnCard(flowDeps(ctx), { certificateDer: target.certificate.der, token, pin, confirmFinalTry }, (e) => e.type === 'card-progress' && progress(e.progress));
}

export function installJson(result: InstallResult, skipped: string[]) {
  return {
    keyId: result.keyId,
    label: result.label,
    keyUri: result.keyUri,
    certificateUri: result.certificateUri,
    module: result.module,
    token: { label: result.token.label, serial: result.token.serial, uri: result.token.uri },
    alreadyPresent: Boolean(result.alreadyPresent),
    skipped,
  };
}

/** The install's lines for the terminal; `left`: the certificates of a bundle left out (install-plan). */
export function installText(result: InstallResult, left: InstallTarget['left']): string {
  const card = describeToken(result.token);
  return [
    result.alreadyPresent ? t('cli.card.alreadyPresent', { card, keyId: result.keyId }) : t('cli.card.installed', { label: result.label, card, keyId: result.keyId }),
    t('cli.card.certificateUri', { uri: result.certificateUri }),
    t('cli.card.keyUri', { uri: result.keyUri }),
    ...left.map((l) => t('cli.card.notInstalled', l)),
  ].join('\n');
}

/** What became of the new copy of a card-key reissue: on its card, or why not yet and the command that installs it. */
export type CardInstallOutcome = ({ installed: true } & ReturnType<typeof installJson>) | { installed: false; reason: string; command: string };

/**
 * The end of a card-key reissue: the new copy installed next to its key when the card holding it
 * is present (searched on every card, no PIN needed to find it) and a PIN can be had; otherwise
 * why not, and the command that installs it later. `json` for --json, `text` for the terminal.
 */
export async function installIssuedCopy(ctx: CliContext, result: ReissueResult, opts: PinOpts, knownPin?: { serial: string; pin: string }): Promise<{ json: CardInstallOutcome; text: string }> {
  const id = result.certificate.id;
  const deps = flowDeps(ctx);
  const later = (reason: string, command: string) => ({ json: { installed: false as const, reason, command }, text: t('cli.reissue.installLater', { reason, command }) });
  let target: InstallTarget;
  try {
    target = await findInstallTarget(deps, await loadIssuedCertificates(deps, { certificateId: id }), { selector: {} });
  } catch (e) {
    // No card with the key here (or no card layer at all): the new copy waits for it.
    if (!isReissueError(e) || e.kind !== 'card') throw e;
    return later(e.message, installCommand(id));
  }
  // The PIN typed for the key generation of this same run, when the key is on that card.
  const pin = knownPin?.serial === target.token.serial ? knownPin.pin : undefined;
  if (pin === undefined && !opts.pinStdin && !canPrompt(ctx.io) && !target.token.pin.protectedAuthPath) {
    return later(t('cli.reissue.installNoPin', { card: describeToken(target.token) }), installCommand(id, '--pin-stdin'));
  }
  const done = await installOnItsCard(ctx, target, opts, pin);
  return { json: { installed: true, ...installJson(done, target.skipped) }, text: installText(done, target.left) };
}

/** The command that installs copy `id` later. */
const installCommand = (id: string, ...more: string[]): string => ['reissue', 'card', 'install', id, ...more].join(' ');

/** The card's progress on stderr: a live line on a terminal, one line per step otherwise, nothing with --json. */
export function progressPrinter(ctx: CliContext): (p: CardProgress) => void {
  const err = ctx.io.stderr;
  const live = Boolean(err.isTTY) && !ctx.settings.json;
  const words = (phase: CardProgress['phase']) => t(`cli.card.progress.${phase}`);
  return (p) => {
    if (ctx.settings.json) return;
    const secs = 'elapsedMs' in p ? ` ${(p.elapsedMs / 1000).toFixed(1)} s` : '';
    if (p.type === 'started' && !live) err.write(`${words(p.phase)}…\n`);
    if (!live) return;
    if (p.type === 'started' || p.type === 'tick') err.write(`\r\x1b[2K${words(p.phase)}…${secs}`);
    else err.write(`\r\x1b[2K${words(p.phase)}: ${t(p.type === 'finished' ? 'cli.card.done' : 'cli.card.failed')}${secs}\n`);
  };
}

/**
 * The end of a reissue that went through a pending order: the answer, and for a key made on a
 * card the new copy installed next to it (or how to install it later). One JSON document.
 */
export async function printEnrolled(ctx: CliContext, outcome: ReissueResult, opts: PinOpts, knownPin?: { serial: string; pin: string }, extra: Record<string, unknown> = {}): Promise<void> {
  const { printReissueResult } = await import('./reissue.js');
  if (outcome.certificate.keySource !== 'card') return ctx.settings.json ? printJson(ctx, { ...outcome, ...extra }) : printReissueResult(ctx, outcome);
  if (!ctx.settings.json) printReissueResult(ctx, outcome);
  const install = await installIssuedCopy(ctx, outcome, opts, knownPin);
  if (ctx.settings.json) return printJson(ctx, { ...outcome, ...extra, install: install.json });
  printText(ctx, install.text);
}
