// The `http` kind: `reissue serve` at an http(s):// address, signed in with an API token.
import { usageError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import type { OwnPortal } from '../portal.js';
import type { PortalOpenOptions } from '../registry.js';
import { createHttpPortal } from './client.js';

export async function open(opts: PortalOpenOptions): Promise<OwnPortal> {
  if (!opts.token) throw usageError('no-token', t('cli.context.noToken', { portal: opts.spec }), t('doctor.noTokenNext'));
  return createHttpPortal({ url: opts.spec, token: opts.token, caFile: opts.caFile, allowInsecureHttp: opts.allowInsecureHttp, timeoutMs: opts.timeoutMs, retries: opts.retries });
}
