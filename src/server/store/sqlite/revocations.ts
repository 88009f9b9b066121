// Revocations in SQLite: at once, or every scheduled one whose date has come.
import type { RevocationReason } from '../../../domain/types.js';
import type { CertificateRecord, RevokedEntry } from '../records.js';
import type { RevocationStore } from '../store.js';
import type { Db } from './db.js';
import { toRecord, type CertificateRow } from '../sql-rows.js';
import { SELECT_CERTIFICATE, VISIBLE } from './rows.js';

export class SqliteRevocations implements RevocationStore {
  private readonly s;

  constructor(
    db: Db,
    private readonly write: <T>(fn: () => T) => T,
  ) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      revokeNow: p(`UPDATE certificates SET revoked = 1, revocation_date = @date, revocation_reason = @reason WHERE id = @id AND revoked = 0`),
      anyDue: p<{ n: number }>(
        `SELECT EXISTS (SELECT 1 FROM certificates INDEXED BY certificates_due WHERE revoked = 0 AND revocation_date IS NOT NULL AND revocation_date <= ?) AS n`,
      ),
      revokeDue: p(`UPDATE certificates INDEXED BY certificates_due SET revoked = 1 WHERE revoked = 0 AND revocation_date IS NOT NULL AND revocation_date <= ?`),
      revoked: p<{ serial: string; revocation_date: string; revocation_reason: string | null }>(
        `SELECT serial, revocation_date, revocation_reason FROM certificates WHERE revoked = 1 ORDER BY revocation_date, serial`,
      ),
      pending: p<CertificateRow>(`
        WITH due AS (SELECT rowid AS rid FROM certificates INDEXED BY certificates_due
                     WHERE revoked = 0 AND revocation_date IS NOT NULL AND revocation_date > @now)
        ${SELECT_CERTIFICATE} JOIN due ON due.rid = c.rowid WHERE ${VISIBLE} ORDER BY c.revocation_date, c.rowid`),
    };
  }

  revokeNow(id: string, date: string, reason: RevocationReason): boolean {
    return this.s.revokeNow.run({ id, date, reason }).changes === 1;
  }

  revokeDue(now: string): number {
    // A read first: most calls find nothing due and then take no write lock at all.
    if (this.s.anyDue.get(now)!.n === 0) return 0;
    return this.write(() => this.s.revokeDue.run(now).changes);
  }

  revokedEntries(): RevokedEntry[] {
    return this.s.revoked.all().map((r) => ({
      serial: r.serial,
      revocationDate: r.revocation_date,
      reason: (r.revocation_reason ?? 'unspecified') as RevocationReason,
    }));
  }

  pending(viewer: number, now: string): CertificateRecord[] {
    return this.s.pending.all({ viewer, now }).map(toRecord);
  }
}
