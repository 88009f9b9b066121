// `reissue admin migrate`: brings the portal's schema up to date without opening the service (no
// CA, no demo data), and says which migrations this run applied.
import { dataDirLayout, ensureDataDir } from './datadir.js';

export interface MigrationRun {
  /** The versions this run applied, in order (empty: it was up to date). */
  applied: number[];
  /** The schema version now. */
  version: number;
}

/** Migrates the PostgreSQL database at `storeUrl`, else the data directory's SQLite file. */
export async function migratePortalStore(dataDir: string, storeUrl?: string): Promise<MigrationRun> {
  const applied: number[] = [];
  const hear = (v: number) => applied.push(v);
  if (storeUrl) {
    const [{ openPostgresStore }, { postgresFailure }, { PG_MIGRATIONS }] = await Promise.all([
      import('./store/postgres/postgres-store.js'),
      import('./store/postgres/failure.js'),
      import('./store/postgres/migrations.js'),
    ]);
    const store = await openPostgresStore(storeUrl, hear).catch((e: unknown) => {
      throw postgresFailure(e, storeUrl);
    });
    await store.close();
    return { applied, version: PG_MIGRATIONS.length };
  }
  const [{ openDatabase }, { MIGRATIONS }] = await Promise.all([import('./store/sqlite/db.js'), import('./store/sqlite/migrations.js')]);
  await ensureDataDir(dataDir);
  openDatabase(dataDirLayout(dataDir).db, undefined, hear).close();
  return { applied, version: MIGRATIONS.length };
}
