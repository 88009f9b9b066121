// The list filter in SQLite: a covering index for visibility and order, and a trigram index
// (FTS5) that narrows a filter of 3+ characters to the rows holding all its trigrams.
import type { CertificateRecord } from '../records.js';
import type { SearchStore } from '../store.js';
import type { Db } from './db.js';
import { toRecord, type CertificateRow } from '../sql-rows.js';
import { SELECT_CERTIFICATE, VISIBLE } from './rows.js';

// The same as VISIBLE for an account without customers, written so an index range serves it (deep offsets).
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

export class SqliteSearch implements SearchStore {
  private readonly s;
  private lastCandidates: { match: string; n: number } | null = null;
  // Rows holding each trigram, counted up to one more than `common` (the rows a common one is in).
  private readonly gramRows = new Map<string, number>();
  private common: number | null = null;

  constructor(db: Db) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      hasCustomers: p<{ n: number }>(`SELECT EXISTS (SELECT 1 FROM accounts WHERE partner_id = ?) AS n`),
      own: listStatements(db, OWN, 'certificates c INDEXED BY certificates_by_account_only'),
      visible: listStatements(db, VISIBLE, 'certificates c'),
      highestRowid: p<{ n: number }>(`SELECT coalesce(max(rowid), 0) AS n FROM certificates`),
      trigramCandidates: p<{ n: number }>(`SELECT count(*) AS n FROM (${CANDIDATES} LIMIT @cap)`),
    };
  }

  /** Rows were added or removed: how common each trigram is must be counted afresh. */
  forget(): void {
    this.gramRows.clear();
    this.common = null;
    this.lastCandidates = null;
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
}
