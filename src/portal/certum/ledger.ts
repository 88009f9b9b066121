// What this tool remembers of the reissues it asked Certum for: which order replaced which copy,
// the idempotency key, how the key was made (and the card's evidence), and when the new copy was
// enrolled — from which the old copy's revocation by Certum (14 days later) is shown as pending.
// Certum keeps the orders themselves; this file holds no secret. One SQLite file per endpoint in
// the data directory (0600, see util/private-sqlite.ts), shared by every `reissue` process.
//
// Certum's reissueCertificate has no idempotency key, so the ledger provides one: a request is
// recorded under its key (UNIQUE) and claimed, in one BEGIN IMMEDIATE transaction, before it is
// sent. Of two processes with the same request exactly one claims and sends it; the other waits
// for the order id the first records and answers with the same pending order.
// (The JSON ledger of the version before, reissues-<tag>.json, is not read: nothing was released.)
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { portalError } from '../../domain/errors.js';
import type { CardEvidence, KeySource } from '../../domain/types.js';
import { t } from '../../i18n/i18n.js';
import { NewerSqliteFile, openPrivateSqlite } from '../../util/private-sqlite.js';

const MIGRATIONS = [
  [
    `CREATE TABLE reissues (
       idempotency_key TEXT PRIMARY KEY,
       order_id TEXT UNIQUE,
       old_id TEXT NOT NULL,
       old_serial TEXT NOT NULL,
       old_certum_serial TEXT NOT NULL,
       key_source TEXT NOT NULL,
       card TEXT,
       public_key_sha256 TEXT NOT NULL,
       requested_at TEXT NOT NULL,
       claim TEXT,
       claimed_at_ms INTEGER,
       enrolled_at TEXT,
       new_serial TEXT
     )`,
    `CREATE INDEX reissues_old_id ON reissues (old_id)`,
  ],
];

export interface ReissueEntry {
  /** Certum's order id of the reissue (the pending order's reference). */
  orderId: string;
  /** The copy replaced: its id (Certum order id) and serial (hex; as Certum wrote it). */
  oldId: string;
  oldSerial: string;
  oldCertumSerial: string;
  idempotencyKey: string;
  keySource: KeySource;
  card: CardEvidence | null;
  /** SHA-256 of the CSR's public key (SPKI, hex): the enrolled certificate must carry this key. */
  publicKeySha256: string;
  requestedAt: string;
  /** When the new copy was seen enrolled (null: still pending). */
  enrolledAt: string | null;
  newSerial: string | null;
}

/** A request about to be sent: everything but Certum's answer. */
export type NewRequest = Omit<ReissueEntry, 'orderId' | 'enrolledAt' | 'newSerial'>;

/** What claim() found: this process sends (with its claim), or the request was answered already, or another process is sending it. */
export type Claim = { send: string } | { orderId: string } | { busy: true };

type Row = Record<string, unknown>;

export class Ledger {
  readonly path: string;
  private opened: Database.Database | undefined;

  constructor(
    readonly dir: string,
    endpoint: string,
    /** A claim older than this was held by a process that died before Certum answered it. */
    private readonly staleClaimMs: number,
  ) {
    const tag = createHash('sha256').update(endpoint).digest('hex').slice(0, 12);
    this.path = join(dir, 'certum', `reissues-${tag}.sqlite`);
  }

  /** Opened on first use: a command that never reads a reissue creates no file. */
  private get db(): Database.Database {
    if (this.opened) return this.opened;
    try {
      this.opened = openPrivateSqlite(this.path, { migrations: MIGRATIONS });
    } catch (e) {
      const reason = e instanceof NewerSqliteFile ? t('certum.ledgerNewer') : (e as Error).message;
      throw portalError('certum-ledger-unreadable', t('certum.ledgerUnreadable', { path: this.path, reason }), t('certum.ledgerUnreadableHint'), { path: this.path });
    }
    return this.opened;
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }

  byOrder(orderId: string): ReissueEntry | undefined {
    return entryOf(this.db.prepare('SELECT * FROM reissues WHERE order_id = ?').get(orderId) as Row | undefined);
  }

  /** The request under this key, answered by Certum (an order id), if any. */
  byKey(idempotencyKey: string): ReissueEntry | undefined {
    return entryOf(this.db.prepare('SELECT * FROM reissues WHERE idempotency_key = ? AND order_id IS NOT NULL').get(idempotencyKey) as Row | undefined);
  }

  /** The reissue that replaced copy `oldId`, the latest first. */
  replacing(oldId: string): ReissueEntry | undefined {
    return entryOf(this.db.prepare('SELECT * FROM reissues WHERE old_id = ? AND order_id IS NOT NULL ORDER BY requested_at DESC, rowid DESC LIMIT 1').get(oldId) as Row | undefined);
  }

  /**
   * Records the request under its key and claims it for this process, in one BEGIN IMMEDIATE
   * transaction: the read and the write are one step, so two processes never both claim it. A
   * claim left by a process that died (older than staleClaimMs) is taken over.
   */
  claim(request: NewRequest, nowMs = Date.now()): Claim {
    return this.db
      .transaction((): Claim => {
        const r = this.db.prepare('SELECT order_id, claim, claimed_at_ms FROM reissues WHERE idempotency_key = ?').get(request.idempotencyKey) as Row | undefined;
        if (r?.order_id) return { orderId: r.order_id as string };
        if (r && (r.claimed_at_ms as number) > nowMs - this.staleClaimMs) return { busy: true };
        const claim = randomUUID();
        this.db
          .prepare(
            `INSERT INTO reissues (idempotency_key, old_id, old_serial, old_certum_serial, key_source, card, public_key_sha256, requested_at, claim, claimed_at_ms)
             VALUES (@idempotencyKey, @oldId, @oldSerial, @oldCertumSerial, @keySource, @card, @publicKeySha256, @requestedAt, @claim, @nowMs)
             ON CONFLICT(idempotency_key) DO UPDATE SET claim = excluded.claim, claimed_at_ms = excluded.claimed_at_ms, requested_at = excluded.requested_at`,
          )
          .run({ ...request, card: request.card ? JSON.stringify(request.card) : null, claim, nowMs });
        return { send: claim };
      })
      .immediate();
  }

  /**
   * Certum answered the claimed request with this order. A claim taken over meanwhile (this call
   * outlived staleClaimMs) records nothing: the entry is the other process's, and is returned.
   */
  answered(idempotencyKey: string, claim: string, orderId: string): ReissueEntry | undefined {
    this.db.prepare('UPDATE reissues SET order_id = ?, claim = NULL, claimed_at_ms = NULL WHERE idempotency_key = ? AND claim = ?').run(orderId, idempotencyKey, claim);
    return this.byOrder(orderId) ?? this.byKey(idempotencyKey);
  }

  /** The claimed request was not taken (Certum refused it, or it could not be sent): forgotten, so it may be sent again. */
  release(idempotencyKey: string, claim: string): void {
    this.db.prepare('DELETE FROM reissues WHERE idempotency_key = ? AND claim = ? AND order_id IS NULL').run(idempotencyKey, claim);
  }

  enrolled(orderId: string, at: string, newSerial: string): void {
    this.db.prepare('UPDATE reissues SET enrolled_at = COALESCE(enrolled_at, ?), new_serial = COALESCE(new_serial, ?) WHERE order_id = ?').run(at, newSerial, orderId);
  }
}

function entryOf(r: Row | undefined): ReissueEntry | undefined {
  if (!r) return undefined;
  return {
    orderId: r.order_id as string,
    oldId: r.old_id as string,
    oldSerial: r.old_serial as string,
    oldCertumSerial: r.old_certum_serial as string,
    idempotencyKey: r.idempotency_key as string,
    keySource: r.key_source as KeySource,
    card: r.card ? (JSON.parse(r.card as string) as CardEvidence) : null,
    publicKeySha256: r.public_key_sha256 as string,
    requestedAt: r.requested_at as string,
    enrolledAt: (r.enrolled_at as string) ?? null,
    newSerial: (r.new_serial as string) ?? null,
  };
}
