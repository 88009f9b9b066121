// Secrets that ride inside URLs (https://user:password@host, smtp://user:password@host) kept out
// of what the program prints, records or hands to support. Pure.

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i;

/** True when the URL carries a user name or password before its host. */
export function hasUrlCredentials(url: string): boolean {
  return USERINFO.test(url.trim());
}

/**
 * The URL with its credentials hidden: everything before "@" (`keepUser`: the password only,
 * so an SMTP account can still be recognised). Text that is no URL is returned as it is.
 */
export function redactUrl(url: string, keepUser = false): string {
  return url.replace(USERINFO, (_all, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    if (keepUser) return colon < 0 ? `${scheme}${info}@` : `${scheme}${info.slice(0, colon)}:***@`;
    return `${scheme}***@`;
  });
}

/** An API token as shown by `config get`: enough to recognise it, never enough to use it. */
export function maskToken(token: string): string {
  return token.length <= 8 ? '********' : `${token.slice(0, 4)}…${token.slice(-2)}`;
}
