// Accounts and API tokens in SQLite.
import type { Role } from '../../../domain/types.js';
import type { AccountRecord } from '../records.js';
import type { AccountStore } from '../store.js';
import type { Db } from './db.js';

export class SqliteAccounts implements AccountStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      byName: db.prepare<[string], { id: number; name: string; role: Role; partner_id: number | null }>(`SELECT id, name, role, partner_id FROM accounts WHERE name = ?`),
      insert: db.prepare<[string, Role, number | null, string]>(`INSERT INTO accounts (name, role, partner_id, created_at) VALUES (?, ?, ?, ?)`),
      names: db.prepare<[], { name: string }>(`SELECT name FROM accounts ORDER BY name`),
      insertToken: db.prepare<[string, number, string]>(`INSERT INTO api_tokens (token_sha256, account_id, created_at) VALUES (?, ?, ?)`),
      forToken: db.prepare<[string], { name: string }>(`SELECT a.name FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_sha256 = ?`),
    };
  }

  account(name: string): AccountRecord | null {
    const r = this.s.byName.get(name);
    return r ? { id: r.id, name: r.name, role: r.role, partnerId: r.partner_id } : null;
  }

  insertAccount(name: string, role: Role, partnerId: number | null, createdAt: string): number {
    return Number(this.s.insert.run(name, role, partnerId, createdAt).lastInsertRowid);
  }

  accountNames(): string[] {
    return this.s.names.all().map((r) => r.name);
  }

  insertToken(tokenSha256: string, accountId: number, createdAt: string): void {
    this.s.insertToken.run(tokenSha256, accountId, createdAt);
  }

  accountForTokenHash(tokenSha256: string): string | null {
    return this.s.forToken.get(tokenSha256)?.name ?? null;
  }

  clearExceptAccounts(keep: readonly string[]): void {
    const marks = keep.map(() => '?').join(', ') || 'NULL';
    this.db.prepare(`DELETE FROM idempotency`).run();
    this.db.prepare(`DELETE FROM card_keys`).run();
    // The e-mails about those copies go with them (resetSandbox moves the delivered files away).
    this.db.prepare(`DELETE FROM outbox`).run();
    this.db.prepare(`DELETE FROM certificates`).run();
    this.db.prepare(`DELETE FROM products`).run();
    this.db.prepare(`DELETE FROM api_tokens WHERE account_id IN (SELECT id FROM accounts WHERE name NOT IN (${marks}))`).run(...keep);
    // Customers first: a partner row is referenced by its customers.
    this.db.prepare(`DELETE FROM accounts WHERE name NOT IN (${marks}) AND partner_id IS NOT NULL`).run(...keep);
    this.db.prepare(`DELETE FROM accounts WHERE name NOT IN (${marks})`).run(...keep);
  }
}
