// Certum's refusals as the portal's errors: a SOAP fault, a responseHeader with a non-zero
// successCode and its errorCodes, a timeout, a connection that failed. Each becomes a ReissueError
// with a stable code and a message in the user's language; the password is never part of one
// (the messages are built from codes, and a fault's text is cleaned of it before it is shown).
import { inputError, portalError, type ReissueError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import type { CertumError } from './answers.js';

/**
 * Certum's errorCodes this portal tells apart (from the codes its published SDK lists); every
 * other code is reported with its number and Certum's own text.
 */
const KNOWN_ERRORS: Record<number, { code: string; key: string; input?: boolean }> = {
  1000: { code: 'certum-csr-key-too-short', key: 'csrKeyTooShort', input: true },
  1001: { code: 'certum-csr-key-unsupported', key: 'csrKeyUnsupported', input: true },
  1032: { code: 'certum-csr-key-used', key: 'csrKeyUsed', input: true },
  1033: { code: 'not-found', key: 'orderNotFound' },
  1049: { code: 'certum-csr-unreadable', key: 'csrUnreadable', input: true },
  1078: { code: 'certum-csr-invalid', key: 'csrInvalid', input: true },
  1133: { code: 'not-found', key: 'serialNotFound' },
  1143: { code: 'certum-already-revoking', key: 'alreadyRevoking' },
  1144: { code: 'certum-expired', key: 'expired' },
  1145: { code: 'certum-already-revoked', key: 'alreadyRevoked' },
  1150: { code: 'certum-csr-key-too-long', key: 'csrKeyTooLong', input: true },
  1154: { code: 'certum-too-many-orders', key: 'tooManyOrders' },
  1159: { code: 'not-found', key: 'certificateNotFound' },
  1168: { code: 'certum-cn-mismatch', key: 'cnMismatch', input: true },
  1170: { code: 'not-found', key: 'otherAccount' },
  2094: { code: 'certum-not-reissuable', key: 'notReissuable' },
  2097: { code: 'certum-csr-invalid', key: 'csrInvalid', input: true },
  2122: { code: 'certum-not-reissuable', key: 'notReissuable' },
  2125: { code: 'certum-csr-invalid', key: 'csrInvalid', input: true },
  2126: { code: 'already-replaced', key: 'notNewestCopy' },
};

/** successCode values that are not errorCodes: 1 general failure; 2 and 3 (the SDK's two catalogs disagree) bad credentials. */
const AUTH_SUCCESS_CODES = new Set([2, 3]);
/** errorCodes about the credentials themselves (too long user name / password). */
const AUTH_ERROR_CODES = new Set([1084, 1090]);

/** A refusal in the responseHeader. `subject` is the order id or serial the call was about. */
export function answerError(operation: string, successCode: number, errors: CertumError[], subject: string): ReissueError {
  if (AUTH_SUCCESS_CODES.has(successCode) || errors.some((e) => AUTH_ERROR_CODES.has(e.errorCode))) return badCredentials();
  const first = errors[0];
  if (!first) return portalError('certum-failed', t('certum.failed', { operation, code: successCode }), t('certum.failedHint'), { operation, successCode });
  const known = KNOWN_ERRORS[first.errorCode];
  const codes = errors.map((e) => e.errorCode);
  if (known) {
    const make = known.input ? inputError : portalError;
    return make(known.code, t(`certum.error.${known.key}`, { subject, code: first.errorCode }), t(`certum.error.${known.key}Hint`, { subject }), { operation, errorCodes: codes });
  }
  const text = errors.map((e) => (e.value ? `${e.errorCode} (${e.value})` : String(e.errorCode))).join(', ');
  return portalError('certum-refused', t('certum.refused', { operation, errors: text }), t('certum.refusedHint'), { operation, errorCodes: codes });
}

export function badCredentials(): ReissueError {
  return portalError('certum-auth', t('certum.auth'), t('certum.authHint'));
}

/** A SOAP fault: Certum's fault text, with any trace of the password removed. */
export function faultError(operation: string, faultString: string, password: string): ReissueError {
  const shown = scrub(faultString, password).slice(0, 300);
  return portalError('certum-fault', t('certum.fault', { operation, fault: shown }), t('certum.faultHint'), { operation });
}

export function timeoutError(operation: string, seconds: number, endpoint: string): ReissueError {
  return portalError('certum-timeout', t('certum.timeout', { seconds, operation, endpoint }), t('certum.timeoutHint'), { operation, seconds });
}

export function unreachableError(operation: string, endpoint: string, cause: string, password: string): ReissueError {
  return portalError('certum-unreachable', t('certum.unreachable', { endpoint, cause: scrub(cause, password).slice(0, 200) }), t('certum.unreachableHint'), { operation });
}

/** `text` without the password, as typed or XML-escaped (a service that echoes a request must not make us print it). */
export function scrub(text: string, password: string): string {
  if (!password) return text;
  const escaped = password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return text.split(password).join('***').split(escaped).join('***');
}
