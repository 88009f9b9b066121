// The `acme` kind: an ACME CA (RFC 8555) at `acme:https://…/directory`. Opening it carries out the
// revocations that are due (the 14-day rule), so every command on this portal keeps the schedule.
import type { PortalOpenOptions } from '../registry.js';
import { openAcmePortal, type AcmePortal, type AcmeSettings } from './portal.js';

export async function open(opts: PortalOpenOptions): Promise<AcmePortal> {
  const settings: AcmeSettings = (await opts.acmeSettings?.()) ?? { revokeAfterDays: 14 };
  const portal = await openAcmePortal({ spec: opts.spec, dataDir: opts.dataDir, caFile: opts.caFile, clock: opts.clock, settings, onProgress: opts.onProgress, dnsManual: opts.dnsManual });
  if (opts.runDueRevocations !== false) {
    // A CA that cannot be reached now leaves the revocation scheduled: it is recorded and retried.
    portal.acme.startupRevocations = await portal.acme.runDueRevocations().catch(() => []);
  }
  return portal;
}
