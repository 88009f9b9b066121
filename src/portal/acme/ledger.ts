// The local ledger of one ACME directory (the CA has no "list my certificates"): one SQLite file
// in the directory's folder, 0600. It holds the accounts (contact → key file and account URL),
// every copy obtained or imported (with its chain, order URL, key source and key location, the
// copy it replaces), the orders of reissues under way (the order URL saved before the order is
// finalized, under the request's idempotency key, so a retry resumes it instead of ordering
// again), and the revocation schedule with its claims (one process revokes each copy).
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { portalError } from '../../domain/errors.js';
import type { CardEvidence, KeySource } from '../../domain/types.js';
import { t } from '../../i18n/i18n.js';
import { NewerSqliteFile, openPrivateSqlite } from '../../util/private-sqlite.js';

const SCHEMA = [
  // What the ledger learnt of the directory (renewalInfo: its URL, or '' when it offers none).
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE accounts (
     contact TEXT PRIMARY KEY,
     url TEXT NOT NULL,
     key_file TEXT NOT NULL,
     terms_of_service TEXT,
     eab_kid TEXT,
     created_at TEXT NOT NULL,
     used_at TEXT NOT NULL
   )`,
  `CREATE TABLE certificates (
     id TEXT PRIMARY KEY,
     serial TEXT NOT NULL UNIQUE,
     common_name TEXT NOT NULL,
     domains TEXT NOT NULL,
     not_before TEXT NOT NULL,
     not_after TEXT NOT NULL,
     leaf_pem TEXT NOT NULL,
     chain_pem TEXT NOT NULL,
     order_url TEXT,
     origin TEXT NOT NULL,
     key_source TEXT NOT NULL,
     key_location TEXT,
     card_evidence TEXT,
     account TEXT,
     replaces TEXT REFERENCES certificates(id),
     replaced_by TEXT REFERENCES certificates(id),
     obtained_at TEXT NOT NULL,
     revoke_at TEXT,
     revoked_at TEXT,
     revocation_reason TEXT,
     revocation_answer TEXT,
     revoke_claim TEXT,
     revoke_claimed_at INTEGER,
     revoke_attempts INTEGER NOT NULL DEFAULT 0,
     revoke_last_error TEXT
   )`,
  `CREATE TABLE orders (
     idempotency_key TEXT PRIMARY KEY,
     certificate_id TEXT REFERENCES certificates(id),
     domains TEXT NOT NULL,
     order_url TEXT NOT NULL UNIQUE,
     csr TEXT NOT NULL,
     key_source TEXT NOT NULL,
     key_location TEXT,
     card_evidence TEXT,
     new_certificate_id TEXT REFERENCES certificates(id),
     created_at TEXT NOT NULL
   )`,
];

/** A claim older than this was held by a process that died: it may be taken again. */
export const STALE_CLAIM_MS = 10 * 60 * 1000;

export interface LedgerCertificate {
  id: string;
  serial: string;
  commonName: string;
  domains: string[];
  notBefore: string;
  notAfter: string;
  leafPem: string;
  /** The rest of the chain as the CA sent it (PEM, may be empty for an import without it). */
  chainPem: string;
  orderUrl: string | null;
  origin: 'issued' | 'imported';
  keySource: Extract<KeySource, 'csr' | 'card'>;
  /** A key file's absolute path, or a pkcs11: URI; null when unknown (a CSR from elsewhere). */
  keyLocation: string | null;
  cardEvidence: CardEvidence | null;
  account: string | null;
  replaces: string | null;
  replacedBy: string | null;
  obtainedAt: string;
  revokeAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  /** What the CA answered to the revocation (recorded once it was sent). */
  revocationAnswer: string | null;
  revokeAttempts: number;
  revokeLastError: string | null;
}

export interface LedgerAccount {
  contact: string;
  url: string;
  keyFile: string;
  termsOfService: string | null;
  eabKid: string | null;
  createdAt: string;
}

export interface PendingOrder {
  idempotencyKey: string;
  /** The copy this order replaces; null for a first certificate (`acme order`). */
  certificateId: string | null;
  /** The order's names (the chain is checked for every one). */
  domains: string[];
  orderUrl: string;
  csr: string;
  keySource: 'csr' | 'card';
  keyLocation: string | null;
  cardEvidence: CardEvidence | null;
  newCertificateId: string | null;
}

type Row = Record<string, unknown>;

export class Ledger {
  private constructor(private readonly db: Database.Database, readonly path: string) {}

  static open(path: string): Ledger {
    try {
      return new Ledger(openPrivateSqlite(path, { migrations: [SCHEMA] }), path);
    } catch (e) {
      if (e instanceof NewerSqliteFile) throw portalError('acme-ledger-newer', t('acme.ledgerNewer', { path }), t('acme.ledgerNewerHint'), { path });
      throw portalError('acme-ledger-unreadable', t('acme.ledgerUnreadable', { path, reason: (e as Error).message }), t('acme.ledgerUnreadableHint'), { path, reason: (e as Error).message });
    }
  }

  close(): void {
    this.db.close();
  }

  // The directory --------------------------------------------------------------------------

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  meta(key: string): string | null {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
  }

  // Accounts ---------------------------------------------------------------------------------

  saveAccount(a: LedgerAccount, now: string): void {
    this.db
      .prepare(
        `INSERT INTO accounts (contact, url, key_file, terms_of_service, eab_kid, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(contact) DO UPDATE SET url = excluded.url, key_file = excluded.key_file, terms_of_service = excluded.terms_of_service, eab_kid = excluded.eab_kid, used_at = excluded.used_at`,
      )
      .run(a.contact, a.url, a.keyFile, a.termsOfService, a.eabKid, a.createdAt, now);
  }

  /** The account used last (the one `acme account` registered or chose most recently). */
  currentAccount(): LedgerAccount | null {
    const r = this.db.prepare('SELECT * FROM accounts ORDER BY used_at DESC, rowid DESC LIMIT 1').get() as Row | undefined;
    return r ? accountOf(r) : null;
  }

  account(contact: string): LedgerAccount | null {
    const r = this.db.prepare('SELECT * FROM accounts WHERE contact = ?').get(contact) as Row | undefined;
    return r ? accountOf(r) : null;
  }

  // Certificates ------------------------------------------------------------------------------

  insertCertificate(c: LedgerCertificate): void {
    this.db
      .prepare(
        `INSERT INTO certificates (id, serial, common_name, domains, not_before, not_after, leaf_pem, chain_pem, order_url, origin, key_source, key_location, card_evidence, account, replaces, replaced_by, obtained_at, revoke_at, revoked_at, revocation_reason, revocation_answer)
         VALUES (@id, @serial, @commonName, @domains, @notBefore, @notAfter, @leafPem, @chainPem, @orderUrl, @origin, @keySource, @keyLocation, @cardEvidence, @account, @replaces, @replacedBy, @obtainedAt, @revokeAt, @revokedAt, @revocationReason, @revocationAnswer)`,
      )
      .run({ ...c, domains: JSON.stringify(c.domains), cardEvidence: c.cardEvidence ? JSON.stringify(c.cardEvidence) : null });
  }

  byId(id: string): LedgerCertificate | null {
    const r = this.db.prepare('SELECT * FROM certificates WHERE id = ? OR serial = ?').get(id, id.toLowerCase().replace(/[:\s]/g, '')) as Row | undefined;
    return r ? certificateOf(r) : null;
  }

  /** Copies matching `text` (CN, names, id, serial, order URL), newest first. */
  search(text: string | undefined, limit: number, offset: number): LedgerCertificate[] {
    const { where, args } = filter(text);
    return (this.db.prepare(`SELECT * FROM certificates ${where} ORDER BY obtained_at DESC, rowid DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as Row[]).map(certificateOf);
  }

  count(text: string | undefined): number {
    const { where, args } = filter(text);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM certificates ${where}`).get(...args) as { n: number }).n;
  }

  /** Copies with a revocation scheduled and not yet carried out, soonest first. */
  scheduled(): LedgerCertificate[] {
    return (this.db.prepare('SELECT * FROM certificates WHERE revoke_at IS NOT NULL AND revoked_at IS NULL ORDER BY revoke_at').all() as Row[]).map(certificateOf);
  }

  /**
   * The new copy and the old copy's link and revocation schedule, and the order marked done, in
   * one transaction: a crash leaves all or nothing.
   */
  recordReissue(newCopy: LedgerCertificate, oldId: string, revokeAt: string | null, idempotencyKey: string): void {
    this.db
      .transaction(() => {
        this.insertCertificate(newCopy);
        this.db.prepare('UPDATE certificates SET replaced_by = ?, revoke_at = COALESCE(revoke_at, ?), revocation_reason = COALESCE(revocation_reason, ?) WHERE id = ?').run(newCopy.id, revokeAt, revokeAt ? 'superseded' : null, oldId);
        this.db.prepare('UPDATE orders SET new_certificate_id = ? WHERE idempotency_key = ?').run(newCopy.id, idempotencyKey);
      })
      .immediate();
  }

  /** A first certificate and its order marked done, in one transaction. */
  recordNew(copy: LedgerCertificate, idempotencyKey: string): void {
    this.db
      .transaction(() => {
        this.insertCertificate(copy);
        this.db.prepare('UPDATE orders SET new_certificate_id = ? WHERE idempotency_key = ?').run(copy.id, idempotencyKey);
      })
      .immediate();
  }

  // Orders ----------------------------------------------------------------------------------

  saveOrder(o: PendingOrder, now: string): void {
    this.db
      .prepare('INSERT INTO orders (idempotency_key, certificate_id, domains, order_url, csr, key_source, key_location, card_evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(o.idempotencyKey, o.certificateId, JSON.stringify(o.domains), o.orderUrl, o.csr, o.keySource, o.keyLocation, o.cardEvidence ? JSON.stringify(o.cardEvidence) : null, now);
  }

  /** An order by its idempotency key or its URL. */
  order(ref: string): PendingOrder | null {
    const r = this.db.prepare('SELECT * FROM orders WHERE idempotency_key = ? OR order_url = ?').get(ref, ref) as Row | undefined;
    return r ? orderOf(r) : null;
  }

  /** Forgets an order the CA declared invalid, so the same request may order again. */
  dropOrder(idempotencyKey: string): void {
    this.db.prepare('DELETE FROM orders WHERE idempotency_key = ? AND new_certificate_id IS NULL').run(idempotencyKey);
  }

  // Revocations -----------------------------------------------------------------------------

  /**
   * Takes the next due revocation for this process: BEGIN IMMEDIATE makes the read and the claim
   * one step, so two processes never claim one copy. A claim older than STALE_CLAIM_MS (real
   * time: a process that died) may be taken again. Null when nothing is due.
   */
  claimDue(now: string, realNowMs: number): { certificate: LedgerCertificate; claim: string } | null {
    return this.db
      .transaction(() => {
        const r = this.db
          .prepare(
            `SELECT * FROM certificates WHERE revoke_at IS NOT NULL AND revoke_at <= ? AND revoked_at IS NULL
               AND (revoke_claim IS NULL OR revoke_claimed_at < ?) ORDER BY revoke_at LIMIT 1`,
          )
          .get(now, realNowMs - STALE_CLAIM_MS) as Row | undefined;
        if (!r) return null;
        const claim = randomUUID();
        this.db.prepare('UPDATE certificates SET revoke_claim = ?, revoke_claimed_at = ?, revoke_attempts = revoke_attempts + 1 WHERE id = ?').run(claim, realNowMs, r.id);
        return { certificate: certificateOf(r), claim };
      })
      .immediate();
  }

  /** The CA's answer to a claimed revocation: done (revoked or already revoked). */
  revocationDone(id: string, claim: string, revokedAt: string, reason: string, answer: string): boolean {
    const info = this.db
      .prepare('UPDATE certificates SET revoked_at = ?, revocation_reason = ?, revocation_answer = ?, revoke_claim = NULL, revoke_last_error = NULL WHERE id = ? AND revoke_claim = ? AND revoked_at IS NULL')
      .run(revokedAt, reason, answer, id, claim);
    return info.changes === 1;
  }

  /** The CA refused or could not be reached: the claim is released, the error kept for `status`. */
  revocationFailed(id: string, claim: string, error: string): void {
    this.db.prepare('UPDATE certificates SET revoke_claim = NULL, revoke_claimed_at = NULL, revoke_last_error = ? WHERE id = ? AND revoke_claim = ?').run(error, id, claim);
  }

  /** A revocation asked for now (`reissue revoke`), recorded after the CA's answer. */
  revokedNow(id: string, revokedAt: string, reason: string, answer: string): void {
    this.db.prepare('UPDATE certificates SET revoked_at = ?, revoke_at = COALESCE(revoke_at, ?), revocation_reason = ?, revocation_answer = ?, revoke_claim = NULL WHERE id = ? AND revoked_at IS NULL').run(revokedAt, revokedAt, reason, answer, id);
  }
}

function filter(text: string | undefined): { where: string; args: string[] } {
  const q = text?.trim().toLowerCase();
  if (!q) return { where: '', args: [] };
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const serial = `%${q.replace(/[:\s]/g, '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return {
    where: "WHERE lower(common_name) LIKE ? ESCAPE '\\' OR lower(domains) LIKE ? ESCAPE '\\' OR lower(id) LIKE ? ESCAPE '\\' OR serial LIKE ? ESCAPE '\\' OR lower(COALESCE(order_url, '')) LIKE ? ESCAPE '\\'",
    args: [like, like, like, serial, like],
  };
}

function accountOf(r: Row): LedgerAccount {
  return { contact: r.contact as string, url: r.url as string, keyFile: r.key_file as string, termsOfService: (r.terms_of_service as string) ?? null, eabKid: (r.eab_kid as string) ?? null, createdAt: r.created_at as string };
}

function certificateOf(r: Row): LedgerCertificate {
  return {
    id: r.id as string,
    serial: r.serial as string,
    commonName: r.common_name as string,
    domains: JSON.parse(r.domains as string) as string[],
    notBefore: r.not_before as string,
    notAfter: r.not_after as string,
    leafPem: r.leaf_pem as string,
    chainPem: r.chain_pem as string,
    orderUrl: (r.order_url as string) ?? null,
    origin: r.origin as 'issued' | 'imported',
    keySource: r.key_source as 'csr' | 'card',
    keyLocation: (r.key_location as string) ?? null,
    cardEvidence: r.card_evidence ? (JSON.parse(r.card_evidence as string) as CardEvidence) : null,
    account: (r.account as string) ?? null,
    replaces: (r.replaces as string) ?? null,
    replacedBy: (r.replaced_by as string) ?? null,
    obtainedAt: r.obtained_at as string,
    revokeAt: (r.revoke_at as string) ?? null,
    revokedAt: (r.revoked_at as string) ?? null,
    revocationReason: (r.revocation_reason as string) ?? null,
    revocationAnswer: (r.revocation_answer as string) ?? null,
    revokeAttempts: (r.revoke_attempts as number) ?? 0,
    revokeLastError: (r.revoke_last_error as string) ?? null,
  };
}

function orderOf(r: Row): PendingOrder {
  return {
    idempotencyKey: r.idempotency_key as string,
    certificateId: (r.certificate_id as string) ?? null,
    domains: JSON.parse(r.domains as string) as string[],
    orderUrl: r.order_url as string,
    csr: r.csr as string,
    keySource: r.key_source as 'csr' | 'card',
    keyLocation: (r.key_location as string) ?? null,
    cardEvidence: r.card_evidence ? (JSON.parse(r.card_evidence as string) as CardEvidence) : null,
    newCertificateId: (r.new_certificate_id as string) ?? null,
  };
}
