// Moving a portal from one store to another (`reissue admin copy`), driver-free: the tables that
// hold the portal, in an order whose references point backwards, and what a source and a target
// offer. Each driver folder implements its side; src/server/copy-store.ts runs the copy.

/**
 * Every table of the portal, parents before children. Not copied: schema_migrations (the target
 * has its own, the same history) and SQLite's certificates_search (an index of the search column).
 */
export const COPIED_TABLES = ['meta', 'accounts', 'api_tokens', 'products', 'certificates', 'idempotency', 'outbox', 'card_keys'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** A row as the source's driver gives it: column name → value (TEXT, INTEGER, BLOB as Buffer, NULL). */
export type Row = Record<string, unknown>;

/** A copy's certificate and the SHA-256 (hex) of its DER, as each side computes it. */
export interface CertificateDigest {
  id: string;
  sha256: string;
}

/** The store a portal is copied from, read as one snapshot from open to close. */
export interface CopySource {
  /** Where it is, for messages. */
  readonly where: string;
  count(table: CopiedTable): number;
  /**
   * Up to `limit` rows of `table` after the row at `after` (null: from the first), in the source's
   * insertion order; `position` is what to pass as `after` for the next batch. Certificates carry
   * `seq` (their place in that order) and `product_name`.
   */
  batch(table: CopiedTable, after: number | null, limit: number): { rows: Row[]; position: number | null };
  /** Up to `limit` certificates with id > `after`, ordered by id (byte order). */
  digests(after: string, limit: number): CertificateDigest[];
  close(): void;
}

/** What the copy does inside the target's one transaction. */
export interface CopyWriter {
  /** The portal tables holding rows already, with how many. */
  nonEmpty(): Promise<{ table: CopiedTable; rows: number }[]>;
  insert(table: CopiedTable, rows: readonly Row[]): Promise<void>;
  /** Sets replaces / replaced_by (inserted as NULL: a link may point to a copy inserted later). */
  link(links: readonly { id: string; replaces: string | null; replacedBy: string | null }[]): Promise<void>;
  /** Every identity sequence continues after the highest copied value. */
  continueSequences(): Promise<void>;
  count(table: CopiedTable): Promise<number>;
  /** As CopySource.digests, the SHA-256 computed by the target's database from what it stored. */
  digests(after: string, limit: number): Promise<CertificateDigest[]>;
}

/** The store a portal is copied into: migrated, written in one transaction. */
export interface CopyTarget {
  /** Runs `fn` in one transaction: committed when it returns, rolled back (nothing written) when it throws. */
  transaction<T>(fn: (writer: CopyWriter) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** What `reissue admin copy` found and checked, table by table. */
export interface CopyCount {
  table: CopiedTable;
  source: number;
  target: number;
}
