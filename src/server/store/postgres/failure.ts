// PostgreSQL failures the operator can act on, as portal errors naming the database (never its
// password): it cannot be reached, refuses the login, or does not exist. Anything else (a broken
// constraint is a bug here, not the operator's) passes through. The values go in the details, from
// which the catalogs (errors.store-*) say it in the user's language.
import { portalError } from '../../../domain/errors.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);

/** `url` without user password, for messages. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}

export function postgresFailure(e: unknown, url: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e;
  const where = displayUrl(url);
  const detail = (e as Error).message;
  if (UNREACHABLE.has(code) || code.startsWith('08')) {
    return portalError('store-unreachable', `The portal database ${where} cannot be reached: ${detail}.`, 'Check that PostgreSQL runs and the host and port in --store (REISSUE_STORE) are right, then try again.', { where, detail });
  }
  if (code.startsWith('28')) {
    return portalError('store-login-refused', `The portal database ${where} refused the login: ${detail}.`, 'Check the user in --store and its password in ~/.pgpass (or PGPASSFILE).', { where, detail });
  }
  if (code === '3D000') {
    return portalError('store-missing', `The portal database ${where} does not exist.`, 'Create it (createdb NAME) or correct the name in --store.', { where });
  }
  return e;
}
