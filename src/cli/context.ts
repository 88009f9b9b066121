// The CLI's composition root: turns settings into real adapters (the portal of the kind --portal
// names, the card service), loaded lazily so a command only pays for what it uses.
import type { CardService } from '../card/card.js';
import { clockFromEnv, type Clock } from '../domain/clock.js';
import { usageError } from '../domain/errors.js';
import type { AnyPortal } from '../portal/portal.js';
import { findPortalKind, openPortalOf, portalKind, type PortalKind } from '../portal/registry.js';
import type { Settings } from './env.js';
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
  // REISSUE_NOW moves the sandbox's clock only; a real portal keeps its own time.
  const clock = clockFromEnv(isLocalPortal ? io.env.REISSUE_NOW : undefined);
  let portal: Promise<AnyPortal> | undefined;
  let card: Promise<CardService> | undefined;
  let closing: Promise<void> | undefined;
  const simulatedDate = isLocalPortal && io.env.REISSUE_NOW ? clock.now() : null;
  let noticeShown = false;

  return {
    settings,
    io,
    clock,
    isLocalPortal,
    simulatedDate,
    simulatedDateNotice() {
      if (!simulatedDate || noticeShown) return '';
      noticeShown = true;
      return `${t('format.simulatedDate', { date: formatDateTime(simulatedDate.toISOString()) })}\n`;
    },
    handlesSignals: false,
    portal: () => (portal ??= openPortal(settings, portalKind(settings.portal, io.portalKinds), clock, io)),
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
}

async function openPortal(settings: Settings, kind: PortalKind, clock: Clock, io: Io): Promise<AnyPortal> {
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
  });
}

/**
 * A user name or password in the portal URL would travel into messages, doctor bundles and logs;
 * the portal signs in with the API token alone. `shown` is the URL with them hidden.
 */
export function portalCredentialsRefused(shown: string) {
  return usageError('portal-url-credentials', t('cli.context.portalCredentials', { portal: shown }), t('cli.context.portalCredentialsHint'));
}
