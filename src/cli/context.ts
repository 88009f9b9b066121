// The CLI's composition root: turns settings into real adapters (the portal of the kind --portal
// names, the card service), loaded lazily so a command only pays for what it uses.
import type { CardService } from '../card/card.js';
import { clockFromEnv, type Clock } from '../domain/clock.js';
import { usageError } from '../domain/errors.js';
import type { AnyPortal, PortalProgressEvent } from '../portal/portal.js';
import { findPortalKind, openPortalOf, portalKind, type PortalKind } from '../portal/registry.js';
import type { Settings } from './env.js';
import type { DnsManualPrompt, DnsRecord } from '../portal/acme/challenges.js';
import { t } from '../i18n/i18n.js';
import { formatDateTime } from '../wizard/format.js';

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** The portal kinds --portal chooses from (default: the registry's); a test brings its own. */
  portalKinds?: readonly PortalKind[];
}

export interface CliContext {
  settings: Settings;
  io: Io;
  clock: Clock;
  /** The kind --portal names (src/portal/registry.ts) is the embedded sandbox. */
  isLocalPortal: boolean;
  /** REISSUE_NOW in force (the embedded sandbox only). */
  simulatedDate: Date | null;
  /** "SIMULATED DATE …" and a newline the first time it is asked for while a date is simulated, else "". */
  simulatedDateNotice(): string;
  /** Set by a command that shuts down on SIGINT/SIGTERM itself (serve drains its requests). */
  handlesSignals: boolean;
  /**
   * Where a CA's step-by-step progress goes (the ACME order, each authorization): one line each on
   * stderr by default; the wizard replaces it (a line on stderr would tear its frame).
   */
  portalProgress: (event: PortalProgressEvent) => void;
  /**
   * dns-01 by hand (no --dns-hook): shows the TXT records and waits until the user says they are
   * published. On a terminal the CLI prints them and waits for Enter; the wizard replaces it with
   * its screen; undefined without a terminal (the order then needs --dns-hook).
   */
  dnsManual: DnsManualPrompt | undefined;
  /** Opened on first use, closed by close(). */
  portal(): Promise<AnyPortal>;
  card(): Promise<CardService>;
  /** Runs on every exit path (Ctrl+C and SIGTERM included). */
  close(): Promise<void>;
}

export function createContext(settings: Settings, io: Io): CliContext {
  // An unknown kind is reported when the portal is opened (exit 2, naming the kinds known): commands
  // that need no portal (`config set portal …`, which repairs it) still run.
  const kind = findPortalKind(settings.portal, io.portalKinds);
  const isLocalPortal = kind?.embedded === true;
  // REISSUE_NOW moves the sandbox's clock, and a kind's own schedule (the ACME revocations); a
  // real portal otherwise keeps its own time.
  const movesClock = isLocalPortal || kind?.localSchedule === true;
  const clock = clockFromEnv(movesClock ? io.env.REISSUE_NOW : undefined);
  let portal: Promise<AnyPortal> | undefined;
  let card: Promise<CardService> | undefined;
  let closing: Promise<void> | undefined;
  const simulatedDate = movesClock && io.env.REISSUE_NOW ? clock.now() : null;
  let noticeShown = false;

  const ctx: CliContext = {
    settings,
    io,
    clock,
    isLocalPortal,
    simulatedDate,
    simulatedDateNotice() {
      if (!simulatedDate || noticeShown) return '';
      noticeShown = true;
      // The sandbox can be reset; a CA's revocations carried out at the moved date are real.
      return `${t(isLocalPortal ? 'format.simulatedDate' : 'format.simulatedDateSchedule', { date: formatDateTime(simulatedDate.toISOString()) })}\n`;
    },
    handlesSignals: false,
    portalProgress: (event) => io.stderr.write(`${progressLine(event)}\n`),
    dnsManual: io.stdin.isTTY && io.stderr.isTTY ? (records) => dnsRecordsOnTerminal(io, records) : undefined,
    portal: () => (portal ??= openPortal(settings, portalKind(settings.portal, io.portalKinds), clock, io, (event) => ctx.portalProgress(event), () => ctx.dnsManual)),
    card: () =>
      (card ??= import('../card/service.js').then((m) =>
        // A Ctrl+C during a key generation waits for the card to finish its step and remove the
        // half-made pair; ending the thread earlier would leave the pair on the card.
        m.createCardService({ modulePath: settings.module }),
      )),
    // The same promise for every caller: a repeated Ctrl+C must wait for the card's cleanup
    // (removing a half-made key pair, finalising), not exit under it.
    close() {
      return (closing ??= Promise.allSettled([portal?.then((x) => x.close()), card?.then((x) => x.close())]).then(() => undefined));
    },
  };
  return ctx;
}

async function openPortal(settings: Settings, kind: PortalKind, clock: Clock, io: Io, onProgress: (event: PortalProgressEvent) => void, dnsManual: () => DnsManualPrompt | undefined): Promise<AnyPortal> {
  if (settings.portalCredentials) throw portalCredentialsRefused(settings.portal);
  return openPortalOf(kind, {
    spec: settings.portal,
    dataDir: settings.dataDir,
    token: settings.token,
    caFile: settings.caFile,
    allowInsecureHttp: settings.allowInsecureHttp,
    clock,
    reminderDays: async () => {
      const [{ readConfigValues }, { parseReminderDays }] = await Promise.all([import('./config-file.js'), import('../domain/policy.js')]);
      return parseReminderDays((await readConfigValues()).reminderDays);
    },
    certumCredentials: async (refused) =>
      (await import('./certum-credentials.js')).certumCredentials({
        io,
        refused,
        passwordFile: settings.certumPasswordFile,
        configUser: async () => (await (await import('./config-file.js')).readConfigValues()).certumUser,
      }),
    env: io.env,
    acmeSettings: async () => {
      const [{ parseRevokeAfterDays }, { parseChallenge }] = await Promise.all([import('../domain/policy.js'), import('../portal/acme/challenges.js')]);
      const { challenge, httpAddress, webroot, dnsHook, revokeAfterDays } = settings.acme;
      return { challenge: parseChallenge(challenge), httpAddress, webroot, dnsHook, revokeAfterDays: parseRevokeAfterDays(revokeAfterDays) };
    },
    dnsManual,
    // A CA validating step by step: one line per step on stderr (stdout stays the command's answer).
    onProgress,
  });
}

/**
 * dns-01 by hand on the CLI: each record exactly as a zone file writes it, then a wait for Enter
 * typed after the records were shown (Esc or Ctrl+C cancels the order).
 */
async function dnsRecordsOnTerminal(io: Io, records: DnsRecord[]): Promise<void> {
  const { waitForEnter } = await import('./prompt.js');
  const lines = [t('cli.dnsManual.intro', { count: records.length }), '', ...records.map((r) => `  ${r.name} TXT "${r.value}"`), '', t('cli.dnsManual.wait')];
  io.stderr.write(`${lines.join('\n')}\n`);
  const { dnsManualCancelled } = await import('../portal/acme/challenges.js');
  await waitForEnter(io, `${t('cli.dnsManual.enter')} `, dnsManualCancelled);
}

/** One line of a CA's progress, in the user's language (stderr for commands, the screen for the wizard). */
export function progressLine(event: PortalProgressEvent): string {
  if (event.type === 'authorization') return t(`cli.acmeProgress.authorization.${event.status}`, { identifier: event.identifier, challenge: event.challenge });
  if (event.type === 'order') return t('cli.acmeProgress.order', { order: event.orderUrl, status: event.status });
  return t('cli.acmeProgress.finalizing');
}

/**
 * A user name or password in the portal URL would travel into messages, doctor bundles and logs;
 * the portal signs in with the API token alone. `shown` is the URL with them hidden.
 */
export function portalCredentialsRefused(shown: string) {
  return usageError('portal-url-credentials', t('cli.context.portalCredentials', { portal: shown }), t('cli.context.portalCredentialsHint'));
}
