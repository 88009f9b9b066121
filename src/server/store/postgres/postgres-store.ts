// The portal store on PostgreSQL (pg), for several instances on one database. write(fn) is one
// transaction on one pooled connection, carried to every call fn makes through AsyncLocalStorage.
// Inside a write, the reads a decision rests on lock what they read: byId() locks the copy
// (SELECT … FOR UPDATE), so of two reissues of one copy the second waits and then sees it replaced;
// idempotency() locks the key (an advisory lock), so a retry waits and then finds the first answer.
// Everything else that must happen once is one statement whose WHERE is re-checked under the row
// lock (revocations, e-mail claims) or an ON CONFLICT on a unique key (e-mails, card keys, counters).
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { RecordedCardKey } from '../../../card/evidence.js';
import type { CloudKeyInfo, PortalEmail, Product, RevocationReason, Role } from '../../../domain/types.js';
import type { AccountRecord, CertificateRecord, IdempotencyRecord, NewCertificate, NewEmail, OutgoingMessage, QueuedEmail, RevokedEntry } from '../records.js';
import { toEmail, toRecord, type CertificateRow, type OutboxRow } from '../sql-rows.js';
import { certificateSearchText } from '../search-text.js';
import type { AsyncPortalStore } from '../store.js';
import { migratePostgres } from './migrations.js';

const SELECT_CERTIFICATE = `
  SELECT c.*, p.name AS product_name, p.category AS product_category,
         p.key_sources AS product_key_sources, p.algorithms AS product_algorithms, a.name AS account_name
  FROM certificates c
  JOIN products p ON p.id = c.product_id
  JOIN accounts a ON a.id = c.account_id`;
const visible = (viewer: string) => `c.account_id IN (SELECT id FROM accounts WHERE id = ${viewer} OR partner_id = ${viewer})`;
const LIST_ORDER = `ORDER BY c.issued_at DESC, c.search DESC, c.seq DESC`;
/** LIKE pattern for "contains `text`" (served by the pg_trgm index). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => '\\' + ch)}%`;

type Queryable = pg.Pool | pg.PoolClient;

export async function openPostgresStore(url: string, applied?: (version: number) => void): Promise<PostgresStore> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ends (restart, failover, a dropped database) is only dropped
  // from the pool; the next query opens a new one. Unhandled, it would end the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, undefined, applied);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new PostgresStore(pool);
}

export class PostgresStore implements AsyncPortalStore {
  private readonly tx = new AsyncLocalStorage<{ client: pg.PoolClient; depth: number }>();

  constructor(private readonly pool: pg.Pool) {}

  private get db(): Queryable {
    return this.tx.getStore()?.client ?? this.pool;
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, params)).rows;
  }

  private async changes(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.db.query(sql, params)).rowCount ?? 0;
  }

  async write<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.tx.getStore();
    if (outer) {
      const name = `nested_${outer.depth + 1}`;
      await outer.client.query(`SAVEPOINT ${name}`);
      try {
        const result = await this.tx.run({ client: outer.client, depth: outer.depth + 1 }, fn);
        await outer.client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (e) {
        await outer.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw e;
      }
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.tx.run({ client, depth: 0 }, fn);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  // Accounts and tokens -----------------------------------------------------------------------

  async account(name: string): Promise<AccountRecord | null> {
    const [r] = await this.rows<{ id: number; name: string; role: Role; partner_id: number | null }>(`SELECT id, name, role, partner_id FROM accounts WHERE name = $1`, [name]);
    return r ? { id: r.id, name: r.name, role: r.role, partnerId: r.partner_id } : null;
  }

  async insertAccount(name: string, role: Role, partnerId: number | null, createdAt: string): Promise<number> {
    const [r] = await this.rows<{ id: number }>(`INSERT INTO accounts (name, role, partner_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, [name, role, partnerId, createdAt]);
    return r!.id;
  }

  async accountNames(): Promise<string[]> {
    return (await this.rows<{ name: string }>(`SELECT name FROM accounts ORDER BY name`)).map((r) => r.name);
  }

  async insertToken(tokenSha256: string, accountId: number, createdAt: string): Promise<void> {
    await this.changes(`INSERT INTO api_tokens (token_sha256, account_id, created_at) VALUES ($1, $2, $3)`, [tokenSha256, accountId, createdAt]);
  }

  async accountForTokenHash(tokenSha256: string): Promise<string | null> {
    const [r] = await this.rows<{ name: string }>(`SELECT a.name FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_sha256 = $1`, [tokenSha256]);
    return r?.name ?? null;
  }

  async clearExceptAccounts(keep: readonly string[]): Promise<void> {
    for (const sql of [`DELETE FROM idempotency`, `DELETE FROM card_keys`, `DELETE FROM outbox`, `DELETE FROM certificates`, `DELETE FROM products`]) await this.changes(sql);
    const names = [...keep];
    await this.changes(`DELETE FROM api_tokens WHERE account_id IN (SELECT id FROM accounts WHERE name <> ALL($1::text[]))`, [names]);
    await this.changes(`DELETE FROM accounts WHERE name <> ALL($1::text[]) AND partner_id IS NOT NULL`, [names]);
    await this.changes(`DELETE FROM accounts WHERE name <> ALL($1::text[])`, [names]);
  }

  // Certificates and chains -------------------------------------------------------------------

  async ensureProduct(product: Product): Promise<number> {
    const [r] = await this.rows<{ id: number }>(
      `WITH ins AS (INSERT INTO products (name, category, key_sources, algorithms) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id)
       SELECT id FROM ins UNION ALL SELECT id FROM products WHERE name = $1 LIMIT 1`,
      [product.name, product.category, JSON.stringify(product.keySources), JSON.stringify(product.algorithms)],
    );
    return r!.id;
  }

  async insertCertificate(c: NewCertificate): Promise<void> {
    const [p] = await this.rows<{ name: string }>(`SELECT name FROM products WHERE id = $1`, [c.productId]);
    const search = certificateSearchText(c, p?.name ?? '');
    await this.changes(
      `INSERT INTO certificates (id, serial, order_id, account_id, product_id, common_name, domains, subscriber, organization,
         authorization_method, not_before, not_after, der, public_key_sha256, replaces, replaced_by, revocation_date, revoked,
         revocation_reason, issued_at, search, key_source, cloud_key, card_evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
      [
        c.id, c.serial, c.orderId, c.accountId, c.productId, c.commonName, JSON.stringify(c.domains), JSON.stringify(c.subscriber),
        c.organization ? JSON.stringify(c.organization) : null, c.authorizationMethod, c.notBefore, c.notAfter,
        Buffer.from(c.der.buffer, c.der.byteOffset, c.der.byteLength), c.publicKeySha256, c.replaces, c.replacedBy, c.revocationDate,
        c.revoked ? 1 : 0, c.revocationReason, c.issuedAt, search, c.keySource ?? null, c.cloudKey ? JSON.stringify(c.cloudKey) : null,
        c.cardEvidence ? JSON.stringify(c.cardEvidence) : null,
      ],
    );
  }

  async markDownloaded(id: string, at: string): Promise<void> {
    await this.changes(`UPDATE certificates SET downloaded_at = $2 WHERE id = $1 AND downloaded_at IS NULL`, [id, at]);
  }

  async byId(id: string): Promise<CertificateRecord | null> {
    // In a write, the copy is locked until commit: the decision taken on it holds.
    const lock = this.tx.getStore() ? ' FOR UPDATE OF c' : '';
    const [r] = await this.rows<CertificateRow>(`${SELECT_CERTIFICATE} WHERE c.id = $1${lock}`, [id]);
    return r ? record(r) : null;
  }

  async visible(viewer: number, id: string, serial: string): Promise<CertificateRecord | null> {
    const [r] = await this.rows<CertificateRow>(`${SELECT_CERTIFICATE} WHERE (c.id = $2 OR c.serial = $3) AND ${visible('$1')}`, [viewer, id, serial]);
    return r ? record(r) : null;
  }

  async newestCopyOfOrder(orderId: string): Promise<string | null> {
    const [r] = await this.rows<{ id: string }>(`SELECT id FROM certificates c WHERE order_id = $1 ORDER BY c.issued_at DESC, c.seq DESC LIMIT 1`, [orderId]);
    return r?.id ?? null;
  }

  async copyChain(id: string): Promise<{ id: string; der: Uint8Array }[]> {
    const rows = await this.rows<{ id: string; der: Buffer }>(
      `WITH RECURSIVE chain (id, der, replaces, depth) AS (
         SELECT id, der, replaces, 0 FROM certificates WHERE id = $1
         UNION ALL
         SELECT c.id, c.der, c.replaces, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaces WHERE chain.depth < 10000
       ) SELECT id, der FROM chain ORDER BY depth`,
      [id],
    );
    return rows.map((r) => ({ id: r.id, der: new Uint8Array(r.der) }));
  }

  async newestSuccessor(id: string): Promise<CertificateRecord | null> {
    const [r] = await this.rows<{ id: string }>(
      `WITH RECURSIVE chain (id, replaced_by, depth) AS (
         SELECT id, replaced_by, 0 FROM certificates WHERE id = $1
         UNION ALL
         SELECT c.id, c.replaced_by, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaced_by WHERE chain.depth < 10000
       ) SELECT id FROM chain ORDER BY depth DESC LIMIT 1`,
      [id],
    );
    if (!r) return null;
    const [row] = await this.rows<CertificateRow>(`${SELECT_CERTIFICATE} WHERE c.id = $1`, [r.id]);
    return row ? record(row) : null;
  }

  // Search ------------------------------------------------------------------------------------

  async list(viewer: number, text: string, limit: number, offset: number): Promise<CertificateRecord[]> {
    const filter = text ? ` AND c.search LIKE $4` : '';
    // The page's keys come from the index alone (in list order); only its rows are read in full.
    const rows = await this.rows<CertificateRow>(
      `WITH page AS (SELECT c.id FROM certificates c WHERE ${await this.scope(viewer)}${filter} ${LIST_ORDER} LIMIT $2 OFFSET $3)
       ${SELECT_CERTIFICATE} JOIN page ON page.id = c.id ${LIST_ORDER}`,
      text ? [viewer, limit, offset, containing(text)] : [viewer, limit, offset],
    );
    return rows.map(record);
  }

  async count(viewer: number, text: string): Promise<number> {
    const filter = text ? ` AND c.search LIKE $2` : '';
    const [r] = await this.rows<{ n: number }>(`SELECT count(*)::int AS n FROM certificates c WHERE ${await this.scope(viewer)}${filter}`, text ? [viewer, containing(text)] : [viewer]);
    return r!.n;
  }

  /** Who `viewer` sees: an account without customers exactly its own rows (one index range). */
  private async scope(viewer: number): Promise<string> {
    const [r] = await this.rows<{ n: boolean }>(`SELECT EXISTS (SELECT 1 FROM accounts WHERE partner_id = $1) AS n`, [viewer]);
    return r!.n ? visible('$1') : `c.account_id = $1`;
  }

  // Reissues and idempotency ------------------------------------------------------------------

  async markReplaced(oldId: string, newId: string, revocationDate: string): Promise<boolean> {
    return (
      (await this.changes(
        `UPDATE certificates SET replaced_by = $2, revocation_date = $3, revocation_reason = 'superseded' WHERE id = $1 AND replaced_by IS NULL`,
        [oldId, newId, revocationDate],
      )) === 1
    );
  }

  async idempotency(accountId: number, key: string): Promise<IdempotencyRecord | null> {
    // In a write, the key is locked until commit: a retry racing the first request waits for its answer.
    if (this.tx.getStore()) await this.db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${accountId}:${key}`]);
    const [r] = await this.rows<{ request_sha256: string; certificate_id: string; new_certificate_id: string }>(
      `SELECT request_sha256, certificate_id, new_certificate_id FROM idempotency WHERE account_id = $1 AND key = $2`,
      [accountId, key],
    );
    return r ? { requestSha256: r.request_sha256, certificateId: r.certificate_id, newCertificateId: r.new_certificate_id } : null;
  }

  async insertIdempotency(accountId: number, key: string, rec: IdempotencyRecord, createdAt: string): Promise<void> {
    await this.changes(`INSERT INTO idempotency (account_id, key, request_sha256, certificate_id, new_certificate_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      accountId, key, rec.requestSha256, rec.certificateId, rec.newCertificateId, createdAt,
    ]);
  }

  // Revocations -------------------------------------------------------------------------------

  async revokeNow(id: string, date: string, reason: RevocationReason): Promise<boolean> {
    return (await this.changes(`UPDATE certificates SET revoked = 1, revocation_date = $2, revocation_reason = $3 WHERE id = $1 AND revoked = 0`, [id, date, reason])) === 1;
  }

  async revokeDue(now: string): Promise<number> {
    // One statement: an instance waiting on a row another one revoked re-checks revoked = 0 and skips it.
    return this.changes(`UPDATE certificates SET revoked = 1 WHERE revoked = 0 AND revocation_date IS NOT NULL AND revocation_date <= $1`, [now]);
  }

  async revokedEntries(): Promise<RevokedEntry[]> {
    const rows = await this.rows<{ serial: string; revocation_date: string; revocation_reason: string | null }>(
      `SELECT serial, revocation_date, revocation_reason FROM certificates WHERE revoked = 1 ORDER BY revocation_date, serial`,
    );
    return rows.map((r) => ({ serial: r.serial, revocationDate: r.revocation_date, reason: (r.revocation_reason ?? 'unspecified') as RevocationReason }));
  }

  async pending(viewer: number, now: string): Promise<CertificateRecord[]> {
    const rows = await this.rows<CertificateRow>(
      `${SELECT_CERTIFICATE} WHERE c.revoked = 0 AND c.revocation_date IS NOT NULL AND c.revocation_date > $2 AND ${visible('$1')} ORDER BY c.revocation_date, c.seq`,
      [viewer, now],
    );
    return rows.map(record);
  }

  // Card keys ---------------------------------------------------------------------------------

  async cardKey(serial: string, keyId: string): Promise<RecordedCardKey | null> {
    const [r] = await this.rows<{ public_key_sha256: string; certificate_id: string }>(`SELECT public_key_sha256, certificate_id FROM card_keys WHERE card_serial = $1 AND key_id = $2`, [serial, keyId]);
    return r ? { publicKeySha256: r.public_key_sha256, certificateId: r.certificate_id } : null;
  }

  async recordCardKey(serial: string, keyId: string, sha: string, certificateId: string, at: string): Promise<RecordedCardKey> {
    await this.changes(
      `INSERT INTO card_keys (card_serial, key_id, public_key_sha256, certificate_id, recorded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (card_serial, key_id) DO NOTHING`,
      [serial, keyId, sha, certificateId, at],
    );
    return (await this.cardKey(serial, keyId))!;
  }

  // E-mails -----------------------------------------------------------------------------------

  async reminderDue(now: string, horizon: string): Promise<CertificateRecord[]> {
    const rows = await this.rows<CertificateRow>(
      `${SELECT_CERTIFICATE} WHERE c.revoked = 0 AND c.revocation_date IS NOT NULL AND c.reminder_queued = 0
         AND c.revocation_date > $1 AND c.revocation_date <= $2 AND c.replaced_by IS NOT NULL
       ORDER BY c.revocation_date, c.seq`,
      [now, horizon],
    );
    return rows.map(record);
  }

  async anyReminderDue(now: string, horizon: string): Promise<boolean> {
    const [r] = await this.rows<{ n: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM certificates WHERE revoked = 0 AND revocation_date IS NOT NULL AND reminder_queued = 0
         AND revocation_date > $1 AND revocation_date <= $2 AND replaced_by IS NOT NULL) AS n`,
      [now, horizon],
    );
    return r!.n;
  }

  async queueReminder(e: Omit<NewEmail, 'kind'>): Promise<boolean> {
    await this.changes(`UPDATE certificates SET reminder_queued = 1 WHERE id = $1`, [e.certificateId]);
    return this.insertEmail({ ...e, kind: 'revocation-reminder' });
  }

  async insertEmail(e: NewEmail): Promise<boolean> {
    return (
      (await this.changes(
        `INSERT INTO outbox (kind, certificate_id, related_id, recipient, subject, message, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (kind, certificate_id) DO NOTHING`,
        [e.kind, e.certificateId, e.relatedId, e.message.to, e.message.subject, JSON.stringify(e.message), e.createdAt, e.nextAttemptAt],
      )) === 1
    );
  }

  async unsentDue(now: string): Promise<QueuedEmail[]> {
    const rows = await this.rows<OutboxRow>(`SELECT * FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 50`, [now]);
    return rows.map((r) => ({ id: r.id, kind: r.kind, certificateId: r.certificate_id, message: JSON.parse(r.message) as OutgoingMessage, attempts: r.attempts }));
  }

  async nextUnsentAt(): Promise<string | null> {
    const [r] = await this.rows<{ at: string | null }>(`SELECT min(next_attempt_at) AS at FROM outbox WHERE sent_at IS NULL`);
    return r!.at;
  }

  async claimEmail(id: number, now: string, until: string): Promise<boolean> {
    return (await this.changes(`UPDATE outbox SET next_attempt_at = $3 WHERE id = $1 AND sent_at IS NULL AND next_attempt_at <= $2`, [id, now, until])) === 1;
  }

  async emailSent(id: number, at: string, to: string): Promise<void> {
    await this.changes(`UPDATE outbox SET sent_at = $2, delivered_to = $3, attempts = attempts + 1, last_error = NULL WHERE id = $1 AND sent_at IS NULL`, [id, at, to]);
  }

  async emailFailed(id: number, error: string, next: string): Promise<void> {
    await this.changes(`UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1 AND sent_at IS NULL`, [id, error, next]);
  }

  async emailsAbout(id: string): Promise<PortalEmail[]> {
    return (await this.rows<OutboxRow>(`SELECT * FROM outbox WHERE certificate_id = $1 OR related_id = $1 ORDER BY id`, [id])).map(toEmail);
  }

  // Cloud keys, meta and counters -------------------------------------------------------------

  async cloudKeys(): Promise<CloudKeyInfo[]> {
    return (await this.rows<{ cloud_key: string }>(`SELECT cloud_key FROM certificates WHERE cloud_key IS NOT NULL`)).map((r) => JSON.parse(r.cloud_key) as CloudKeyInfo);
  }

  async getMeta(key: string): Promise<string | null> {
    const [r] = await this.rows<{ value: string }>(`SELECT value FROM meta WHERE key = $1`, [key]);
    return r?.value ?? null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.changes(`INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [key, value]);
  }

  async advance(key: string, by: number, start: number): Promise<number> {
    const [r] = await this.rows<{ before: string }>(
      `INSERT INTO meta (key, value) VALUES ($1, ($3::bigint + $2::bigint)::text)
       ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + $2::bigint)::text
       RETURNING value::bigint - $2::bigint AS before`,
      [key, by, start],
    );
    return Number(r!.before);
  }
}

// pg answers BYTEA as a Buffer and INTEGER as a number, as better-sqlite3 does: the shared mapping applies.
const record = toRecord;
