// The `certum` kinds: Certum's Partner API (production, its test service, or any URL), signed in
// with the partner's user name and password (asked for only when the portal is opened).
import { usageError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { isLoopbackHost } from '../../util/loopback.js';
import type { PortalCore } from '../portal.js';
import type { PortalOpenOptions } from '../registry.js';
import { certumEndpoint } from './endpoint.js';
import { Ledger } from './ledger.js';
import { CertumPortal } from './portal.js';

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_POLL_S = 60;
/** Certum's reissues go back to orders of the last three years (code signing lasts that long). */
const HISTORY_DAYS = 3 * 366;
/** Passwords typed at the prompt before the refusal stands (as sudo and ssh do). */
const PASSWORD_ATTEMPTS = 3;

export async function open(opts: PortalOpenOptions): Promise<PortalCore> {
  const endpoint = certumEndpoint(opts.spec);
  let url: URL | null = null;
  try {
    url = endpoint ? new URL(endpoint.url) : null;
  } catch {
    url = null;
  }
  if (!endpoint || !url) throw usageError('bad-portal', t('certum.badSpec', { portal: opts.spec }), t('certum.badSpecHint'));
  // The password travels in every request: never in clear to another machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !opts.allowInsecureHttp) {
    throw usageError('certum-cleartext', t('certum.cleartext', { url: endpoint.url }), t('certum.cleartextHint'));
  }
  if (!opts.certumCredentials) throw usageError('certum-no-credentials', t('certum.noUser'), t('certum.noUserHint'));
  let credentials = await opts.certumCredentials();
  const timeoutMs = opts.timeoutMs ?? seconds(opts.env?.REISSUE_CERTUM_TIMEOUT, DEFAULT_TIMEOUT_S) * 1000;
  const pollMs = seconds(opts.env?.REISSUE_CERTUM_POLL, DEFAULT_POLL_S) * 1000;
  // soap and the WSDL load only once the checks above have passed.
  const { connectPartnerApi } = await import('./service.js');
  for (let attempt = 1; ; attempt++) {
    const call = await connectPartnerApi({ endpoint: endpoint.url, credentials, timeoutMs, caFile: opts.caFile });
    const portal = new CertumPortal({
      call,
      // A claim outlives any call still waiting for Certum's answer: older, its process has died.
      ledger: new Ledger(opts.dataDir, endpoint.url, 2 * timeoutMs + 30_000),
      clock: opts.clock,
      name: t(`certum.name.${endpoint.which}`, { url: endpoint.url, user: credentials.userName }),
      userName: credentials.userName,
      pollMs,
      historyDays: HISTORY_DAYS,
    });
    // A password typed at the prompt is tried at once: refused, it is dropped and asked for again,
    // so no later step (the wizard's retry) goes on with it.
    if (!credentials.typed) return portal;
    try {
      await portal.signIn();
      return portal;
    } catch (e) {
      await portal.close();
      if ((e as { code?: string }).code !== 'certum-auth' || attempt >= PASSWORD_ATTEMPTS) throw e;
      credentials = await opts.certumCredentials(e as Error);
    }
  }
}

/** A number of seconds from the environment (fractions allowed), or the default. */
function seconds(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  if (Number.isNaN(n)) return fallback;
  if (!(n > 0 && n <= 86_400)) throw usageError('bad-option', t('certum.badSeconds', { value }), t('certum.badSecondsHint'));
  return n;
}
