// `reissue sandbox reset`: the embedded sandbox back to its first-run demo state as of now. Undoes
// whatever was done at a simulated date (REISSUE_NOW): the revocations carried out then, reissues,
// and the CRL entries they made, the deleted copies' cloud key pairs; the e-mail files written so
// far move to outbox-archive/. The sandbox CA and the demo accounts (with their API tokens)
// stay, so a running `reissue serve` and the clients that trust its CA keep working.
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../domain/errors.js';
import type { CloudKeyInfo } from '../domain/types.js';
import { t } from '../i18n/i18n.js';
import { DEMO_ACCOUNTS, insertDemoData, prepareDemoData } from './seed.js';
import { META_SEEDED } from './open.js';
import type { DataDirLayout } from './datadir.js';
import type { LocalPortalService } from './service.js';

/** Folder of the data directory that `sandbox reset` moves earlier e-mail files into. */
export const OUTBOX_ARCHIVE = 'outbox-archive';

/** Accounts other than the demo ones: a reset would delete them and their certificates. */
export async function otherAccounts(service: LocalPortalService): Promise<string[]> {
  return (await service.guard(() => service.store.accountNames())).filter((name) => !DEMO_ACCOUNTS.includes(name));
}

export interface ResetOptions {
  /** Reset even when the portal holds accounts other than the demo ones (they are deleted). */
  force: boolean;
}

export interface ResetResult {
  /** Where the e-mail files written before the reset were moved (null: there were none). */
  archivedOutbox: string | null;
  /** Cloud key pairs of the deleted copies removed from the key store. */
  removedCloudKeys: number;
}

export async function resetSandbox(service: LocalPortalService, now: Date, opts: ResetOptions): Promise<ResetResult> {
  const others = await otherAccounts(service);
  if (others.length && !opts.force) throw notOnlyDemo(others);
  // Signing is async: the demo certificates are made first, then written in one transaction.
  const demo = await prepareDemoData(await service.ca.signing(), now);
  const deletedKeys = await service.guard(() =>
    service.store.write(async () => {
      // Checked again under the write lock: an account may have been created meanwhile.
      const othersNow = await otherAccounts(service);
      if (othersNow.length && !opts.force) throw notOnlyDemo(othersNow);
      const keys = await service.store.cloudKeys();
      await service.store.clearExceptAccounts(DEMO_ACCOUNTS);
      await insertDemoData(service.store, demo, now);
      await service.store.setMeta(META_SEEDED, 'yes');
      await service.store.setMeta('reset_at', now.toISOString());
      return keys;
    }),
  );
  return { archivedOutbox: archiveOutbox(service.layout, now), removedCloudKeys: await removeCloudKeys(service, deletedKeys) };
}

/**
 * The outbox's files move to outbox-archive/STAMP/: the e-mail numbers start again at 000001 and
 * every new message gets a file of its own, while the old messages stay readable.
 */
function archiveOutbox(layout: DataDirLayout, now: Date): string | null {
  if (!existsSync(layout.outbox) || readdirSync(layout.outbox).length === 0) return null;
  const archive = join(layout.dir, OUTBOX_ARCHIVE);
  mkdirSync(archive, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = join(archive, stamp);
  for (let n = 2; existsSync(target); n++) target = join(archive, `${stamp}-${n}`);
  renameSync(layout.outbox, target);
  return target;
}

/** The deleted copies' cloud key pairs, from the store this portal keeps them in (best effort, like discard). */
async function removeCloudKeys(service: LocalPortalService, keys: CloudKeyInfo[]): Promise<number> {
  if (keys.length === 0) return 0;
  const store = await service.cloudKeys();
  let removed = 0;
  for (const key of keys.filter((k) => k.store === store.kind)) {
    try {
      await store.discard(key);
      removed++;
    } catch (e) {
      service.log(`Could not remove the cloud key ${key.label}: ${(e as Error).message}`);
    }
  }
  return removed;
}

function notOnlyDemo(others: string[]) {
  return usageError('sandbox-not-demo', t('sandbox.notOnlyDemo', { accounts: others.join(', ') }), t('sandbox.notOnlyDemoHint'));
}
