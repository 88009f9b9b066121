// RFC 9457 problem details: how every failure leaves the service. A ReissueError keeps its
// code, message, hint and details so the HTTP client can rebuild the same error on the other
// side; anything else becomes a generic 500 that reveals nothing about the internals.
import { isReissueError, type ErrorKind, type ReissueError } from '../../domain/errors.js';
import { translator, type FixedTranslate } from '../../i18n/i18n.js';

/** Problem texts are in the language the request asked for (Accept-Language); English by default. */
const ENGLISH = translator('en');

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  kind: ErrorKind;
  hint?: string;
  [extension: string]: unknown;
}

/** Members the client must not read back as error details. */
export const STANDARD_PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'kind', 'hint']);

/** HTTP statuses whose title the catalogs hold (problem.title.STATUS). */
const TITLED = new Set([400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 500, 503]);

const PORTAL_CODE_STATUS: Record<string, number> = {
  'not-found': 404,
  'already-replaced': 409,
  conflict: 409,
  'idempotency-key-reused': 409,
  unauthorized: 401,
  forbidden: 403,
};

/** The HTTP status for a ReissueError. Other portal refusals (revoked, expired, key source) are state conflicts. */
export function statusFor(kind: ErrorKind, code: string): number {
  switch (kind) {
    case 'portal':
      return PORTAL_CODE_STATUS[code] ?? 409;
    case 'input':
    case 'card':
      return 422;
    case 'usage':
      return 400;
    default:
      return 500;
  }
}

export function problem(
  status: number,
  kind: ErrorKind,
  code: string,
  detail: string,
  hint?: string,
  details?: Record<string, unknown>,
  say: FixedTranslate = ENGLISH,
): Problem {
  const body: Problem = {
    ...(details ?? {}),
    type: `urn:reissue:problem:${code}`,
    title: say(TITLED.has(status) ? `problem.title.${status}` : 'problem.title.other'),
    status,
    detail,
    code,
    kind,
  };
  if (hint) body.hint = hint;
  return body;
}

export const UNEXPECTED_PROBLEM = (say: FixedTranslate = ENGLISH) =>
  problem(500, 'unexpected', 'unexpected', say('problem.unexpected'), say('problem.unexpectedHint'), undefined, say);

/**
 * A ReissueError's words in the request's language: the catalog's errors.CODE text, filled in from
 * the error's details, when it has one (and the details hold what it names); the original otherwise.
 */
function localized(error: ReissueError, say: FixedTranslate): { message: string; hint?: string } {
  const key = `errors.${error.code}`;
  if (say.lang === 'en' || !say.has(`${key}.message`)) return { message: error.message, hint: error.hint };
  const values = error.details ?? {};
  const message = say(`${key}.message`, values);
  if (/\{\{/.test(message)) return { message: error.message, hint: error.hint };
  return { message, hint: say.has(`${key}.hint`) ? say(`${key}.hint`, values) : error.hint };
}

/** Fastify's own errors (body parsing, validation, timeouts) carry a 4xx statusCode and an FST_ code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  validation?: unknown;
  validationContext?: string;
  message?: string;
}

/** Maps any thrown value to a problem; `onUnexpected` sees the errors whose details stay private. */
export function toProblem(error: unknown, onUnexpected?: (error: unknown) => void, say: FixedTranslate = ENGLISH): Problem {
  if (isReissueError(error)) {
    if (error.kind === 'unexpected') {
      onUnexpected?.(error);
      return UNEXPECTED_PROBLEM(say);
    }
    const { message, hint } = localized(error, say);
    return problem(statusFor(error.kind, error.code), error.kind, error.code, message, hint, error.details, say);
  }
  const usage = (status: number, code: string, values?: Record<string, unknown>) =>
    problem(status, 'usage', code, say(`problem.${code}.message`, values), say(`problem.${code}.hint`, values), undefined, say);
  const e = (error ?? {}) as FrameworkError;
  if (e.validation && e.validationContext === 'querystring') {
    // "querystring/offset must be <= 1000000000": name the parameter and its range.
    const detail = (e.message ?? '').replace(/^querystring\/?/, '').trim() || 'schema mismatch';
    return problem(400, 'usage', 'invalid-parameter', `A query parameter is not valid: ${detail}.`, 'Check the parameter against the API description in the README.');
  }
  if (e.validation) {
    return usage(400, 'invalid-request', { part: e.validationContext ?? 'input', reason: e.message ?? 'schema mismatch' });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return usage(413, 'body-too-large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return usage(400, 'malformed-json');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return usage(415, 'unsupported-media-type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return usage(400, 'bad-content-length');
    case 'FST_ERR_BAD_URL':
      return usage(400, 'bad-url');
  }
  // A body that fails JSON.parse arrives as a SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && e.statusCode === 400) {
    return usage(400, 'malformed-json');
  }
  if (e.statusCode === 408) {
    return usage(408, 'request-timeout');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return usage(e.statusCode, 'bad-request');
  }
  onUnexpected?.(error);
  return UNEXPECTED_PROBLEM(say);
}
