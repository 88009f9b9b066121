// The `http` kind's client: the portal core and every capability over `reissue serve`'s /v1 API
// (got). Problem details from the service come back as the same ReissueError (kind, code, message,
// hint, details) the embedded portal would throw; network, TLS and token failures become portal
// errors with a next step. Only GETs and reissues are retried — a reissue is safe to repeat
// because its Idempotency-Key makes the service return the first result instead of issuing again.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, RequestError, type Got, type OptionsInit } from 'got';
import { portalError, ReissueError, usageError, type ErrorKind } from '../../domain/errors.js';
import type { CardEvidence, Certificate, CsrReport, KeySource, PendingRevocation, PortalEmail, ReissueRequest, ReissueResult, RevocationReason } from '../../domain/types.js';
import { language } from '../../i18n/i18n.js';
import { looksLikePem } from '../../pki/pem.js';
import { isLoopbackHost } from '../../util/loopback.js';
import { redactUrl } from '../../util/redact.js';
import { noPendingOrders } from '../own-orders.js';
import { PORTAL_CAPABILITIES, type CertificatePage, type CountQuery, type DownloadFormat, type KindInfo, type ListQuery, type OwnPortal, type PortalInfo } from '../portal.js';

export interface HttpPortalOptions {
  /** Base URL of `reissue serve`, e.g. https://portal.example:8443 (the /v1 prefix is added here). */
  url: string;
  token: string;
  /** Whole-request timeout (default 30 s). */
  timeoutMs?: number;
  /** PEM file with the CA (or self-signed certificate) to trust for HTTPS. */
  caFile?: string;
  /** Skip HTTPS certificate verification (testing only). */
  insecure?: boolean;
  /** Retries for GETs and reissues (default 2). */
  retries?: number;
  /** Send the token over plain http:// to a host other than this machine (--allow-insecure-http). */
  allowInsecureHttp?: boolean;
}

const ERROR_KINDS: readonly ErrorKind[] = ['usage', 'input', 'card', 'portal', 'unexpected'];
const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'kind', 'hint']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/;

export function createHttpPortal(opts: HttpPortalOptions): OwnPortal {
  const base = normaliseUrl(opts.url);
  refuseCleartextToken(base, opts.allowInsecureHttp ?? false);
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const retries = opts.retries ?? 2;
  const client: Got = got.extend({
    prefixUrl: `${base}/v1/`,
    // Problem details come back in the language the CLI speaks; their codes do not change.
    headers: { authorization: `Bearer ${opts.token}`, 'user-agent': 'reissue-cli', accept: 'application/json', 'accept-language': language() },
    timeout: { request: opts.timeoutMs ?? 30_000 },
    agent: agents,
    https: {
      certificateAuthority: opts.caFile ? readCaFile(opts.caFile) : undefined,
      rejectUnauthorized: !opts.insecure,
    },
    responseType: 'buffer',
    // Only within the portal's own origin: a redirect elsewhere would carry the request (a CSR, a
    // revocation) to a service nobody chose. It is answered with a refusal in call().
    followRedirect: (response) => sameOrigin(response.headers.location, response.url, base),
    retry: {
      limit: retries,
      methods: ['GET'],
      // 413 and 409 are final answers; the rest may pass once the service is back.
      statusCodes: [408, 429, 500, 502, 503, 504],
      errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'],
      // Short backoff: a person is waiting at a terminal.
      calculateDelay: ({ attemptCount, computedValue }) => (computedValue === 0 ? 0 : Math.min(computedValue, 250 * 2 ** (attemptCount - 1))),
    },
  });

  async function call(path: string, options: OptionsInit = {}): Promise<Buffer> {
    try {
      const response = await client(path, { ...options, isStream: false, resolveBodyOnly: false } as OptionsInit & { isStream: false; resolveBodyOnly: false });
      if (response.statusCode >= 300 && response.statusCode < 400) throw redirectRefused(base, response.headers.location, response.url);
      return response.rawBody;
    } catch (error) {
      throw toReissueError(error, base);
    }
  }

  async function json<T>(path: string, options: OptionsInit = {}): Promise<T> {
    const body = await call(path, options);
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch {
      throw badResponse(base, 'an answer that is not JSON');
    }
  }

  const certPath = (id: string, action = '') => {
    if (!id) throw portalError('not-found', 'No certificate id was given.', 'Run `reissue list` to see the ids.');
    return `certificates/${encodeURIComponent(id)}${action}`;
  };

  return {
    // `reissue serve` is our own service: every capability.
    kind: 'http',
    capabilities: PORTAL_CAPABILITIES,
    async info(): Promise<KindInfo> {
      const info = await json<PortalInfo>('info');
      return { ...info, name: `portal at ${base}`, kind: 'http', capabilities: [...PORTAL_CAPABILITIES] };
    },
    list(query: ListQuery = {}): Promise<CertificatePage> {
      const searchParams: Record<string, string | number> = {};
      if (query.text) searchParams.query = query.text;
      if (query.offset !== undefined) searchParams.offset = query.offset;
      if (query.limit !== undefined) searchParams.limit = query.limit;
      if (query.withTotal === false) searchParams.total = 'false';
      return json<CertificatePage>('certificates', { searchParams });
    },
    async count(query: CountQuery = {}): Promise<number> {
      const searchParams: Record<string, string> = query.text ? { query: query.text } : {};
      return (await json<{ total: number }>('certificates/count', { searchParams })).total;
    },
    get: (id: string) => json<Certificate>(certPath(id)),
    async download(id: string, format: DownloadFormat, chain = false): Promise<Uint8Array> {
      const body = await call(certPath(id, '/download'), { searchParams: { format, chain: String(chain) } });
      return new Uint8Array(body);
    },
    checkCsr: (id: string, csr: Uint8Array, keySource?: KeySource, card?: CardEvidence) =>
      json<CsrReport>(certPath(id, '/csr-check'), { method: 'POST', json: { ...csrBody(csr), ...(keySource ? { keySource } : {}), ...(card ? { card } : {}) } }),
    async reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult> {
      // The key is what makes a retried reissue safe; a caller without one is a bug, not a new request.
      if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '') {
        throw new ReissueError('unexpected', 'idempotency-key-missing', 'A reissue was about to be sent without an idempotency key; nothing was sent.', 'This is a bug in reissue: please report it.');
      }
      return json<ReissueResult>(certPath(id, '/reissue'), {
        method: 'POST',
        json: reissueBody(request),
        headers: { 'idempotency-key': idempotencyKey },
        retry: { limit: retries, methods: ['POST'] },
      });
    },
    resumeReissue: noPendingOrders,
    emails: (id: string) => json<PortalEmail[]>(certPath(id, '/emails')),
    revoke: (id: string, reason: RevocationReason) =>
      json<Certificate>(certPath(id, '/revoke'), { method: 'POST', json: { reason } }),
    pendingRevocations: () => json<PendingRevocation[]>('revocations/pending'),
    async caCertificate(): Promise<string> {
      return (await call('ca')).toString('utf8');
    },
    async crl(): Promise<Uint8Array> {
      return new Uint8Array(await call('crl'));
    },
    async close(): Promise<void> {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The API's reissue body: `{ keySource: 'cloud', algorithm }`, or a CSR (with card evidence for 'card'). */
function reissueBody(request: ReissueRequest): Record<string, unknown> {
  if (request.keySource === 'cloud') return { keySource: 'cloud', algorithm: request.algorithm };
  if (request.keySource === 'card') return { ...csrBody(request.csr), keySource: 'card', card: request.card };
  return { ...csrBody(request.csr), keySource: 'csr' };
}

/** PEM travels as text, anything else (DER, stray bytes) as base64, so the service sees the exact bytes. */
function csrBody(csr: Uint8Array): { csr: string; encoding: 'pem' | 'base64' } {
  if (looksLikePem(csr)) {
    try {
      return { csr: new TextDecoder('utf-8', { fatal: true }).decode(csr), encoding: 'pem' };
    } catch {
      // Not valid UTF-8: send it byte for byte.
    }
  }
  return { csr: Buffer.from(csr).toString('base64'), encoding: 'base64' };
}

function normaliseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError('bad-portal-url', `The portal URL "${redactUrl(url)}" is not a URL.`, 'Use --portal https://HOST:PORT (or `local` for the embedded sandbox).');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usageError('bad-portal-url', `The portal URL "${redactUrl(url)}" must start with http:// or https://.`, 'Use --portal https://HOST:PORT (or `local` for the embedded sandbox).');
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** True when `location` (relative to `from`) stays on the portal's scheme, host and port. */
function sameOrigin(location: string | undefined, from: string, base: string): boolean {
  if (!location) return false;
  try {
    return new URL(location, from).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

function redirectRefused(base: string, location: string | undefined, from: string): ReissueError {
  let where = 'an address it did not give';
  try {
    if (location) where = new URL(location, from).origin;
  } catch {
    // an unreadable Location: named as above
  }
  return portalError(
    'portal-redirect',
    `The portal at ${base} sent the request on to ${where}; reissue does not follow a portal to another address, so nothing was sent there.`,
    `If the portal has moved, use --portal ${where === 'an address it did not give' ? 'URL' : where} (or REISSUE_PORTAL); otherwise ask its operator why it redirects.`,
    { location: where },
  );
}

function readCaFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : 'it cannot be read';
    throw usageError('ca-file-unreadable', `Cannot use the CA file ${file}: ${reason}.`, 'Pass the PEM file of the portal\'s certificate (or its CA) with --ca-file.');
  }
}

/**
 * The token is a password: over plain http anyone on the path can read it and act as the account.
 * Only this machine's own addresses (nothing crosses a network) are exempt without the flag.
 */
export function refuseCleartextToken(base: string, allow: boolean): void {
  const url = new URL(base);
  if (url.protocol !== 'http:' || allow || isLoopbackHost(url.hostname)) return;
  throw usageError(
    'insecure-http',
    `Refusing to send the API token to ${base} over plain http: anyone on the network between here and ${url.hostname} could read it and use the account.`,
    'Use the https:// address of the portal (`reissue serve --tls-cert F --tls-key F`), or pass --allow-insecure-http if you trust every network in between.',
  );
}

function badResponse(base: string, what: string): ReissueError {
  return portalError('portal-bad-response', `The portal at ${base} sent ${what}.`, 'Check that --portal / REISSUE_PORTAL points at a `reissue serve` service.');
}

function toReissueError(error: unknown, base: string): ReissueError {
  if (error instanceof ReissueError) return error;
  if (error instanceof HTTPError) return fromProblem(error.response.statusCode, error.response.headers['content-type'], error.response.rawBody, base);
  if (error instanceof RequestError) {
    const code = error.code ?? '';
    if (TLS_CODE.test(code) || /certificate|ssl|tls/i.test(error.message)) {
      return portalError(
        'tls-error',
        `The secure connection to the portal at ${base} failed: ${error.message}.`,
        "If the portal uses its own or a self-signed certificate, pass it with --ca-file FILE; otherwise check the server's certificate (name, expiry, chain).",
        { cause: code || error.message, base },
      );
    }
    if (UNREACHABLE_CODES.has(code) || error.name === 'TimeoutError') {
      const plainToTls = base.startsWith('http:') && code === 'ECONNRESET' ? ' If the portal uses HTTPS, the URL must start with https://.' : '';
      return portalError(
        'portal-unreachable',
        `Cannot reach the portal at ${base}: ${describeNetworkError(error, code)}.`,
        `Check that \`reissue serve\` is running there and that --portal / REISSUE_PORTAL is right.${plainToTls}`,
        { cause: code || 'timeout', base },
      );
    }
    if (code.startsWith('HPE_') || code === 'ERR_GOT_REQUEST_ERROR') {
      return badResponse(base, 'something that is not HTTP (is it an https:// address?)');
    }
    return portalError('portal-unreachable', `Cannot talk to the portal at ${base}: ${error.message}.`, 'Check that `reissue serve` is running there and that --portal / REISSUE_PORTAL is right.', { cause: code || error.message, base });
  }
  return new ReissueError('unexpected', 'unexpected', 'The portal client met an unexpected error.', undefined, { cause: String(error) });
}

/** What failed, with the address and the system's own code: "the connection to 192.0.2.7:8080 was refused (ECONNREFUSED)". */
function describeNetworkError(error: RequestError, code: string): string {
  const cause = (error.cause ?? {}) as { address?: string; port?: number; errors?: { address?: string; port?: number }[] };
  const first = cause.errors?.[0] ?? cause;
  const where = first.address ? `${first.address.includes(':') ? `[${first.address}]` : first.address}${first.port ? `:${first.port}` : ''}` : null;
  const to = where ? ` to ${where}` : '';
  if (error.name === 'TimeoutError') {
    const phase = (error as RequestError & { event?: string }).event;
    return phase === 'connect' || phase === 'lookup' || phase === 'socket' ? `no connection could be made in time (${phase} timeout)` : `no answer in time (${phase ?? 'request'} timeout)`;
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `the connection${to} was refused (${code}): nothing listens there`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name was not found (${code})`;
    case 'ETIMEDOUT':
      return `the connection${to} timed out (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `there is no route to the host${to} (${code})`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return `the connection${to} was closed by the other side (${code})`;
    default:
      return `${error.message} (${code})`;
  }
}

/** Rebuilds the service's ReissueError from an RFC 9457 problem document. */
function fromProblem(status: number, contentType: string | undefined, body: Buffer, base: string): ReissueError {
  let doc: Record<string, unknown> | null = null;
  if (contentType && /json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>;
    } catch {
      doc = null;
    }
  }
  if (!doc || typeof doc.code !== 'string' || typeof doc.detail !== 'string') {
    return badResponse(base, `HTTP ${status} without a problem report`);
  }
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (!STANDARD_MEMBERS.has(key)) details[key] = value;
  const hasDetails = Object.keys(details).length > 0 ? details : undefined;
  let hint = typeof doc.hint === 'string' ? doc.hint : undefined;
  if (status === 401) {
    hint = 'Check --token / REISSUE_TOKEN; the portal operator creates a token with `reissue admin token create ACCOUNT`.';
    return portalError(doc.code, doc.detail, hint, hasDetails);
  }
  // A failure inside the service is a portal problem from here (exit 5), whatever it was there.
  const claimed = ERROR_KINDS.includes(doc.kind as ErrorKind) ? (doc.kind as ErrorKind) : 'portal';
  const kind: ErrorKind = status >= 500 || claimed === 'unexpected' ? 'portal' : claimed;
  return new ReissueError(kind, doc.code, doc.detail, hint, hasDetails);
}
