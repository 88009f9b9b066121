// Answering the CA's challenges: http-01 from a built-in responder on an address (the CA fetches
// http://NAME/.well-known/acme-challenge/TOKEN from port 80, or the port the CA is set to use) or
// from files written into a web server's root; dns-01 through a hook command (run without a
// shell: `CMD add DOMAIN VALUE`, later `CMD remove DOMAIN VALUE`; VALUE is the TXT value of
// _acme-challenge.DOMAIN). Each answer is undone after the authorization is decided.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { inputError, usageError, portalError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';

export interface ChallengeSettings {
  /** ADDR:PORT for the built-in http-01 responder (default 0.0.0.0:80). */
  httpAddress?: string;
  /** A web server's root: http-01 answers written as files under .well-known/acme-challenge/. */
  webroot?: string;
  /** dns-01 through this command. */
  dnsHook?: string;
  /** Which challenge to answer (--challenge, acmeChallenge); unset: dns-01 with a hook, else http-01. */
  challenge?: ChallengeType;
}

export const CHALLENGE_TYPES = ['http-01', 'dns-01'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

/** One TXT record the user creates by hand: `NAME. TXT "VALUE"`. */
export interface DnsRecord {
  /** Fully qualified, with the final dot: `_acme-challenge.example.com.` */
  name: string;
  value: string;
}

/**
 * Shows the records to create and resolves once the user says they are published; rejects (with
 * the error `dnsManualCancelled()` makes) when the user cancels. Given by the CLI on a terminal
 * and by the wizard; absent elsewhere (a script must use --dns-hook).
 */
export type DnsManualPrompt = (records: DnsRecord[]) => Promise<void>;

/** A way to answer one challenge type; `deploy` returns the undo. */
export interface Responder {
  type: ChallengeType;
  deploy(domain: string, token: string, keyAuthorization: string): Promise<() => Promise<void>>;
  /** Called once every answer of the order is deployed, before the CA is asked to validate (dns-01 by hand: the wait for Enter). */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** A challenge name as the user wrote it (--challenge, acmeChallenge); anything else is a usage error. */
export function parseChallenge(value: string | undefined): ChallengeType | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.trim().toLowerCase();
  if ((CHALLENGE_TYPES as readonly string[]).includes(v)) return v as ChallengeType;
  throw usageError('acme-bad-challenge', t('acme.badChallenge', { value }), t('acme.badChallengeHint'), { value });
}

/** The challenge the settings choose: as set, else dns-01 when a hook is given, else http-01. */
export function chosenChallenge(settings: ChallengeSettings): ChallengeType {
  return settings.challenge ?? (settings.dnsHook ? 'dns-01' : 'http-01');
}

/** The error a cancelled manual dns-01 prompt rejects with. */
export function dnsManualCancelled() {
  return usageError('acme-dns-cancelled', t('acme.dnsManualCancelled'), t('acme.dnsManualCancelledHint'));
}

/**
 * What can be known to fail before an order is placed: dns-01 with neither a hook nor a person to
 * create the records (no terminal), and a webroot this user cannot write into.
 */
export async function assertChallengeUsable(settings: ChallengeSettings, manual: DnsManualPrompt | undefined): Promise<void> {
  const type = chosenChallenge(settings);
  if (type === 'dns-01' && !settings.dnsHook && !manual) throw usageError('acme-dns-needs-hook', t('acme.dnsNeedsHook'), t('acme.dnsNeedsHookHint'));
  if (type === 'http-01' && settings.webroot) await assertWebrootWritable(settings.webroot);
}

/** ADDR:PORT → host and port; "[::]:80" and ":80" too. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw usageError('acme-bad-http-address', t('acme.badHttpAddress', { value }), t('acme.badHttpAddressHint'), { value });
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** The hook's argv: a path as it is when that file exists, else words split on spaces (no shell, no quoting). */
export function hookArgv(hook: string): string[] {
  if (existsSync(hook)) return [hook];
  return hook.trim().split(/\s+/).filter(Boolean);
}

/**
 * The webroot must be an existing folder (a typo must not create a stray one) in which this user
 * can make .well-known/acme-challenge/ and write a file: tried with a probe file, removed at once.
 */
async function assertWebrootWritable(root: string): Promise<void> {
  const dir = join(root, '.well-known', 'acme-challenge');
  let at = root;
  try {
    if (!(await stat(root)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    at = dir;
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const probe = join(dir, `.reissue-probe-${randomBytes(6).toString('hex')}`);
    at = probe;
    await writeFile(probe, '', { mode: 0o644 });
    await rm(probe, { force: true });
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw inputError('acme-webroot-unwritable', t('acme.webrootUnwritable', { path: at, reason }), t('acme.webrootWriteHint'), { path: at, reason });
  }
}

/** The responder the settings choose: dns-01 (hook, else by hand), or http-01 (webroot or built-in). */
export function responderFor(settings: ChallengeSettings, manual?: DnsManualPrompt): Responder {
  if (chosenChallenge(settings) === 'dns-01') {
    if (settings.dnsHook) return dnsHookResponder(settings.dnsHook);
    if (manual) return dnsManualResponder(manual);
    throw usageError('acme-dns-needs-hook', t('acme.dnsNeedsHook'), t('acme.dnsNeedsHookHint'));
  }
  if (settings.webroot) return webrootResponder(settings.webroot);
  return builtInResponder(settings.httpAddress ?? '0.0.0.0:80');
}

/** dns-01 by hand: every record of the order collected, then shown at once; the user creates them. */
function dnsManualResponder(prompt: DnsManualPrompt): Responder {
  const records: DnsRecord[] = [];
  return {
    type: 'dns-01',
    async deploy(domain, _token, value) {
      records.push({ name: `_acme-challenge.${domain.replace(/^\*\./, '')}.`, value });
      return async () => undefined;
    },
    async ready() {
      if (records.length) await prompt([...records]);
    },
    close: async () => undefined,
  };
}

const PREFIX = '/.well-known/acme-challenge/';

function builtInResponder(address: string): Responder {
  const { host, port } = parseListenAddress(address);
  const answers = new Map<string, string>();
  let server: Promise<Server> | undefined;
  const listen = () =>
    (server ??= new Promise<Server>((resolve, reject) => {
      const s = createServer((req, res) => {
        const token = req.url?.startsWith(PREFIX) ? req.url.slice(PREFIX.length) : '';
        const answer = answers.get(token);
        if (req.method !== 'GET' || answer === undefined) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(answer);
      });
      s.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          portalError('acme-http-listen', t('acme.httpListen', { address, reason: e.code ?? e.message }), t(e.code === 'EACCES' ? 'acme.httpListenPrivileged' : 'acme.httpListenHint'), { address, reason: e.code ?? e.message }),
        ),
      );
      s.listen(port, host, () => resolve(s));
    }));
  return {
    type: 'http-01',
    async deploy(_domain, token, keyAuthorization) {
      await listen();
      answers.set(token, keyAuthorization);
      return async () => void answers.delete(token);
    },
    async close() {
      if (!server) return;
      const s = await server.catch(() => null);
      if (s) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
    },
  };
}

function webrootResponder(root: string): Responder {
  return {
    type: 'http-01',
    async deploy(_domain, token, keyAuthorization) {
      const dir = join(root, '.well-known', 'acme-challenge');
      const file = join(dir, token);
      try {
        await mkdir(dir, { recursive: true, mode: 0o755 });
        await writeFile(file, keyAuthorization, { mode: 0o644 });
      } catch (e) {
        throw portalError('acme-webroot', t('acme.webrootWrite', { path: file, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }), t('acme.webrootWriteHint'), { path: file });
      }
      return () => rm(file, { force: true });
    },
    close: async () => undefined,
  };
}

function dnsHookResponder(hook: string): Responder {
  const [cmd, ...pre] = hookArgv(hook);
  const run = (action: 'add' | 'remove', domain: string, value: string) =>
    new Promise<void>((resolve, reject) => {
      execFile(cmd!, [...pre, action, domain, value], { timeout: 120_000 }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const reason = String(stderr).trim().split('\n').slice(-3).join(' ') || error.message;
        reject(portalError('acme-dns-hook', t('acme.dnsHookFailed', { hook: cmd!, action, domain, reason }), t('acme.dnsHookFailedHint'), { hook: cmd!, action, domain, reason }));
      });
    });
  return {
    type: 'dns-01',
    async deploy(domain, _token, value) {
      await run('add', domain, value);
      return () => run('remove', domain, value).catch(() => undefined);
    },
    close: async () => undefined,
  };
}
