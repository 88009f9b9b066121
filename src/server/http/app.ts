// The portal's HTTP API (/v1). Fastify does the routing, body limits and JSON-schema validation;
// this file only authorises each request, turns it into one Portal call and maps failures to
// RFC 9457 problem details. The Portal it calls is the caller's account view, so another
// account's certificate is simply "not found" here too.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { portalError, usageError } from '../../domain/errors.js';
import { REVOCATION_REASONS, type RevocationReason } from '../../domain/types.js';
import { MAX_OFFSET, MAX_PAGE_SIZE, type Portal } from '../../portal/portal.js';
import type { AccountDirectory } from '../service.js';
import { csrBytesFromBody, csrCheckBodySchema, reissueBodySchema, reissueRequestFromBody, type CsrCheckBody, type ReissueBody } from './csr-body.js';
import { problem, PROBLEM_CONTENT_TYPE, toProblem, type Problem } from './problem.js';
import { translator, type FixedTranslate } from '../../i18n/i18n.js';
import { languageFromAcceptLanguage } from '../../i18n/language.js';

export interface HttpAppOptions {
  directory: AccountDirectory;
  /** Largest accepted request body in bytes (default 256 KiB; a CSR is at most 64 KiB anyway). */
  bodyLimit?: number;
  /** Called before each authorised request so due revocations never wait for the timer. */
  runDueRevocations?: () => void;
  /** Where unexpected errors are written (they never reach the client). */
  log?: (line: string) => void;
  /** Time allowed to receive a request's headers (default HEADERS_TIMEOUT_MS). */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, headers and body (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Idle socket timeout (default 120 s). */
  connectionTimeoutMs?: number;
  /** Pass-through for HTTPS (serve.ts). */
  https?: { cert: Buffer; key: Buffer };
}

export const DEFAULT_BODY_LIMIT = 256 * 1024;
/** The limits README states: a client slower than this is answered 408 and cut off. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 20_000;
/**
 * Node checks those two limits only every connectionsCheckingInterval (30 s by default, so a
 * slow client got up to 30 s more): checked every second, a limit holds to within one second.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const FILTER = { type: 'string', maxLength: 200 } as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export function buildHttpApp(opts: HttpAppOptions): FastifyInstance {
  const log = opts.log ?? (() => {});
  const timeouts = {
    headersTimeout: opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: timeouts.requestTimeout,
    connectionTimeout: opts.connectionTimeoutMs ?? 120_000,
    // Handed to http(s).createServer: the only place the checking interval can be set.
    ...(opts.https ? { https: { ...opts.https, ...timeouts } } : { http: timeouts }),
    // Malformed URLs and similar router-level failures still answer as problems.
    frameworkErrors: (error, request, reply) => sendProblem(reply, toProblem(error, unexpected, sayFor(request))),
  }) as unknown as FastifyInstance;

  function unexpected(error: unknown): void {
    const e = error as { stack?: string; message?: string };
    log(`unexpected error: ${e?.stack ?? e?.message ?? String(error)}`);
  }

  // JSON only: a text body is refused with 415 instead of failing schema validation.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(reply, toProblem(error, unexpected, sayFor(request))));

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }));
    const say = sayFor(request);
    const values = { method: request.method, path, allowed: allowed.join(' | ') };
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, problem(405, 'usage', 'method-not-allowed', say('problem.method-not-allowed.message', values), say('problem.method-not-allowed.hint', values), undefined, say));
    }
    return sendProblem(reply, problem(404, 'usage', 'no-such-route', say('problem.no-such-route.message', values), say('problem.no-such-route.hint', values), undefined, say));
  });

  // While closing, answers still in flight end their keep-alive connection, so close() can finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.register(async (v1) => routes(v1, opts), { prefix: '/v1' });
  return app;
}

/** Every /v1 route: authorise, then answer through the caller's view of the portal. */
async function routes(v1: FastifyInstance, opts: HttpAppOptions): Promise<void> {
  const portals = new WeakMap<FastifyRequest, Portal>();
  const portalOf = (request: FastifyRequest): Portal => {
    const portal = portals.get(request);
    if (!portal) throw portalError('unauthorized', 'The request is not authorised.');
    return portal;
  };

  v1.addHook('onRequest', async (request) => {
    const account = await accountOf(opts.directory, request.headers.authorization);
    portals.set(request, await opts.directory.portalFor(account));
  });
  if (opts.runDueRevocations) {
    const run = opts.runDueRevocations;
    v1.addHook('preHandler', async () => run());
  }

  v1.get('/info', async (request) => portalOf(request).info());

  v1.get<{ Querystring: { query?: string; offset?: number; limit?: number; total?: boolean } }>(
    '/certificates',
    {
      preValidation: decimalOnly(['offset', 'limit']),
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            query: FILTER,
            offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
            // false: no count; `total` is then a lower bound (see ListQuery.withTotal).
            total: { type: 'boolean', default: true },
          },
        },
      },
    },
    async (request) => {
      const { query, offset, limit, total } = request.query;
      return portalOf(request).list({ text: query, offset, limit, withTotal: total });
    },
  );

  // The router prefers this static path to /certificates/:id (no certificate id is "count").
  v1.get<{ Querystring: { query?: string } }>(
    '/certificates/count',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { query: FILTER } } } },
    async (request) => ({ total: await portalOf(request).count({ text: request.query.query }) }),
  );

  v1.get<{ Params: { id: string } }>('/certificates/:id', { schema: { params: idParams } }, async (request) =>
    portalOf(request).get(request.params.id),
  );

  v1.get<{ Params: { id: string }; Querystring: { format: 'pem' | 'der'; chain: boolean } }>(
    '/certificates/:id/download',
    {
      schema: {
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: ['pem', 'der'], default: 'pem' },
            chain: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { format, chain } = request.query;
      const bytes = await portalOf(request).download(id, format, chain);
      const name = `${id.replace(/[^A-Za-z0-9._-]/g, '_')}${chain ? '-chain' : ''}.${format === 'der' ? 'cer' : 'pem'}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      reply.type(format === 'der' ? 'application/pkix-cert' : 'application/x-pem-file');
      return reply.send(Buffer.from(bytes));
    },
  );

  v1.post<{ Params: { id: string }; Body: CsrCheckBody }>(
    '/certificates/:id/csr-check',
    { schema: { params: idParams, body: csrCheckBodySchema } },
    async (request) => portalOf(request).checkCsr(request.params.id, csrBytesFromBody(request.body), request.body.keySource, request.body.card),
  );

  v1.post<{ Params: { id: string }; Body: ReissueBody }>(
    '/certificates/:id/reissue',
    { schema: { params: idParams, body: reissueBodySchema } },
    async (request) => {
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') {
        throw usageError('idempotency-key-missing', 'A reissue needs an Idempotency-Key header.', 'Send a fresh random key (e.g. a UUID) per reissue, and the same key when retrying it.');
      }
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw usageError('idempotency-key-invalid', 'The Idempotency-Key header must be 1–200 printable ASCII characters.', 'Use a UUID.');
      }
      return portalOf(request).reissue(request.params.id, reissueRequestFromBody(request.body), key);
    },
  );

  v1.get<{ Params: { id: string } }>('/certificates/:id/emails', { schema: { params: idParams } }, async (request) =>
    portalOf(request).emails(request.params.id),
  );

  v1.post<{ Params: { id: string }; Body: { reason: RevocationReason } }>(
    '/certificates/:id/revoke',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', enum: [...REVOCATION_REASONS] } },
        },
      },
    },
    async (request) => portalOf(request).revoke(request.params.id, request.body.reason),
  );

  v1.get('/revocations/pending', async (request) => portalOf(request).pendingRevocations());

  v1.get('/crl', async (request, reply) => {
    const der = await portalOf(request).crl();
    reply.header('content-disposition', 'attachment; filename="portal.crl"');
    return reply.type('application/pkix-crl').send(Buffer.from(der));
  });

  v1.get('/ca', async (request, reply) => {
    const pem = await portalOf(request).caCertificate();
    reply.header('content-disposition', 'attachment; filename="portal-ca.pem"');
    return reply.type('application/x-pem-file').send(pem);
  });
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

async function accountOf(directory: AccountDirectory, authorization: string | undefined): Promise<string> {
  const hint = 'Pass an API token with --token or REISSUE_TOKEN; the portal operator creates one with `reissue admin token create ACCOUNT`.';
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!token) throw portalError('unauthorized', 'The request carries no API token (Authorization: Bearer …).', hint);
  const account = await directory.accountForToken(token);
  if (!account) throw portalError('unauthorized', 'The API token is not valid.', hint);
  return account;
}

/** The request's language for problem details (Accept-Language; English by default). */
function sayFor(request: FastifyRequest): FixedTranslate {
  return translator(languageFromAcceptLanguage(request.headers['accept-language']));
}

function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  if (body.status === 401) reply.header('www-authenticate', 'Bearer realm="reissue"');
  reply.header('content-language', sayFor(reply.request).lang).header('vary', 'Accept-Language');
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * The schema's integer coercion reads "0x10" as 16 and "1e1" as 10: paging numbers are plain
 * decimal digits only, checked on the raw query before the schema sees it.
 */
function decimalOnly(names: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const query = request.query as Record<string, unknown>;
    for (const name of names) {
      const value = query[name];
      if (value === undefined || (typeof value === 'string' && /^[0-9]+$/.test(value))) continue;
      throw Object.assign(new Error(`querystring/${name} must be a whole number written in decimal digits`), { statusCode: 400, validation: [], validationContext: 'querystring' });
    }
  };
}
