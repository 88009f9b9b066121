// What the contract suite asks a store to do, in-process or in a worker thread: the store's part of
// a reissue (as AccountPortal does it: re-read under write(), the portal's refusal rule, the new
// copy, the link, the idempotency record and the e-mail, all in one write), the due work every
// instance runs, and a counter. Each answers a plain JSON value.
import { isReissueError } from '../../../src/domain/errors.js';
import { reissueRefusal } from '../../../src/domain/policy.js';
import { toCertificate, type NewCertificate } from '../../../src/server/store/records.js';
import type { AsyncPortalStore as PortalStore } from '../../../src/server/store/store.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReissueJob {
  accountId: number;
  key: string;
  oldId: string;
  newId: string;
  serial: string;
  at: string;
  /** Held inside write() after the read, so concurrent writers overlap if write() lets them. */
  holdMs?: number;
  /** Fails after the new copy is inserted: nothing of it may remain. */
  failAfterInsert?: boolean;
}

export type ReissueOutcome = { outcome: 'issued' | 'replay'; newId: string } | { code: string } | { error: string };

const hold = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function reissue(store: PortalStore, j: ReissueJob): Promise<ReissueOutcome> {
  try {
    return await store.write(async (): Promise<ReissueOutcome> => {
      const earlier = await store.idempotency(j.accountId, j.key);
      if (earlier) return { outcome: 'replay', newId: earlier.newCertificateId };
      const old = await store.byId(j.oldId);
      if (!old) throw new Error(`no certificate ${j.oldId}`);
      const refusal = reissueRefusal(toCertificate(old, new Date(j.at)), 'csr', old.replacedBy ?? old.id);
      if (refusal) throw refusal;
      await hold(j.holdMs ?? 0);
      const copy: NewCertificate = { ...old, id: j.newId, serial: j.serial, replaces: old.id, replacedBy: null, revocationDate: null, revoked: false, revocationReason: null, issuedAt: j.at, notBefore: j.at };
      await store.insertCertificate(copy);
      if (j.failAfterInsert) throw new Error('disk on fire');
      const revocationDate = new Date(Date.parse(j.at) + 14 * DAY_MS).toISOString();
      if (!(await store.markReplaced(old.id, j.newId, revocationDate))) throw new Error(`${old.id} was replaced during the write`);
      await store.insertIdempotency(j.accountId, j.key, { requestSha256: 'sha-' + j.oldId, certificateId: old.id, newCertificateId: j.newId }, j.at);
      await store.insertEmail({
        kind: 'certificate-issued',
        certificateId: j.newId,
        relatedId: old.id,
        message: { date: j.at, to: old.subscriber.email, subject: `issued ${j.newId}`, text: 'issued', attachments: [] },
        createdAt: j.at,
        nextAttemptAt: j.at,
      });
      return { outcome: 'issued', newId: j.newId };
    });
  } catch (e) {
    return isReissueError(e) ? { code: e.code } : { error: (e as Error).message };
  }
}

/** The reminders due at `now` (horizon `days` ahead), queued as the service does; how many this call queued. */
export async function queueReminders(store: PortalStore, now: string, days: number): Promise<number> {
  const horizon = new Date(Date.parse(now) + days * DAY_MS).toISOString();
  if (!(await store.anyReminderDue(now, horizon))) return 0;
  return store.write(async () => {
    let queued = 0;
    for (const replaced of await store.reminderDue(now, horizon)) {
      const successor = (await store.newestSuccessor(replaced.replacedBy!))!;
      const message = { date: now, to: replaced.subscriber.email, subject: `reminder ${replaced.id}`, text: 'reminder', attachments: [] };
      if (await store.queueReminder({ certificateId: replaced.id, relatedId: successor.id, message, createdAt: now, nextAttemptAt: now })) queued++;
    }
    return queued;
  });
}

/** Takes every due message this caller can claim for a minute; the ids it got. */
export async function claimDue(store: PortalStore, now: string): Promise<number[]> {
  const until = new Date(Date.parse(now) + 60_000).toISOString();
  const claimed: number[] = [];
  for (const e of await store.unsentDue(now)) if (await store.claimEmail(e.id, now, until)) claimed.push(e.id);
  return claimed;
}

export type Job =
  | { kind: 'open' }
  | { kind: 'reissue'; job: ReissueJob }
  | { kind: 'revoke-due'; now: string }
  | { kind: 'remind'; now: string; days: number }
  | { kind: 'claim'; now: string }
  | { kind: 'advance'; key: string; times: number };

export async function runJob(store: PortalStore, job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'open':
      return store.advance('contract_opened', 1, 0);
    case 'reissue':
      return reissue(store, job.job);
    case 'revoke-due':
      return store.revokeDue(job.now);
    case 'remind':
      return queueReminders(store, job.now, job.days);
    case 'claim':
      return claimDue(store, job.now);
    case 'advance':
      return Promise.all(Array.from({ length: job.times }, () => store.advance(job.key, 1, 0)));
  }
}
