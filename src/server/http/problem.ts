// RFC 9457 problem details: how every failure leaves the service. A ReissueError keeps its
// code, message, hint and details so the HTTP client can rebuild the same error on the other
// side; anything else becomes a generic 500 that reveals nothing about the internals.
import { isReissueError, type ErrorKind } from '../../domain/errors.js';

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

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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
): Problem {
  const body: Problem = {
    ...(details ?? {}),
    type: `urn:reissue:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    kind,
  };
  if (hint) body.hint = hint;
  return body;
}

export const UNEXPECTED_PROBLEM = () =>
  problem(500, 'unexpected', 'unexpected', 'The portal met an unexpected error.', 'Try again; if it keeps failing, ask the portal operator to check the service log.');

/** Fastify's own errors (body parsing, validation, timeouts) carry a 4xx statusCode and an FST_ code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  validation?: unknown;
  validationContext?: string;
  message?: string;
}

/** Maps any thrown value to a problem; `onUnexpected` sees the errors whose details stay private. */
export function toProblem(error: unknown, onUnexpected?: (error: unknown) => void): Problem {
  if (isReissueError(error)) {
    if (error.kind === 'unexpected') {
      onUnexpected?.(error);
      return UNEXPECTED_PROBLEM();
    }
    return problem(statusFor(error.kind, error.code), error.kind, error.code, error.message, error.hint, error.details);
  }
  const e = (error ?? {}) as FrameworkError;
  if (e.validation && e.validationContext === 'querystring') {
    // "querystring/offset must be <= 1000000000": name the parameter and its range.
    const detail = (e.message ?? '').replace(/^querystring\/?/, '').trim() || 'schema mismatch';
    return problem(400, 'usage', 'invalid-parameter', `A query parameter is not valid: ${detail}.`, 'Check the parameter against the API description in the README.');
  }
  if (e.validation) {
    return problem(400, 'usage', 'invalid-request', `The request ${e.validationContext ?? 'input'} is not valid: ${e.message ?? 'schema mismatch'}.`, 'Check the request against the API description.');
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'usage', 'body-too-large', 'The request body is too large.', 'A CSR is at most 64 KiB; send only the CSR.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'usage', 'malformed-json', 'The request body is not valid JSON.', 'Send a JSON object with Content-Type: application/json.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'usage', 'unsupported-media-type', 'The request body must be JSON.', 'Send Content-Type: application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'usage', 'bad-content-length', 'The request body does not match its Content-Length.', 'Send the body again.');
    case 'FST_ERR_BAD_URL':
      return problem(400, 'usage', 'bad-url', 'The request URL is not valid.', 'Check the URL encoding.');
  }
  // A body that fails JSON.parse arrives as a SyntaxError with statusCode 400.
  if (error instanceof SyntaxError && e.statusCode === 400) {
    return problem(400, 'usage', 'malformed-json', 'The request body is not valid JSON.', 'Send a JSON object with Content-Type: application/json.');
  }
  if (e.statusCode === 408) {
    return problem(408, 'usage', 'request-timeout', 'The request took too long to arrive.', 'Try again on a faster connection.');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return problem(e.statusCode, 'usage', 'bad-request', 'The request was not understood.', 'Check the request against the API description.');
  }
  onUnexpected?.(error);
  return UNEXPECTED_PROBLEM();
}
