// The portal kinds `--portal` (REISSUE_PORTAL, `config set portal`) chooses from: one entry per
// kind, its code in its own folder (src/portal/<kind>/), imported only when that kind is opened.
// This module is on every command's path: names and spec matching only, nothing heavy.
import type { Clock } from '../domain/clock.js';
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import { isCertumSpec } from './certum/endpoint.js';
import type { AnyPortal, PortalProgressEvent } from './portal.js';

/** What a kind may need to open its portal; each kind reads the fields it uses. */
export interface PortalOpenOptions {
  /** The --portal value (one with a user name or password is refused before a kind sees it). */
  spec: string;
  dataDir: string;
  token: string | undefined;
  caFile: string | undefined;
  allowInsecureHttp: boolean;
  clock: Clock;
  /** The reminder days from the config file, read only by a kind that writes reminders. */
  reminderDays?: () => Promise<number | undefined>;
  /** A short limit and no retries (shell completion). */
  timeoutMs?: number;
  retries?: number;
  /**
   * The certum kinds' partner credentials, gathered (and prompted for) only when such a portal is
   * opened. `typed`: the password came from a prompt. Called again with Certum's refusal of a
   * typed one, it asks again (or throws the refusal when it cannot).
   */
  certumCredentials?: (refused?: Error) => Promise<{ userName: string; password: string; typed?: boolean }>;
  /** The environment (REISSUE_CERTUM_TIMEOUT, REISSUE_CERTUM_POLL). */
  env?: NodeJS.ProcessEnv;
  /** The ACME kind's settings (challenges, revocation delay), read only by that kind. */
  acmeSettings?: () => Promise<AcmeKindSettings>;
  /** Progress of a reissue with a CA that validates step by step. */
  onProgress?: (event: PortalProgressEvent) => void;
  /**
   * dns-01 by hand: who shows the TXT records and resolves once they are published (the CLI on a
   * terminal, the wizard), asked when an order needs it; undefined: nobody can (a script).
   */
  dnsManual?: () => ((records: { name: string; value: string }[]) => Promise<void>) | undefined;
  /** False: do not carry out due revocations on opening (shell completion). */
  runDueRevocations?: boolean;
}

/** The ACME kind's settings as the CLI resolves them (flags, then the config file). */
export interface AcmeKindSettings {
  httpAddress?: string;
  webroot?: string;
  dnsHook?: string;
  /** --challenge / acmeChallenge; unset: dns-01 with a hook, else http-01. */
  challenge?: 'http-01' | 'dns-01';
  /** Days until the replaced copy is revoked; 0 at once; null never. */
  revokeAfterDays: number | null;
}

/** A kind's folder: src/portal/<kind>/index.ts. */
export interface PortalKindModule {
  open(opts: PortalOpenOptions): Promise<AnyPortal>;
}

export interface PortalKind {
  /** 'local', 'http'. */
  readonly name: string;
  /** How --portal writes it, for messages and help. */
  readonly form: string;
  /**
   * The embedded sandbox: in this process, REISSUE_NOW moves its clock, `sandbox reset` applies,
   * and the wizard reads its first page before its first frame.
   */
  readonly embedded: boolean;
  /** The kind keeps a schedule of its own (the ACME kind's revocations): REISSUE_NOW moves that schedule's clock. */
  readonly localSchedule?: boolean;
  matches(spec: string): boolean;
  load(): Promise<PortalKindModule>;
}

/** The kinds this build has. A kind is listed here only once it works end to end. */
export const PORTAL_KINDS: readonly PortalKind[] = [
  { name: 'local', form: 'local', embedded: true, matches: (spec) => spec === 'local', load: () => import('./local/index.js') },
  { name: 'http', form: 'https://HOST:PORT', embedded: false, matches: (spec) => /^https?:\/\//i.test(spec), load: () => import('./http/index.js') },
  { name: 'acme', form: 'acme:https://HOST/directory', embedded: false, localSchedule: true, matches: (spec) => /^acme:https?:\/\/\S+$/i.test(spec), load: () => import('./acme/index.js') },
  // Certum's Partner API (SOAP): production, its test service, or any endpoint.
  { name: 'certum', form: 'certum | certum-test | certum:URL', embedded: false, matches: isCertumSpec, load: () => import('./certum/index.js') },
];

/** The kind `spec` names, or null. */
export function findPortalKind(spec: string, kinds: readonly PortalKind[] = PORTAL_KINDS): PortalKind | null {
  return kinds.find((k) => k.matches(spec)) ?? null;
}

/** The kind `spec` names; an unknown one is a usage error (exit 2) that lists the kinds known. */
export function portalKind(spec: string, kinds: readonly PortalKind[] = PORTAL_KINDS): PortalKind {
  const kind = findPortalKind(spec, kinds);
  if (kind) return kind;
  const forms = kinds.map((k) => k.form).join(', ');
  throw usageError('bad-portal', t('cli.context.badPortal', { portal: spec, kinds: forms }), t('cli.context.badPortalHint', { kinds: forms }));
}

/** Loads the kind's folder and opens its portal. */
export async function openPortalOf(kind: PortalKind, opts: PortalOpenOptions): Promise<AnyPortal> {
  return (await kind.load()).open(opts);
}
