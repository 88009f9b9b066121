// The portal's one store interface, made of parts by responsibility. A driver implements all of
// it (SQLite in ./sqlite/, PostgreSQL in ./postgres/); the service and each account's view see only this.
//
// Writes that belong together run in write(fn): all of fn or none of it, one writer at a time
// against everything another writer (another process, another instance) does. PortalStore is the
// synchronous form SQLite (better-sqlite3) implements; the service uses AsyncPortalStore (below),
// every call a promise, which PostgreSQL implements and SQLite is adapted to (sqlite/async-sqlite.ts).
import type { RecordedCardKey } from '../../card/evidence.js';
import type { CloudKeyInfo, PortalEmail, Product, RevocationReason, Role } from '../../domain/types.js';
import type { AccountRecord, CertificateRecord, IdempotencyRecord, NewCertificate, NewEmail, QueuedEmail, RevokedEntry } from './records.js';

/** Accounts and their API tokens (only a token's SHA-256 is kept). */
export interface AccountStore {
  account(name: string): AccountRecord | null;
  insertAccount(name: string, role: Role, partnerId: number | null, createdAt: string): number;
  accountNames(): string[];
  insertToken(tokenSha256: string, accountId: number, createdAt: string): void;
  accountForTokenHash(tokenSha256: string): string | null;
  /**
   * Removes every certificate, product, idempotency record, card key and queued e-mail, and the
   * accounts (with their API tokens) not named in `keep`, which keep their ids and tokens. Inside write().
   */
  clearExceptAccounts(keep: readonly string[]): void;
}

/** Certificates (every copy of an order) and the chains of copies. */
export interface CertificateStore {
  /** The product's id, creating it the first time its name is seen. */
  ensureProduct(product: Product): number;
  insertCertificate(c: NewCertificate): void;
  /** Records the first download of a copy (the reminder says whether it happened). */
  markDownloaded(id: string, at: string): void;
  /** Any copy by id, regardless of who may see it (for re-reads inside write()). */
  byId(id: string): CertificateRecord | null;
  /** A copy `viewer` may see, by id or by serial (both already normalised to lower case). */
  visible(viewer: number, id: string, serial: string): CertificateRecord | null;
  newestCopyOfOrder(orderId: string): string | null;
  /** The certificate DER of `id` and of every copy it replaced, newest first. */
  copyChain(id: string): { id: string; der: Uint8Array }[];
  /** The newest copy in the chain of successors from `id`: the one to use (null: no such copy). */
  newestSuccessor(id: string): CertificateRecord | null;
}

/** The list filter: what a viewer may see, newest first, narrowed by a lower-case text. */
export interface SearchStore {
  list(viewer: number, text: string, limit: number, offset: number): CertificateRecord[];
  /** How many copies list() would return without a limit: always exact. */
  count(viewer: number, text: string): number;
}

/** What a reissue writes besides the new copy: the link to its predecessor and the idempotency record. */
export interface ReissueStore {
  /** Links the old copy to its successor and schedules its revocation; false if it already had one. */
  markReplaced(oldId: string, newId: string, revocationDate: string): boolean;
  idempotency(accountId: number, key: string): IdempotencyRecord | null;
  insertIdempotency(accountId: number, key: string, rec: IdempotencyRecord, createdAt: string): void;
}

/** Revocations: at once, or on the date a reissue scheduled. */
export interface RevocationStore {
  /** Revokes a copy now; false when it was revoked already. */
  revokeNow(id: string, date: string, reason: RevocationReason): boolean;
  /** Carries out every scheduled revocation whose date has come, each once; returns how many. */
  revokeDue(now: string): number;
  revokedEntries(): RevokedEntry[];
  /** Copies `viewer` may see whose revocation is scheduled after `now`. */
  pending(viewer: number, now: string): CertificateRecord[];
}

/** Each card key the portal certified, by card serial + key id. */
export interface CardKeyStore {
  cardKey(serial: string, keyId: string): RecordedCardKey | null;
  /** First copy wins (inside the reissue's write()); returns what the pair stands for now. */
  recordCardKey(serial: string, keyId: string, sha: string, certificateId: string, at: string): RecordedCardKey;
}

/** The e-mail outbox: each kind of message about a copy exists at most once. */
export interface OutboxStore {
  /** Replaced copies due a reminder: revocation after `now` and at most `horizon`, none queued yet. */
  reminderDue(now: string, horizon: string): CertificateRecord[];
  /** A cheap read: is any reminder due? */
  anyReminderDue(now: string, horizon: string): boolean;
  /** Queues the reminder about a replaced copy and marks the copy; false when one exists already. */
  queueReminder(e: Omit<NewEmail, 'kind'>): boolean;
  /** Queues a message; false when this kind of message about this copy already exists. */
  insertEmail(e: NewEmail): boolean;
  /** Unsent messages whose next attempt is due at `now` (wall clock). */
  unsentDue(now: string): QueuedEmail[];
  nextUnsentAt(): string | null;
  /** Takes a due message for one attempt until `until`; false when another process took it. */
  claimEmail(id: number, now: string, until: string): boolean;
  emailSent(id: number, at: string, to: string): void;
  emailFailed(id: number, error: string, next: string): void;
  /** Messages about a copy, or in which it is the other copy (issued: replaced; reminder: new). */
  emailsAbout(id: string): PortalEmail[];
}

/** Where the copies' cloud keys are kept. */
export interface CloudKeyRecords {
  cloudKeys(): CloudKeyInfo[];
}

/** Small named values, and counters that are advanced in one statement (never read, then written). */
export interface MetaStore {
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  /** Adds `by` to the counter `key` (absent: `start`) and returns its value before. */
  advance(key: string, by: number, start: number): number;
}

export interface PortalStore extends AccountStore, CertificateStore, SearchStore, ReissueStore, RevocationStore, CardKeyStore, OutboxStore, CloudKeyRecords, MetaStore {
  /** Runs `fn` as one transaction: all of it or none, one writer at a time; nested calls join it. */
  write<T>(fn: () => T): T;
  close(): void;
}

/** The same interface where every answer is a promise: what a store on a database server implements. */
export type Promised<S> = { [K in keyof S]: S[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : S[K] };

/**
 * The store as a driver that talks to a server offers it (PostgreSQL): every call a promise, and
 * write(fn) with an async fn, whose calls to the store run inside the transaction.
 */
export interface AsyncPortalStore extends Promised<Omit<PortalStore, 'write'>> {
  write<T>(fn: () => Promise<T>): Promise<T>;
}
