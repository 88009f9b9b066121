// The card keys the portal certified, in SQLite (first copy wins: ON CONFLICT DO NOTHING).
import type { RecordedCardKey } from '../../../card/evidence.js';
import type { CardKeyStore } from '../store.js';
import type { Db } from './db.js';

export class SqliteCardKeys implements CardKeyStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      cardKey: db.prepare<[string, string], { public_key_sha256: string; certificate_id: string }>(
        `SELECT public_key_sha256, certificate_id FROM card_keys WHERE card_serial = ? AND key_id = ?`,
      ),
      insert: db.prepare(`
        INSERT INTO card_keys (card_serial, key_id, public_key_sha256, certificate_id, recorded_at) VALUES (@serial, @keyId, @sha, @certificateId, @at)
        ON CONFLICT (card_serial, key_id) DO NOTHING`),
    };
  }

  cardKey(serial: string, keyId: string): RecordedCardKey | null {
    const r = this.s.cardKey.get(serial, keyId);
    return r ? { publicKeySha256: r.public_key_sha256, certificateId: r.certificate_id } : null;
  }

  recordCardKey(serial: string, keyId: string, sha: string, certificateId: string, at: string): RecordedCardKey {
    this.s.insert.run({ serial, keyId, sha, certificateId, at });
    return this.cardKey(serial, keyId)!;
  }
}
