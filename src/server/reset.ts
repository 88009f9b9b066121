// `reissue sandbox reset`: the embedded sandbox back to its first-run demo state as of now. Undoes
// whatever was done at a simulated date (REISSUE_NOW): the revocations carried out then, reissues,
// and the CRL entries they made. The sandbox CA and the demo accounts (with their API tokens)
// stay, so a running `reissue serve` and the clients that trust its CA keep working.
import { usageError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import { DEMO_ACCOUNTS, insertDemoData, prepareDemoData } from './seed.js';
import { META_SEEDED } from './open.js';
import type { LocalPortalService } from './service.js';

/** Accounts other than the demo ones: a reset would delete them and their certificates. */
export function otherAccounts(service: LocalPortalService): string[] {
  return service.guard(() => service.store.accountNames()).filter((name) => !DEMO_ACCOUNTS.includes(name));
}

export interface ResetOptions {
  /** Reset even when the portal holds accounts other than the demo ones (they are deleted). */
  force: boolean;
}

export async function resetSandbox(service: LocalPortalService, now: Date, opts: ResetOptions): Promise<void> {
  const others = otherAccounts(service);
  if (others.length && !opts.force) throw notOnlyDemo(others);
  // Signing is async: the demo certificates are made first, then written in one transaction.
  const demo = await prepareDemoData(await service.ca.signing(), now);
  service.guard(() =>
    service.store.transaction(() => {
      // Checked again under the write lock: an account may have been created meanwhile.
      const othersNow = otherAccounts(service);
      if (othersNow.length && !opts.force) throw notOnlyDemo(othersNow);
      service.store.clearExceptAccounts(DEMO_ACCOUNTS);
      insertDemoData(service.store, demo, now);
      service.store.setMeta(META_SEEDED, 'yes');
      service.store.setMeta('reset_at', now.toISOString());
    }),
  );
}

function notOnlyDemo(others: string[]) {
  return usageError('sandbox-not-demo', t('sandbox.notOnlyDemo', { accounts: others.join(', ') }), t('sandbox.notOnlyDemoHint'));
}
