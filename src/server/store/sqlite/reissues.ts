// What a reissue writes besides the new copy, in SQLite: the link and the idempotency record.
import type { IdempotencyRecord } from '../records.js';
import type { ReissueStore } from '../store.js';
import type { Db } from './db.js';

export class SqliteReissues implements ReissueStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      markReplaced: db.prepare(`UPDATE certificates SET replaced_by = @newId, revocation_date = @revocationDate, revocation_reason = 'superseded' WHERE id = @oldId AND replaced_by IS NULL`),
      idempotency: db.prepare<[number, string], { request_sha256: string; certificate_id: string; new_certificate_id: string }>(
        `SELECT request_sha256, certificate_id, new_certificate_id FROM idempotency WHERE account_id = ? AND key = ?`,
      ),
      insertIdempotency: db.prepare<[number, string, string, string, string, string]>(
        `INSERT INTO idempotency (account_id, key, request_sha256, certificate_id, new_certificate_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  markReplaced(oldId: string, newId: string, revocationDate: string): boolean {
    return this.s.markReplaced.run({ oldId, newId, revocationDate }).changes === 1;
  }

  idempotency(accountId: number, key: string): IdempotencyRecord | null {
    const r = this.s.idempotency.get(accountId, key);
    return r ? { requestSha256: r.request_sha256, certificateId: r.certificate_id, newCertificateId: r.new_certificate_id } : null;
  }

  insertIdempotency(accountId: number, key: string, rec: IdempotencyRecord, createdAt: string): void {
    this.s.insertIdempotency.run(accountId, key, rec.requestSha256, rec.certificateId, rec.newCertificateId, createdAt);
  }
}
