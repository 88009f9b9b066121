// `reissue admin copy`: moves a portal kept in SQLite (a sandbox, or a service's data directory)
// into an empty PostgreSQL database, and proves it arrived. Every table's rows go over in batches
// (never the whole portal in memory), in one transaction on the target; before it commits, the
// row count of every table and the SHA-256 of every certificate's DER are compared between the
// source (hashed here) and the target (hashed by PostgreSQL from what it stored). Any difference:
// the transaction is rolled back and nothing is written.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError, portalError } from '../domain/errors.js';
import { dataDirLayout } from './datadir.js';
import { COPIED_TABLES, type CertificateDigest, type CopyCount, type CopySource, type CopyWriter, type Row } from './store/copy.js';
import { certificateSearchText } from './store/search-text.js';

export interface CopyOptions {
  /** `sqlite:FILE`, or a path: the SQLite file, or a data directory (its portal.sqlite). */
  from: string;
  /** The target PostgreSQL URL (already checked: no password in it). */
  to: string;
  /** Rows read from the source per batch (default 1000). */
  batchSize?: number;
}

export interface CopyReport {
  from: string;
  to: string;
  tables: CopyCount[];
  /** Certificates whose DER SHA-256 was compared (all of them). */
  certificatesHashed: number;
  ms: number;
}

/** The SQLite file `spec` names: `sqlite:PATH` or PATH, where PATH is the file or its data directory. */
export function copySourceFile(spec: string): string {
  const path = resolve(spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw inputError('copy-source-missing', `There is no ${path} to copy from. Nothing was copied.`, 'Name the portal.sqlite file of a data directory, or the directory, in --from (sqlite:FILE).', { path });
  }
  const file = isDir ? dataDirLayout(path).db : path;
  if (isDir && !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw inputError('copy-source-missing', `There is no ${file} to copy from. Nothing was copied.`, 'Name the portal.sqlite file of a data directory, or the directory, in --from (sqlite:FILE).', { path: file });
  }
  return file;
}

export async function copyPortalStore(opts: CopyOptions): Promise<CopyReport> {
  const started = performance.now();
  const file = copySourceFile(opts.from);
  const batchSize = Math.max(1, opts.batchSize ?? 1000);
  const [{ openSqliteCopySource }, { openPostgresCopyTarget }, { displayUrl }] = await Promise.all([
    import('./store/sqlite/copy-source.js'),
    import('./store/postgres/copy-target.js'),
    import('./store/postgres/failure.js'),
  ]);
  const to = displayUrl(opts.to);
  const source = openSqliteCopySource(file);
  try {
    const target = await openPostgresCopyTarget(opts.to);
    try {
      const { tables, certificatesHashed } = await target.transaction(async (w) => {
        await refuseNonEmpty(w, to);
        await copyTables(source, w, batchSize);
        return checkCopy(source, w, batchSize, to);
      });
      return { from: file, to, tables, certificatesHashed, ms: Math.round(performance.now() - started) };
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function refuseNonEmpty(w: CopyWriter, to: string): Promise<void> {
  const found = await w.nonEmpty();
  if (found.length === 0) return;
  const rows = found.map((f) => `${f.table} (${f.rows})`).join(', ');
  throw inputError(
    'copy-target-not-empty',
    `The target database ${to} already holds a portal: ${rows}. Nothing was copied.`,
    'Copy into a new, empty database (createdb NAME), or drop and re-create this one if what it holds may go.',
    { target: to, rows },
  );
}

/** Every table, batch by batch, parents first; the certificates' links once they are all there. */
async function copyTables(source: CopySource, w: CopyWriter, batchSize: number): Promise<void> {
  const links: Link[] = [];
  for (const table of COPIED_TABLES) {
    for (let after: number | null = null; ; ) {
      const { rows, position } = source.batch(table, after, batchSize);
      if (rows.length === 0) break;
      if (table === 'certificates') {
        for (const row of rows) {
          const link = unlink(row);
          if (link.replaces !== null || link.replacedBy !== null) links.push(link);
        }
      }
      await w.insert(table, rows);
      after = position;
    }
    // Set before the tables after it, which do not reference these columns.
    if (table === 'certificates') for (let i = 0; i < links.length; i += batchSize) await w.link(links.slice(i, i + batchSize));
  }
  await w.continueSequences();
}

/** Row counts of every table, then every certificate's DER hash, compared; a difference throws (and rolls back). */
async function checkCopy(source: CopySource, w: CopyWriter, batchSize: number, to: string): Promise<{ tables: CopyCount[]; certificatesHashed: number }> {
  const tables: CopyCount[] = [];
  for (const table of COPIED_TABLES) tables.push({ table, source: source.count(table), target: await w.count(table) });
  const uneven = tables.filter((t) => t.source !== t.target);
  if (uneven.length > 0) {
    const which = uneven.map((t) => `${t.table} ${t.source} → ${t.target}`).join(', ');
    throw checkFailed(`The row counts differ after copying to ${to}: ${which}`, to, which);
  }
  const certificatesHashed = await compareDigests(source, (after, limit) => w.digests(after, limit), batchSize, to);
  return { tables, certificatesHashed };
}

type Link = { id: string; replaces: string | null; replacedBy: string | null };

/**
 * A certificate row ready for the target: its search text made by the stores' one rule, its
 * links to other copies taken out (set once every copy is there; returned).
 */
function unlink(row: Row): Link {
  const link = { id: row.id as string, replaces: (row.replaces as string | null) ?? null, replacedBy: (row.replaced_by as string | null) ?? null };
  row.search = certificateSearchText(
    { id: row.id as string, commonName: row.common_name as string, domains: JSON.parse(row.domains as string) as string[], orderId: row.order_id as string, serial: row.serial as string },
    row.product_name as string,
  );
  delete row.product_name;
  row.replaces = null;
  row.replaced_by = null;
  return link;
}

/** Walks both sides' certificates in id order, batch by batch; returns how many were compared. */
async function compareDigests(source: CopySource, target: (after: string, limit: number) => Promise<CertificateDigest[]>, limit: number, to: string): Promise<number> {
  let compared = 0;
  for (let after = ''; ; ) {
    const mine = source.digests(after, limit);
    const theirs = await target(after, limit);
    for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
      const [a, b] = [mine[i], theirs[i]];
      if (a?.id !== b?.id) throw checkFailed(`Certificate ${a?.id ?? b?.id} is on one side only after copying to ${to}`, to, a?.id ?? b?.id ?? '');
      if (a!.sha256 !== b!.sha256) throw checkFailed(`Certificate ${a!.id} differs after copying to ${to}: SHA-256 of its DER ${a!.sha256} in the source, ${b!.sha256} in the target`, to, a!.id);
    }
    compared += mine.length;
    if (mine.length < limit) return compared;
    after = mine.at(-1)!.id;
  }
}

function checkFailed(what: string, target: string, which: string) {
  return portalError(
    'copy-check-failed',
    `${what}. The copy was rolled back: nothing was written.`,
    'Something in the target database changes rows as they are written (a trigger, a rule, an extension): copy into a plain, new database.',
    { target, which },
  );
}
