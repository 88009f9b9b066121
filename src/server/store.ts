// Every SQL statement of the portal, prepared once. Rows come back as plain records; turning a
// record into the Certificate every view shows (with its state at a given time) is toCertificate.
// Visibility is part of each read: a customer reads its own rows, a partner also its customers'.
import { certificateState } from '../domain/policy.js';
import type { Algorithm, CardEvidence, Certificate, CloudKeyInfo, EmailKind, KeySource, Organization, PortalEmail, Product, RevocationReason, Role, Subscriber } from '../domain/types.js';
import type { RecordedCardKey } from '../card/evidence.js';
import type { Db } from './db.js';

export interface AccountRecord {
  id: number;
  name: string;
  role: Role;
  partnerId: number | null;
}

/** What is stored for one copy; the product is referenced by id. */
export interface NewCertificate {
  id: string;
  serial: string;
  orderId: string;
  accountId: number;
  productId: number;
  commonName: string;
  domains: string[];
  subscriber: Subscriber;
  organization: Organization | null;
  authorizationMethod: string;
  notBefore: string;
  notAfter: string;
  der: Uint8Array;
  publicKeySha256: string;
  replaces: string | null;
  replacedBy: string | null;
  revocationDate: string | null;
  revoked: boolean;
  revocationReason: RevocationReason | null;
  issuedAt: string;
  /** How the key pair was made (null: not recorded, e.g. demo data). */
  keySource?: KeySource | null;
  cloudKey?: CloudKeyInfo | null;
  /** For a card key: the card's evidence as declared (null otherwise). */
  cardEvidence?: CardEvidence | null;
}

/** A stored copy with its product and account, as read back. */
export interface CertificateRecord extends NewCertificate {
  product: Product;
  account: string;
  keySource: KeySource | null;
  cloudKey: CloudKeyInfo | null;
  downloadedAt: string | null;
}

/** A message as queued: everything delivery needs, composed when it was queued. */
export interface OutgoingMessage {
  /** The Date header: the portal's time when it was queued (REISSUE_NOW in the sandbox). */
  date: string;
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: string; contentType: string }[];
}

export interface NewEmail {
  kind: EmailKind;
  certificateId: string;
  relatedId: string | null;
  message: OutgoingMessage;
  createdAt: string;
  /** Wall-clock time of the first delivery attempt. */
  nextAttemptAt: string;
}

export interface QueuedEmail {
  id: number;
  kind: EmailKind;
  certificateId: string;
  message: OutgoingMessage;
  attempts: number;
}

export interface IdempotencyRecord {
  requestSha256: string;
  certificateId: string;
  newCertificateId: string;
}

export interface RevokedEntry {
  serial: string;
  revocationDate: string;
  reason: RevocationReason;
}

interface OutboxRow {
  id: number;
  kind: EmailKind;
  certificate_id: string;
  related_id: string | null;
  recipient: string;
  subject: string;
  message: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
  delivered_to: string | null;
}

interface CertificateRow {
  id: string;
  serial: string;
  order_id: string;
  account_id: number;
  product_id: number;
  common_name: string;
  domains: string;
  subscriber: string;
  organization: string | null;
  authorization_method: string;
  not_before: string;
  not_after: string;
  der: Buffer;
  public_key_sha256: string;
  replaces: string | null;
  replaced_by: string | null;
  revocation_date: string | null;
  revoked: number;
  revocation_reason: string | null;
  issued_at: string;
  key_source: string | null;
  cloud_key: string | null;
  downloaded_at: string | null;
  card_evidence: string | null;
  product_name: string;
  product_category: string;
  product_key_sources: string;
  product_algorithms: string;
  account_name: string;
}

const SELECT_CERTIFICATE = `
  SELECT c.*, p.name AS product_name, p.category AS product_category,
         p.key_sources AS product_key_sources, p.algorithms AS product_algorithms, a.name AS account_name
  FROM certificates c
  JOIN products p ON p.id = c.product_id
  JOIN accounts a ON a.id = c.account_id`;

// The accounts whose certificates @viewer may see: itself, and its customers when it is a partner.
const VISIBLE = `c.account_id IN (SELECT id FROM accounts WHERE id = @viewer OR partner_id = @viewer)`;
// The same for an account without customers, written so an index range serves it (deep offsets).
const OWN = `c.account_id = @viewer`;
// Lists are newest first; copies issued in the same second come in a fixed order that the covering
// index (account_id, issued_at, search) gives as it is, without sorting (search starts with the
// unique id; rowid only makes the order total).
const LIST_ORDER = `ORDER BY c.issued_at DESC, c.search DESC, c.rowid DESC`;
const NEWEST_FIRST = `ORDER BY c.issued_at DESC, c.rowid DESC`;
const MATCHES = `instr(c.search, @text) > 0`;
// Rows holding every trigram of the filter (candidates; instr then keeps the real matches).
const CANDIDATES = `SELECT rowid AS rid FROM certificates_search WHERE certificates_search MATCH @match`;

// A filter's trigram candidates are read (one row each, ~1 µs) instead of scanning the covering
// index (every visible row's search text, ~0.2 µs each) when there are few enough of them: up to
// TRIGRAM_PAGE_LIMIT for a page (which also sorts them; a filter with more candidates usually
// matches densely, and the index scan fills a page from its first rows), up to
// TRIGRAM_COUNT_LIMIT for an exact count (which must see every match either way).
export const TRIGRAM_PAGE_LIMIT = 2000;
export const TRIGRAM_COUNT_LIMIT = 10_000;
const MAX_TRIGRAMS = 16;

// One page: the page's rowids come from the covering index (or the trigram candidates) alone,
// and only those rows (DER and all) are read.
function page(from: string, where: string): string {
  return `
    WITH page AS (SELECT c.rowid AS rid FROM ${from} WHERE ${where} ${LIST_ORDER} LIMIT @limit OFFSET @offset)
    ${SELECT_CERTIFICATE} JOIN page ON page.rid = c.rowid ${LIST_ORDER}`;
}

/** The list and count statements for one visibility rule. */
function listStatements(db: Db, scope: string, countFrom: string) {
  const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
  const viaTrigrams = `(${CANDIDATES}) m JOIN certificates c ON c.rowid = m.rid`;
  return {
    all: p<CertificateRow>(page('certificates c', scope)),
    matching: p<CertificateRow>(page('certificates c', `${scope} AND ${MATCHES}`)),
    matchingTrigrams: p<CertificateRow>(page(viaTrigrams, `${scope} AND ${MATCHES}`)),
    count: p<{ n: number }>(`SELECT count(*) AS n FROM ${countFrom} WHERE ${scope}`),
    countMatching: p<{ n: number }>(`SELECT count(*) AS n FROM certificates c WHERE ${scope} AND ${MATCHES}`),
    countMatchingTrigrams: p<{ n: number }>(`SELECT count(*) AS n FROM ${viaTrigrams} WHERE ${scope} AND ${MATCHES}`),
  };
}

/** The distinct trigrams of `text` (at most MAX_TRIGRAMS), by code point as the trigram tokenizer counts. */
export function trigramsOf(text: string): string[] {
  const chars = [...text];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length && grams.size < MAX_TRIGRAMS; i++) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams];
}

/** The FTS5 query for the rows holding every one of `grams`, each quoted. */
function allOf(grams: readonly string[]): string {
  return grams.map((g) => `"${g.replaceAll('"', '""')}"`).join(' AND ');
}

/**
 * The FTS5 query for the rows containing every trigram of `text` (a superset is enough, instr
 * decides), or null when `text` is shorter than one trigram.
 */
export function trigramQuery(text: string): string | null {
  const grams = trigramsOf(text);
  return grams.length ? allOf(grams) : null;
}

/** A trigram in more than this share of the rows costs more to intersect than it usually narrows. */
const COMMON_TRIGRAM_SHARE = 0.2;
/** Trigram row counts remembered (they only steer the way a filter is answered). */
const GRAM_COUNTS_KEPT = 4096;

export class PortalStore {
  private readonly s;
  private lastCandidates: { match: string; n: number } | null = null;
  // Rows holding each trigram, counted up to one more than `common` (the rows a common one is in).
  private readonly gramRows = new Map<string, number>();
  private common: number | null = null;

  constructor(readonly db: Db) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      getMeta: p<{ value: string }>(`SELECT value FROM meta WHERE key = ?`),
      setMeta: p(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      accountByName: p<{ id: number; name: string; role: Role; partner_id: number | null }>(`SELECT id, name, role, partner_id FROM accounts WHERE name = ?`),
      insertAccount: p(`INSERT INTO accounts (name, role, partner_id, created_at) VALUES (?, ?, ?, ?)`),
      insertToken: p(`INSERT INTO api_tokens (token_sha256, account_id, created_at) VALUES (?, ?, ?)`),
      accountForToken: p<{ name: string }>(`SELECT a.name FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_sha256 = ?`),
      productByName: p<{ id: number }>(`SELECT id FROM products WHERE name = ?`),
      insertProduct: p(`INSERT INTO products (name, category, key_sources, algorithms) VALUES (?, ?, ?, ?)`),
      insertCertificate: p(`
        INSERT INTO certificates (id, serial, order_id, account_id, product_id, common_name, domains, subscriber,
          organization, authorization_method, not_before, not_after, der, public_key_sha256, replaces, replaced_by,
          revocation_date, revoked, revocation_reason, issued_at, search, key_source, cloud_key, card_evidence)
        VALUES (@id, @serial, @orderId, @accountId, @productId, @commonName, @domains, @subscriber,
          @organization, @authorizationMethod, @notBefore, @notAfter, @der, @publicKeySha256, @replaces, @replacedBy,
          @revocationDate, @revoked, @revocationReason, @issuedAt, @search, @keySource, @cloudKey, @cardEvidence)`),
      markDownloaded: p(`UPDATE certificates SET downloaded_at = @at WHERE id = @id AND downloaded_at IS NULL`),
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
      insertEmail: p(`
        INSERT INTO outbox (kind, certificate_id, related_id, recipient, subject, message, created_at, next_attempt_at)
        VALUES (@kind, @certificateId, @relatedId, @recipient, @subject, @message, @createdAt, @nextAttemptAt)
        ON CONFLICT (kind, certificate_id) DO NOTHING`),
      unsentDue: p<OutboxRow>(`SELECT * FROM outbox INDEXED BY outbox_unsent WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT 50`),
      nextUnsent: p<{ at: string | null }>(`SELECT min(next_attempt_at) AS at FROM outbox INDEXED BY outbox_unsent WHERE sent_at IS NULL`),
      claimEmail: p(`UPDATE outbox SET next_attempt_at = @until WHERE id = @id AND sent_at IS NULL AND next_attempt_at <= @now`),
      emailSent: p(`UPDATE outbox SET sent_at = @at, delivered_to = @to, attempts = attempts + 1, last_error = NULL WHERE id = @id AND sent_at IS NULL`),
      emailFailed: p(`UPDATE outbox SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE id = @id AND sent_at IS NULL`),
      emailsAbout: p<OutboxRow>(`SELECT * FROM outbox WHERE certificate_id = @id OR related_id = @id ORDER BY id`),
      productName: p<{ name: string }>(`SELECT name FROM products WHERE id = ?`),
      byId: p<CertificateRow>(`${SELECT_CERTIFICATE} WHERE c.id = ?`),
      visibleByIdOrSerial: p<CertificateRow>(`${SELECT_CERTIFICATE} WHERE (c.id = @id OR c.serial = @serial) AND ${VISIBLE}`),
      hasCustomers: p<{ n: number }>(`SELECT EXISTS (SELECT 1 FROM accounts WHERE partner_id = ?) AS n`),
      own: listStatements(db, OWN, 'certificates c INDEXED BY certificates_by_account_only'),
      visible: listStatements(db, VISIBLE, 'certificates c'),
      highestRowid: p<{ n: number }>(`SELECT coalesce(max(rowid), 0) AS n FROM certificates`),
      trigramCandidates: p<{ n: number }>(`SELECT count(*) AS n FROM (${CANDIDATES} LIMIT @cap)`),
      newestOfOrder: p<{ id: string }>(`SELECT id FROM certificates c WHERE order_id = ? ${NEWEST_FIRST} LIMIT 1`),
      // The copy and every copy before it (newest first); the depth cap only guards against a cycle.
      copyChain: p<{ id: string; der: Uint8Array }>(`
        WITH RECURSIVE chain (id, der, replaces, depth) AS (
          SELECT id, der, replaces, 0 FROM certificates WHERE id = ?
          UNION ALL
          SELECT c.id, c.der, c.replaces, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaces WHERE chain.depth < 10000
        ) SELECT id, der FROM chain ORDER BY depth`),
      // The last copy of the chain of successors from a copy (itself when it has none).
      newestSuccessor: p<{ id: string }>(`
        WITH RECURSIVE chain (id, replaced_by, depth) AS (
          SELECT id, replaced_by, 0 FROM certificates WHERE id = ?
          UNION ALL
          SELECT c.id, c.replaced_by, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaced_by WHERE chain.depth < 10000
        ) SELECT id FROM chain ORDER BY depth DESC LIMIT 1`),
      markReplaced: p(`UPDATE certificates SET replaced_by = @newId, revocation_date = @revocationDate, revocation_reason = 'superseded' WHERE id = @oldId AND replaced_by IS NULL`),
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
      idempotency: p<{ request_sha256: string; certificate_id: string; new_certificate_id: string }>(
        `SELECT request_sha256, certificate_id, new_certificate_id FROM idempotency WHERE account_id = ? AND key = ?`,
      ),
      cardKey: p<{ public_key_sha256: string; certificate_id: string }>(`SELECT public_key_sha256, certificate_id FROM card_keys WHERE card_serial = ? AND key_id = ?`),
      insertCardKey: p(`
        INSERT INTO card_keys (card_serial, key_id, public_key_sha256, certificate_id, recorded_at) VALUES (@serial, @keyId, @sha, @certificateId, @at)
        ON CONFLICT (card_serial, key_id) DO NOTHING`),
      insertIdempotency: p(`INSERT INTO idempotency (account_id, key, request_sha256, certificate_id, new_certificate_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
    };
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it or none of it, one writer at a time. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getMeta(key: string): string | null {
    return this.s.getMeta.get(key)?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.s.setMeta.run(key, value);
  }

  account(name: string): AccountRecord | null {
    const r = this.s.accountByName.get(name);
    return r ? { id: r.id, name: r.name, role: r.role, partnerId: r.partner_id } : null;
  }

  insertAccount(name: string, role: Role, partnerId: number | null, createdAt: string): number {
    return Number(this.s.insertAccount.run(name, role, partnerId, createdAt).lastInsertRowid);
  }

  accountNames(): string[] {
    return (this.db.prepare(`SELECT name FROM accounts ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }

  /** Where every copy's cloud key is kept (copies with one). */
  cloudKeys(): CloudKeyInfo[] {
    return (this.db.prepare(`SELECT cloud_key FROM certificates WHERE cloud_key IS NOT NULL`).all() as { cloud_key: string }[]).map((r) => JSON.parse(r.cloud_key) as CloudKeyInfo);
  }

  /**
   * Removes every certificate, product, idempotency record and queued e-mail, and the accounts (with their API
   * tokens) not named in `keep`. The kept accounts keep their ids and tokens, so a running service
   * that has them open goes on working. Call inside a transaction.
   */
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
    this.gramRows.clear();
    this.common = null;
    this.lastCandidates = null;
  }

  insertToken(tokenSha256: string, accountId: number, createdAt: string): void {
    this.s.insertToken.run(tokenSha256, accountId, createdAt);
  }

  accountForTokenHash(tokenSha256: string): string | null {
    return this.s.accountForToken.get(tokenSha256)?.name ?? null;
  }

  /** The product's id, creating it the first time its name is seen. */
  ensureProduct(product: Product): number {
    const existing = this.s.productByName.get(product.name);
    if (existing) return existing.id;
    return Number(
      this.s.insertProduct.run(product.name, product.category, JSON.stringify(product.keySources), JSON.stringify(product.algorithms)).lastInsertRowid,
    );
  }

  insertCertificate(c: NewCertificate): void {
    // New rows change how common trigrams are: count them afresh.
    this.gramRows.clear();
    this.common = null;
    // Lower-cased here (not with SQL lower(), which only knows ASCII) to match the list filter.
    const product = this.s.productName.get(c.productId)?.name ?? '';
    const search = [c.id, c.commonName, ...c.domains, c.orderId, c.serial, product].join(' ').toLowerCase();
    this.s.insertCertificate.run({
      ...c,
      search,
      domains: JSON.stringify(c.domains),
      subscriber: JSON.stringify(c.subscriber),
      organization: c.organization ? JSON.stringify(c.organization) : null,
      der: Buffer.from(c.der.buffer, c.der.byteOffset, c.der.byteLength),
      revoked: c.revoked ? 1 : 0,
      keySource: c.keySource ?? null,
      cloudKey: c.cloudKey ? JSON.stringify(c.cloudKey) : null,
      cardEvidence: c.cardEvidence ? JSON.stringify(c.cardEvidence) : null,
    });
  }

  /** Records the first download of a copy (the reminder says whether it happened). */
  markDownloaded(id: string, at: string): void {
    this.s.markDownloaded.run({ id, at });
  }

  /** Replaced copies due a reminder: revocation after `now` and at most `horizon`, none queued yet. */
  reminderDue(now: string, horizon: string): CertificateRecord[] {
    return this.s.reminderDue.all({ now, horizon }).map(toRecord);
  }

  /** A cheap read: is any reminder due? (Most answers find none and take no write lock.) */
  anyReminderDue(now: string, horizon: string): boolean {
    return this.s.anyReminderDue.get({ now, horizon })!.n === 1;
  }

  /**
   * Queues the reminder about a replaced copy and marks the copy; false when one exists already
   * (the outbox's UNIQUE (kind, certificate_id) is what guarantees "once", across processes).
   */
  queueReminder(e: Omit<NewEmail, 'kind'>): boolean {
    this.s.markReminderQueued.run(e.certificateId);
    return this.insertEmail({ ...e, kind: 'revocation-reminder' });
  }

  /** Queues a message; false when this kind of message about this copy already exists. */
  insertEmail(e: NewEmail): boolean {
    return (
      this.s.insertEmail.run({
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

  /** Unsent messages whose next attempt is due at `now` (wall clock). */
  unsentDue(now: string): QueuedEmail[] {
    return this.s.unsentDue.all(now).map((r) => ({ id: r.id, kind: r.kind, certificateId: r.certificate_id, message: JSON.parse(r.message) as OutgoingMessage, attempts: r.attempts }));
  }

  /** When the next unsent message is due, or null when everything was sent. */
  nextUnsentAt(): string | null {
    return this.s.nextUnsent.get()!.at;
  }

  /** Takes a due message for one attempt until `until`; false when another process took it. */
  claimEmail(id: number, now: string, until: string): boolean {
    return this.s.claimEmail.run({ id, now, until }).changes === 1;
  }

  emailSent(id: number, at: string, to: string): void {
    this.s.emailSent.run({ id, at, to });
  }

  emailFailed(id: number, error: string, next: string): void {
    this.s.emailFailed.run({ id, error, next });
  }

  /** Messages about a copy, or in which it is the other copy (issued: replaced; reminder: new). */
  emailsAbout(id: string): PortalEmail[] {
    return this.s.emailsAbout.all({ id }).map(toEmail);
  }

  /** Any copy by id, regardless of who may see it (for re-reads inside a transaction). */
  byId(id: string): CertificateRecord | null {
    const r = this.s.byId.get(id);
    return r ? toRecord(r) : null;
  }

  /** A copy `viewer` may see, by id or by serial (both already normalised to lower case). */
  visible(viewer: number, id: string, serial: string): CertificateRecord | null {
    const r = this.s.visibleByIdOrSerial.get({ viewer, id, serial });
    return r ? toRecord(r) : null;
  }

  /**
   * One page of what `viewer` may see, newest first; `text` (lower case) keeps the copies whose
   * search text contains it. How it is answered depends on the filter, never what it answers.
   */
  list(viewer: number, text: string, limit: number, offset: number): CertificateRecord[] {
    const q = this.statementsFor(viewer);
    const match = this.trigramQueryWithin(text, TRIGRAM_PAGE_LIMIT);
    const rows = match
      ? q.matchingTrigrams.all({ viewer, text, match, limit, offset })
      : text
        ? q.matching.all({ viewer, text, limit, offset })
        : q.all.all({ viewer, limit, offset });
    return rows.map(toRecord);
  }

  /** How many copies list() would return without a limit: always exact. */
  count(viewer: number, text: string): number {
    const q = this.statementsFor(viewer);
    const match = this.trigramQueryWithin(text, TRIGRAM_COUNT_LIMIT);
    return (match ? q.countMatchingTrigrams.get({ viewer, text, match }) : text ? q.countMatching.get({ viewer, text }) : q.count.get({ viewer }))!.n;
  }

  // An account without customers sees exactly its own rows: one index range, in list order.
  private statementsFor(viewer: number) {
    return this.s.hasCustomers.get(viewer)!.n ? this.s.visible : this.s.own;
  }

  /**
   * The trigram query for `text` when the trigram index narrows it to at most `limit` candidates.
   * FTS5 reads every listed row of each trigram it intersects, and a trigram such as "b00" or
   * ".pl" lists nearly every row: leaving out the very common ones usually narrows as far for a
   * fraction of the reading. All of them are tried when the others are not enough.
   */
  private trigramQueryWithin(text: string, limit: number): string | null {
    const grams = trigramsOf(text);
    if (grams.length === 0) return null;
    const all = allOf(grams);
    const telling = grams.length > 1 ? grams.filter((g) => this.rowsWith(g) <= this.commonRows()) : [];
    if (telling.length > 0 && telling.length < grams.length) {
      const narrow = allOf(telling);
      if (this.candidatesWithin(narrow, limit)) return narrow;
    }
    return this.candidatesWithin(all, limit) ? all : null;
  }

  /** True when `match` has at most `limit` candidate rows. */
  private candidatesWithin(match: string, limit: number): boolean {
    // A list is usually followed by the count of the same filter: an exact number of candidates
    // found for the page (at most TRIGRAM_PAGE_LIMIT) answers the count's question too. It only
    // chooses the way, never the answer, so a write in between cannot make it wrong.
    const known = this.lastCandidates?.match === match ? this.lastCandidates.n : null;
    const n = known ?? this.s.trigramCandidates.get({ match, cap: limit + 1 })!.n;
    if (n <= limit) this.lastCandidates = { match, n };
    return n <= limit;
  }

  /** How many rows hold `gram`, up to commonRows() + 1; remembered, as it steers only the way. */
  private rowsWith(gram: string): number {
    let n = this.gramRows.get(gram);
    if (n === undefined) {
      if (this.gramRows.size >= GRAM_COUNTS_KEPT) this.gramRows.clear();
      n = this.s.trigramCandidates.get({ match: allOf([gram]), cap: this.commonRows() + 1 })!.n;
      this.gramRows.set(gram, n);
    }
    return n;
  }

  /** Rows beyond which a trigram is common (from the highest rowid: no count of the table). */
  private commonRows(): number {
    this.common ??= Math.ceil(this.s.highestRowid.get()!.n * COMMON_TRIGRAM_SHARE);
    return this.common;
  }

  newestCopyOfOrder(orderId: string): string | null {
    return this.s.newestOfOrder.get(orderId)?.id ?? null;
  }

  /** The certificate DER of `id` and of every copy it replaced, newest first. */
  copyChain(id: string): { id: string; der: Uint8Array }[] {
    return this.s.copyChain.all(id);
  }

  /** The newest copy in the chain of successors from `id`: the one to use (null: no such copy). */
  newestSuccessor(id: string): CertificateRecord | null {
    const newest = this.s.newestSuccessor.get(id)?.id;
    return newest ? this.byId(newest) : null;
  }

  /** Links the old copy to its successor and schedules its revocation; false if it already had one. */
  markReplaced(oldId: string, newId: string, revocationDate: string): boolean {
    return this.s.markReplaced.run({ oldId, newId, revocationDate }).changes === 1;
  }

  revokeNow(id: string, date: string, reason: RevocationReason): boolean {
    return this.s.revokeNow.run({ id, date, reason }).changes === 1;
  }

  /** Carries out every scheduled revocation whose date has come; returns how many. */
  revokeDue(now: string): number {
    // A read first: most calls find nothing due and then take no write lock at all.
    if (this.s.anyDue.get(now)!.n === 0) return 0;
    return this.transaction(() => this.s.revokeDue.run(now).changes);
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

  /** The key a card serial + key id pair was first certified for, or null. */
  cardKey(serial: string, keyId: string): RecordedCardKey | null {
    const r = this.s.cardKey.get(serial, keyId);
    return r ? { publicKeySha256: r.public_key_sha256, certificateId: r.certificate_id } : null;
  }

  /**
   * Records that the pair stands for this key (first copy wins; call inside the reissue's
   * transaction). Returns what the pair stands for now: this key, or the one recorded before.
   */
  recordCardKey(serial: string, keyId: string, sha: string, certificateId: string, at: string): RecordedCardKey {
    this.s.insertCardKey.run({ serial, keyId, sha, certificateId, at });
    return this.cardKey(serial, keyId)!;
  }

  idempotency(accountId: number, key: string): IdempotencyRecord | null {
    const r = this.s.idempotency.get(accountId, key);
    return r ? { requestSha256: r.request_sha256, certificateId: r.certificate_id, newCertificateId: r.new_certificate_id } : null;
  }

  insertIdempotency(accountId: number, key: string, rec: IdempotencyRecord, createdAt: string): void {
    this.s.insertIdempotency.run(accountId, key, rec.requestSha256, rec.certificateId, rec.newCertificateId, createdAt);
  }
}

function toRecord(r: CertificateRow): CertificateRecord {
  return {
    id: r.id,
    serial: r.serial,
    orderId: r.order_id,
    accountId: r.account_id,
    productId: r.product_id,
    commonName: r.common_name,
    domains: JSON.parse(r.domains) as string[],
    subscriber: JSON.parse(r.subscriber) as Subscriber,
    organization: r.organization ? (JSON.parse(r.organization) as Organization) : null,
    authorizationMethod: r.authorization_method,
    notBefore: r.not_before,
    notAfter: r.not_after,
    der: new Uint8Array(r.der),
    publicKeySha256: r.public_key_sha256,
    replaces: r.replaces,
    replacedBy: r.replaced_by,
    revocationDate: r.revocation_date,
    revoked: r.revoked === 1,
    revocationReason: r.revocation_reason as RevocationReason | null,
    issuedAt: r.issued_at,
    keySource: r.key_source as KeySource | null,
    cloudKey: r.cloud_key ? (JSON.parse(r.cloud_key) as CloudKeyInfo) : null,
    downloadedAt: r.downloaded_at,
    cardEvidence: r.card_evidence ? (JSON.parse(r.card_evidence) as CardEvidence) : null,
    product: {
      name: r.product_name,
      category: r.product_category,
      keySources: JSON.parse(r.product_key_sources) as KeySource[],
      algorithms: JSON.parse(r.product_algorithms) as Algorithm[],
    },
    account: r.account_name,
  };
}

/** The record as every view shows it, with its state at `now`. */
export function toCertificate(r: CertificateRecord, now: Date): Certificate {
  return {
    id: r.id,
    serialNumber: r.serial,
    commonName: r.commonName,
    domains: r.domains,
    state: certificateState({ notAfter: r.notAfter, revocationDate: r.revocationDate, revoked: r.revoked }, now),
    orderId: r.orderId,
    product: r.product.name,
    productCategory: r.product.category,
    keySources: r.product.keySources,
    algorithms: r.product.algorithms,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    replaces: r.replaces,
    replacedBy: r.replacedBy,
    revocationDate: r.revocationDate,
    revocationReason: r.revocationReason,
    subscriber: r.subscriber,
    organization: r.organization,
    authorizationMethod: r.authorizationMethod,
    account: r.account,
    keySource: r.keySource,
    cloudKey: r.cloudKey,
    downloadedAt: r.downloadedAt,
    cardEvidence: r.cardEvidence ?? null,
  };
}

function toEmail(r: OutboxRow): PortalEmail {
  return {
    id: r.id,
    kind: r.kind,
    to: r.recipient,
    subject: r.subject,
    createdAt: r.created_at,
    status: r.sent_at ? 'sent' : 'pending',
    sentAt: r.sent_at,
    attempts: r.attempts,
    lastError: r.last_error,
    deliveredTo: r.delivered_to,
  };
}
