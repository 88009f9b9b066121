// The `local` kind: the embedded sandbox portal, in-process. It opens (or, for an empty folder,
// creates and seeds) the portal in `dataDir` and acts as one account, `demo` by default.
import type { Clock } from '../../domain/clock.js';
import type { AccountPortal } from '../../server/account-portal.js';
import type { MailOptions } from '../../server/service.js';
import { noPendingOrders } from '../own-orders.js';
import { PORTAL_CAPABILITIES, type OwnPortal } from '../portal.js';
import type { PortalOpenOptions } from '../registry.js';

export interface LocalPortalOptions {
  dataDir: string;
  clock: Clock;
  /** The account to act as (default 'demo', the seeded customer). */
  account?: string;
  /** Reminder days and language; the sandbox always writes its e-mails to DATA_DIR/outbox/. */
  mail?: Pick<MailOptions, 'reminderDays' | 'lang'>;
}

export async function openLocalPortal(opts: LocalPortalOptions): Promise<OwnPortal> {
  // Loaded lazily so commands that talk to an HTTP portal never load SQLite.
  const { openPortalService } = await import('../../server/service.js');
  const service = await openPortalService({ dataDir: opts.dataDir, clock: opts.clock, mail: { reminderDays: opts.mail?.reminderDays, lang: opts.mail?.lang } });
  let p: AccountPortal;
  try {
    p = service.forAccount(opts.account ?? 'demo') as AccountPortal;
  } catch (e) {
    service.close();
    throw e;
  }
  return {
    // The embedded sandbox is our own service: every capability.
    kind: 'local',
    capabilities: PORTAL_CAPABILITIES,
    info: async () => ({ ...(await p.info()), kind: 'local', capabilities: [...PORTAL_CAPABILITIES] }),
    list: (query) => p.list(query),
    count: (query) => p.count(query),
    get: (id) => p.get(id),
    download: (id, format, chain) => p.download(id, format, chain),
    checkCsr: (id, csr, keySource, card) => p.checkCsr(id, csr, keySource, card),
    reissue: (id, request, idempotencyKey) => p.reissue(id, request, idempotencyKey),
    emails: (id) => p.emails(id),
    resumeReissue: noPendingOrders,
    revoke: (id, reason) => p.revoke(id, reason),
    pendingRevocations: () => p.pendingRevocations(),
    caCertificate: () => p.caCertificate(),
    crl: () => p.crl(),
    // The account's view is shared; closing the local portal closes the database, once the
    // e-mails being written to the outbox are done.
    async close() {
      await service.settle();
      service.close();
    },
  };
}

/** The registry's entry point: the embedded sandbox in the data folder, as the `demo` account. */
export async function open(opts: PortalOpenOptions): Promise<OwnPortal> {
  return openLocalPortal({ dataDir: opts.dataDir, clock: opts.clock, mail: { reminderDays: await opts.reminderDays?.() } });
}
