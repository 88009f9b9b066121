// The portal store on one SQLite file (better-sqlite3): the parts, each with its statements
// prepared once, behind the one PortalStore interface. write() is an IMMEDIATE transaction: it
// takes the file's write lock at BEGIN, so two processes never both read, then both write.
// better-sqlite3 is synchronous, so within one process nothing else runs while fn does.
import type { PortalStore } from '../store.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteCardKeys } from './card-keys.js';
import { SqliteCertificates } from './certificates.js';
import { openDatabase, type Db } from './db.js';
import { SqliteMeta } from './meta.js';
import { SqliteOutbox } from './outbox.js';
import { SqliteReissues } from './reissues.js';
import { SqliteRevocations } from './revocations.js';
import { SqliteSearch } from './search.js';

export class SqliteStore implements PortalStore {
  private readonly accounts;
  private readonly certificates;
  private readonly search;
  private readonly reissues;
  private readonly revocations;
  private readonly cardKeys;
  private readonly outbox;
  private readonly meta;

  /** Opens (creating and migrating when needed) the portal database at `path`. */
  static open(path: string, migrations?: readonly string[]): SqliteStore {
    return new SqliteStore(openDatabase(path, migrations));
  }

  constructor(readonly db: Db) {
    this.accounts = new SqliteAccounts(db);
    this.certificates = new SqliteCertificates(db);
    this.search = new SqliteSearch(db);
    this.reissues = new SqliteReissues(db);
    this.revocations = new SqliteRevocations(db, (fn) => this.write(fn));
    this.cardKeys = new SqliteCardKeys(db);
    this.outbox = new SqliteOutbox(db);
    this.meta = new SqliteMeta(db);
  }

  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }

  // Accounts and tokens
  account: PortalStore['account'] = (name) => this.accounts.account(name);
  insertAccount: PortalStore['insertAccount'] = (...a) => this.accounts.insertAccount(...a);
  accountNames: PortalStore['accountNames'] = () => this.accounts.accountNames();
  insertToken: PortalStore['insertToken'] = (...a) => this.accounts.insertToken(...a);
  accountForTokenHash: PortalStore['accountForTokenHash'] = (sha) => this.accounts.accountForTokenHash(sha);
  clearExceptAccounts: PortalStore['clearExceptAccounts'] = (keep) => {
    this.accounts.clearExceptAccounts(keep);
    this.search.forget();
  };

  // Certificates and chains
  ensureProduct: PortalStore['ensureProduct'] = (product) => this.certificates.ensureProduct(product);
  insertCertificate: PortalStore['insertCertificate'] = (c) => {
    this.certificates.insertCertificate(c);
    this.search.forget(); // new rows change how common trigrams are
  };
  markDownloaded: PortalStore['markDownloaded'] = (...a) => this.certificates.markDownloaded(...a);
  byId: PortalStore['byId'] = (id) => this.certificates.byId(id);
  visible: PortalStore['visible'] = (...a) => this.certificates.visible(...a);
  newestCopyOfOrder: PortalStore['newestCopyOfOrder'] = (orderId) => this.certificates.newestCopyOfOrder(orderId);
  copyChain: PortalStore['copyChain'] = (id) => this.certificates.copyChain(id);
  newestSuccessor: PortalStore['newestSuccessor'] = (id) => this.certificates.newestSuccessor(id);

  // Search
  list: PortalStore['list'] = (...a) => this.search.list(...a);
  count: PortalStore['count'] = (...a) => this.search.count(...a);

  // Reissues and idempotency
  markReplaced: PortalStore['markReplaced'] = (...a) => this.reissues.markReplaced(...a);
  idempotency: PortalStore['idempotency'] = (...a) => this.reissues.idempotency(...a);
  insertIdempotency: PortalStore['insertIdempotency'] = (...a) => this.reissues.insertIdempotency(...a);

  // Revocations
  revokeNow: PortalStore['revokeNow'] = (...a) => this.revocations.revokeNow(...a);
  revokeDue: PortalStore['revokeDue'] = (now) => this.revocations.revokeDue(now);
  revokedEntries: PortalStore['revokedEntries'] = () => this.revocations.revokedEntries();
  pending: PortalStore['pending'] = (...a) => this.revocations.pending(...a);

  // Card keys
  cardKey: PortalStore['cardKey'] = (...a) => this.cardKeys.cardKey(...a);
  recordCardKey: PortalStore['recordCardKey'] = (...a) => this.cardKeys.recordCardKey(...a);

  // E-mails
  reminderDue: PortalStore['reminderDue'] = (...a) => this.outbox.reminderDue(...a);
  anyReminderDue: PortalStore['anyReminderDue'] = (...a) => this.outbox.anyReminderDue(...a);
  queueReminder: PortalStore['queueReminder'] = (e) => this.outbox.queueReminder(e);
  insertEmail: PortalStore['insertEmail'] = (e) => this.outbox.insertEmail(e);
  unsentDue: PortalStore['unsentDue'] = (now) => this.outbox.unsentDue(now);
  nextUnsentAt: PortalStore['nextUnsentAt'] = () => this.outbox.nextUnsentAt();
  claimEmail: PortalStore['claimEmail'] = (...a) => this.outbox.claimEmail(...a);
  emailSent: PortalStore['emailSent'] = (...a) => this.outbox.emailSent(...a);
  emailFailed: PortalStore['emailFailed'] = (...a) => this.outbox.emailFailed(...a);
  emailsAbout: PortalStore['emailsAbout'] = (id) => this.outbox.emailsAbout(id);

  // Cloud keys, meta and counters
  cloudKeys: PortalStore['cloudKeys'] = () => this.meta.cloudKeys();
  getMeta: PortalStore['getMeta'] = (key) => this.meta.getMeta(key);
  setMeta: PortalStore['setMeta'] = (...a) => this.meta.setMeta(...a);
  advance: PortalStore['advance'] = (...a) => this.meta.advance(...a);
}
