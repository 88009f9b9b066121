// The CLI's composition root: turns settings into real adapters (LocalPortal or HttpPortal, the
// card service), loaded lazily so a command only pays for what it uses.
import type { CardService } from '../card/card.js';
import { clockFromEnv, type Clock } from '../domain/clock.js';
import { usageError } from '../domain/errors.js';
import type { Portal } from '../portal/portal.js';
import type { Settings } from './env.js';

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  settings: Settings;
  io: Io;
  clock: Clock;
  isLocalPortal: boolean;
  /** Set by a command that shuts down on SIGINT/SIGTERM itself (serve drains its requests). */
  handlesSignals: boolean;
  /** Opened on first use, closed by close(). */
  portal(): Promise<Portal>;
  card(): Promise<CardService>;
  /** Runs on every exit path (Ctrl+C and SIGTERM included). */
  close(): Promise<void>;
}

export function createContext(settings: Settings, io: Io): CliContext {
  const isLocalPortal = settings.portal === 'local';
  // REISSUE_NOW moves the sandbox's clock only; a real portal keeps its own time.
  const clock = clockFromEnv(isLocalPortal ? io.env.REISSUE_NOW : undefined);
  let portal: Promise<Portal> | undefined;
  let card: Promise<CardService> | undefined;
  let closing: Promise<void> | undefined;

  return {
    settings,
    io,
    clock,
    isLocalPortal,
    handlesSignals: false,
    portal: () => (portal ??= openPortal(settings, clock)),
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

async function openPortal(settings: Settings, clock: Clock): Promise<Portal> {
  if (settings.portal === 'local') {
    const [{ openLocalPortal }, { readConfigValues }, { parseReminderDays }] = await Promise.all([
      import('../portal/local.js'),
      import('./config-file.js'),
      import('../domain/policy.js'),
    ]);
    const reminderDays = parseReminderDays((await readConfigValues()).reminderDays);
    return openLocalPortal({ dataDir: settings.dataDir, clock, mail: { reminderDays } });
  }
  if (!/^https?:\/\//.test(settings.portal)) {
    throw usageError('bad-portal', `--portal must be "local" or an http(s) URL, not "${settings.portal}".`, 'Example: --portal https://portal.example.com:8443');
  }
  if (!settings.token) {
    throw usageError('no-token', `No API token for the portal at ${settings.portal}.`, 'Pass --token, set REISSUE_TOKEN, or `reissue config set token …`; an administrator creates one with `reissue admin token create ACCOUNT`.');
  }
  const { createHttpPortal } = await import('../portal/http.js');
  return createHttpPortal({ url: settings.portal, token: settings.token, caFile: settings.caFile, allowInsecureHttp: settings.allowInsecureHttp });
}
