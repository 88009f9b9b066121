// The ACME protocol through acme-client (JWS, nonces, EAB, key authorizations), with every answer
// checked here so a refusal keeps the CA's problem document (RFC 8555 §6.7: type, detail,
// subproblems) instead of acme-client's flattened message. TLS to the CA trusts the system's roots
// or, with --ca-file, that file's.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import acme from 'acme-client';
import { portalError, usageError, type ReissueError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';

export interface AcmeProblem {
  type: string;
  detail: string;
  status: number;
  subproblems?: { type?: string; detail?: string; identifier?: { value?: string } }[];
}

/** A refusal by the CA, with its problem document (what the caller names in its error). */
export class AcmeProblemError extends Error {
  constructor(readonly problem: AcmeProblem) {
    super(`${problem.type}: ${problem.detail}`);
  }
  /** The type without the `urn:ietf:params:acme:error:` prefix. */
  get shortType(): string {
    return this.problem.type.replace(/^urn:ietf:params:acme:error:/, '');
  }
}

export interface AcmeResponse<T = Record<string, unknown>> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

interface Internals {
  api: {
    accountUrl: string | null;
    apiRequest(url: string, payload: unknown, valid: number[], opts?: { includeJwsKid?: boolean; includeExternalAccountBinding?: boolean }): Promise<AcmeResponse>;
    http: { getDirectory(): Promise<Record<string, unknown>>; getResourceUrl(name: string): Promise<string> };
  };
}

let tlsConfigured: string | undefined;

/**
 * acme-client 5.4 loses the cause of a failed connection (its retry handler ends in a TypeError
 * when there is no response): the agent keeps the socket's last error so the message can name it
 * (ECONNREFUSED, a certificate the CA file does not trust, …).
 */
class RecordingAgent extends Agent {
  lastError: NodeJS.ErrnoException | null = null;
  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const socket = super.createConnection(...args);
    socket?.once('error', (e: NodeJS.ErrnoException) => (this.lastError = e));
    return socket;
  }
}
let agent: RecordingAgent | undefined;

/**
 * One setting for the process: acme-client's HTTP client is shared. A CA file that cannot be read
 * is a usage error naming it. Few, short retries: a CA that is down is said at once.
 */
export function configureTransport(caFile: string | undefined): void {
  const key = caFile ?? '';
  if (tlsConfigured === key) return;
  let ca: Buffer | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile);
    } catch (e) {
      throw usageError('ca-file-unreadable', t('acme.caFileUnreadable', { path: caFile, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }), t('acme.caFileUnreadableHint'), { path: caFile });
    }
  }
  agent = new RecordingAgent({ ca, keepAlive: true });
  acme.axios.defaults.httpsAgent = agent;
  acme.axios.defaults.timeout = 30_000;
  const settings = (acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } }).acmeSettings;
  settings.retryMaxAttempts = 1;
  settings.retryDefaultDelay = 1;
  tlsConfigured = key;
}

export interface EabSecret {
  kid: string;
  hmacKey: string;
}

/** One account key at one directory. */
export class AcmeSession {
  readonly client: acme.Client;
  private readonly inner: Internals;

  constructor(readonly directoryUrl: string, accountKeyPem: string, accountUrl?: string, eab?: EabSecret) {
    this.client = new acme.Client({ directoryUrl, accountKey: accountKeyPem, accountUrl, externalAccountBinding: eab ? { kid: eab.kid, hmacKey: eab.hmacKey } : undefined });
    this.inner = this.client as unknown as Internals;
  }

  get accountUrl(): string | null {
    return this.inner.api.accountUrl;
  }

  async directory(): Promise<Record<string, unknown>> {
    return network(this.directoryUrl, () => this.inner.api.http.getDirectory());
  }

  /** A signed request; an answer outside `ok` is thrown as the CA's problem. */
  async post<T = Record<string, unknown>>(url: string, payload: unknown, ok: number[], opts: { jwk?: boolean; eab?: boolean } = {}): Promise<AcmeResponse<T>> {
    const resp = await network(this.directoryUrl, () => this.inner.api.apiRequest(url, payload, [], { includeJwsKid: !opts.jwk, includeExternalAccountBinding: opts.eab === true }));
    if (!ok.includes(resp.status)) throw new AcmeProblemError(problemOf(resp));
    return resp as AcmeResponse<T>;
  }

  async resource(name: string): Promise<string> {
    const dir = await this.directory();
    const url = dir[name];
    if (typeof url !== 'string') throw portalError('acme-no-resource', t('acme.noResource', { url: this.directoryUrl, name }), t('acme.noResourceHint'), { url: this.directoryUrl, name });
    return url;
  }

  /** newAccount (RFC 8555 §7.3); sets the account URL for the requests that follow. */
  async newAccount(payload: { contact: string[]; termsOfServiceAgreed: boolean }, withEab: boolean): Promise<AcmeResponse> {
    const resp = await this.post(await this.resource('newAccount'), payload, [200, 201], { jwk: true, eab: withEab });
    if (resp.headers.location) this.inner.api.accountUrl = resp.headers.location;
    return resp;
  }

  /** The key authorization for a challenge (dns-01: its digest, the TXT value). */
  keyAuthorization(challenge: { type: string; token: string }): Promise<string> {
    return this.client.getChallengeKeyAuthorization(challenge as never);
  }

  /** A plain GET (renewalInfo is not signed). */
  async get(url: string): Promise<{ status: number; data: unknown }> {
    const resp = await network(this.directoryUrl, () => acme.axios.get(url, { validateStatus: () => true, timeout: 5000 }));
    return { status: resp.status, data: resp.data };
  }
}

function problemOf(resp: AcmeResponse): AcmeProblem {
  const d = (resp.data ?? {}) as Partial<AcmeProblem>;
  return {
    type: typeof d.type === 'string' ? d.type : 'about:blank',
    detail: typeof d.detail === 'string' ? d.detail : `HTTP ${resp.status}`,
    status: resp.status,
    ...(Array.isArray(d.subproblems) ? { subproblems: d.subproblems } : {}),
  };
}

/** A CA that cannot be reached (refused, DNS, TLS) is a portal error naming it; TLS failures point at --ca-file. */
async function network<T>(directoryUrl: string, fn: () => Promise<T>): Promise<T> {
  if (agent) agent.lastError = null;
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AcmeProblemError) throw e;
    const cause = (e as { code?: string }).code ? e : (agent?.lastError ?? e);
    throw unreachable(directoryUrl, cause);
  }
}

export function unreachable(directoryUrl: string, e: unknown): ReissueError {
  const code = (e as { code?: string }).code ?? '';
  const reason = code || (e as Error).message;
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code);
  return portalError(tls ? 'acme-tls' : 'acme-unreachable', t(tls ? 'acme.tls' : 'acme.unreachable', { url: directoryUrl, reason }), t(tls ? 'acme.tlsHint' : 'acme.unreachableHint'), { url: directoryUrl, reason });
}

/** "type (detail)" for messages: the CA's own words, shortened type. */
export function problemText(p: AcmeProblem): string {
  const sub = (p.subproblems ?? []).map((s) => `${s.identifier?.value ?? ''} ${s.type?.replace(/^urn:ietf:params:acme:error:/, '') ?? ''}: ${s.detail ?? ''}`.trim());
  return `${p.type.replace(/^urn:ietf:params:acme:error:/, '')}: ${p.detail}${sub.length ? ` [${sub.join('; ')}]` : ''}`;
}
