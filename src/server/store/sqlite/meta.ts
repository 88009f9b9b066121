// Named values and counters in SQLite, and where the copies' cloud keys are kept.
import type { CloudKeyInfo } from '../../../domain/types.js';
import type { CloudKeyRecords, MetaStore } from '../store.js';
import type { Db } from './db.js';

export class SqliteMeta implements MetaStore, CloudKeyRecords {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare<[string], { value: string }>(`SELECT value FROM meta WHERE key = ?`),
      set: db.prepare<[string, string]>(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      // One statement: two writers can never both read the same value and write the same next one.
      // (JS numbers are bound as REAL: cast, or the value would be stored as "7.0".)
      advance: db.prepare<{ key: string; by: number; start: number }, { before: number }>(`
        INSERT INTO meta (key, value) VALUES (@key, CAST(CAST(@start AS INTEGER) + CAST(@by AS INTEGER) AS TEXT))
        ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(@by AS INTEGER) AS TEXT)
        RETURNING CAST(value AS INTEGER) - CAST(@by AS INTEGER) AS before`),
      cloudKeys: db.prepare<[], { cloud_key: string }>(`SELECT cloud_key FROM certificates WHERE cloud_key IS NOT NULL`),
    };
  }

  getMeta(key: string): string | null {
    return this.s.get.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.s.set.run(key, value);
  }

  advance(key: string, by: number, start: number): number {
    return this.s.advance.get({ key, by, start })!.before;
  }

  cloudKeys(): CloudKeyInfo[] {
    return this.s.cloudKeys.all().map((r) => JSON.parse(r.cloud_key) as CloudKeyInfo);
  }
}
