// Certificate ids for completion, from the configured portal: the embedded sandbox's file when it
// exists (never created by a Tab), or the HTTP portal with a one-second limit. Any failure gives
// no ids: completion never prints an error into the user's command line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../domain/clock.js';
import { MAX_PAGE_SIZE, type Portal } from '../../portal/portal.js';
import { loadSettings, type GlobalFlags } from '../env.js';
import type { Candidate } from './tree.js';

/** How long a Tab may wait for the portal. */
export const PORTAL_WAIT_MS = 1000;

export async function certificateIds(flags: GlobalFlags, env: NodeJS.ProcessEnv, typed: string): Promise<Candidate[]> {
  let opening: Promise<Portal | null> | undefined;
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

async function openPortal(settings: Awaited<ReturnType<typeof loadSettings>>): Promise<Portal | null> {
  if (settings.portal === 'local') {
    if (!existsSync(join(settings.dataDir, 'portal.sqlite'))) return null;
    const { openLocalPortal } = await import('../../portal/local.js');
    return openLocalPortal({ dataDir: settings.dataDir, clock: systemClock });
  }
  if (!/^https?:\/\//.test(settings.portal) || !settings.token) return null;
  const { createHttpPortal } = await import('../../portal/http.js');
  return createHttpPortal({ url: settings.portal, token: settings.token, caFile: settings.caFile, allowInsecureHttp: settings.allowInsecureHttp, timeoutMs: PORTAL_WAIT_MS, retries: 0 });
}
