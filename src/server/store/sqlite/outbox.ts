// The e-mail outbox in SQLite. UNIQUE (kind, certificate_id) is what makes each message about a
// copy exist once, across processes; a claim (next_attempt_at moved ahead) lets one process send it.
import type { PortalEmail } from '../../../domain/types.js';
import type { CertificateRecord, NewEmail, OutgoingMessage, QueuedEmail } from '../records.js';
import type { OutboxStore } from '../store.js';
import type { Db } from './db.js';
import { toEmail, toRecord, type CertificateRow, type OutboxRow } from '../sql-rows.js';
import { SELECT_CERTIFICATE } from './rows.js';

export class SqliteOutbox implements OutboxStore {
  private readonly s;

  constructor(db: Db) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      // Replaced copies whose revocation is between now and the reminder horizon and that have no reminder yet.
      reminderDue: p<CertificateRow>(`
        WITH due AS (SELECT rowid AS rid FROM certificates INDEXED BY certificates_reminder_due
                     WHERE revoked = 0 AND revocation_date IS NOT NULL AND reminder_queued = 0
                       AND revocation_date > @now AND revocation_date <= @horizon)
        ${SELECT_CERTIFICATE} JOIN due ON due.rid = c.rowid
        WHERE c.replaced_by IS NOT NULL
        ORDER BY c.revocation_date, c.rowid`),
      anyReminderDue: p<{ n: number }>(`
        SELECT EXISTS (SELECT 1 FROM certificates INDEXED BY certificates_reminder_due
                       WHERE revoked = 0 AND revocation_date IS NOT NULL AND reminder_queued = 0
                         AND revocation_date > @now AND revocation_date <= @horizon AND replaced_by IS NOT NULL) AS n`),
      markReminderQueued: p(`UPDATE certificates SET reminder_queued = 1 WHERE id = ?`),
      insert: p(`
        INSERT INTO outbox (kind, certificate_id, related_id, recipient, subject, message, created_at, next_attempt_at)
        VALUES (@kind, @certificateId, @relatedId, @recipient, @subject, @message, @createdAt, @nextAttemptAt)
        ON CONFLICT (kind, certificate_id) DO NOTHING`),
      unsentDue: p<OutboxRow>(`SELECT * FROM outbox INDEXED BY outbox_unsent WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT 50`),
      nextUnsent: p<{ at: string | null }>(`SELECT min(next_attempt_at) AS at FROM outbox INDEXED BY outbox_unsent WHERE sent_at IS NULL`),
      claim: p(`UPDATE outbox SET next_attempt_at = @until WHERE id = @id AND sent_at IS NULL AND next_attempt_at <= @now`),
      sent: p(`UPDATE outbox SET sent_at = @at, delivered_to = @to, attempts = attempts + 1, last_error = NULL WHERE id = @id AND sent_at IS NULL`),
      failed: p(`UPDATE outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE id = @id AND sent_at IS NULL`),
      about: p<OutboxRow>(`SELECT * FROM outbox WHERE certificate_id = @id OR related_id = @id ORDER BY id`),
    };
  }

  reminderDue(now: string, horizon: string): CertificateRecord[] {
    return this.s.reminderDue.all({ now, horizon }).map(toRecord);
  }

  anyReminderDue(now: string, horizon: string): boolean {
    return this.s.anyReminderDue.get({ now, horizon })!.n === 1;
  }

  queueReminder(e: Omit<NewEmail, 'kind'>): boolean {
    this.s.markReminderQueued.run(e.certificateId);
    return this.insertEmail({ ...e, kind: 'revocation-reminder' });
  }

  insertEmail(e: NewEmail): boolean {
    return (
      this.s.insert.run({
        kind: e.kind,
        certificateId: e.certificateId,
        relatedId: e.relatedId,
        recipient: e.message.to,
        subject: e.message.subject,
        message: JSON.stringify(e.message),
        createdAt: e.createdAt,
        nextAttemptAt: e.nextAttemptAt,
      }).changes === 1
    );
  }

  unsentDue(now: string): QueuedEmail[] {
    return this.s.unsentDue.all(now).map((r) => ({ id: r.id, kind: r.kind, certificateId: r.certificate_id, message: JSON.parse(r.message) as OutgoingMessage, attempts: r.attempts }));
  }

  nextUnsentAt(): string | null {
    return this.s.nextUnsent.get()!.at;
  }

  claimEmail(id: number, now: string, until: string): boolean {
    return this.s.claim.run({ id, now, until }).changes === 1;
  }

  emailSent(id: number, at: string, to: string): void {
    this.s.sent.run({ id, at, to });
  }

  emailFailed(id: number, error: string, next: string): void {
    this.s.failed.run({ id, error, next });
  }

  emailsAbout(id: string): PortalEmail[] {
    return this.s.about.all({ id }).map(toEmail);
  }
}
