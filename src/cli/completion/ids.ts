// Certificate ids for completion, from the configured portal: the embedded sandbox's file when it
// exists (never created by a Tab), or the HTTP portal with a one-second limit. Any failure gives
// no ids: completion never prints an error into the user's command line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../domain/clock.js';
import { MAX_PAGE_SIZE, type AnyPortal } from '../../portal/portal.js';
import { findPortalKind, openPortalOf } from '../../portal/registry.js';
import { loadSettings, type GlobalFlags } from '../env.js';
import type { Candidate } from './tree.js';

/** How long a Tab may wait for the portal. */
export const PORTAL_WAIT_MS = 1000;

export async function certificateIds(flags: GlobalFlags, env: NodeJS.ProcessEnv, typed: string): Promise<Candidate[]> {
  let opening: Promise<AnyPortal | null> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PORTAL_WAIT_MS)));
    opening = loadSettings(flags, env).then(openPortal);
    const page = await Promise.race([opening.then((p) => p?.list({ limit: MAX_PAGE_SIZE, withTotal: false })), deadline]);
    return (page?.items ?? []).filter((c) => c.id.startsWith(typed)).map((c) => ({ value: c.id, description: c.commonName }));
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
    // Closed whenever it opens, even after the deadline.
    void opening?.then((p) => p?.close()).catch(() => undefined);
  }
}

async function openPortal(settings: Awaited<ReturnType<typeof loadSettings>>): Promise<AnyPortal | null> {
  const kind = findPortalKind(settings.portal);
  // A Tab never creates the embedded sandbox nor sends a password from a URL.
  if (!kind || settings.portalCredentials || (kind.embedded && !existsSync(join(settings.dataDir, 'portal.sqlite')))) return null;
  return openPortalOf(kind, { spec: settings.portal, dataDir: settings.dataDir, token: settings.token, caFile: settings.caFile, allowInsecureHttp: settings.allowInsecureHttp, clock: systemClock, timeoutMs: PORTAL_WAIT_MS, retries: 0, runDueRevocations: false });
}
