// Opening a data directory: an existing portal is used as it is; an empty directory becomes a new
// sandbox portal (CA + demo data). Anything in between (a database without its CA files, CA files
// without a database, files that cannot be read) is reported and left exactly as it was.
//
// Two processes may open the same empty directory at once. Both prepare a CA and the demo data
// (async signing), then each tries to initialise inside one IMMEDIATE transaction; the first
// commits, the second sees the portal already there, throws its copy away and loads the winner's.
//
// Opening an existing portal checks its CA files with node:crypto only; the CA's signing code and
// the demo data (both built on @peculiar/x509) are loaded when a new portal is created.
import { existsSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../domain/clock.js';
import { createFileAtomically, damagedPortal, dataDirLayout, ensureDataDir, fileExists, type DataDirLayout } from './datadir.js';
import { PortalCa } from './portal-ca.js';
import { sqliteFailure } from './store/sqlite/db.js';
import { asyncSqliteStore } from './store/sqlite/async-sqlite.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { AsyncPortalStore as PortalStore } from './store/store.js';

export interface PortalData {
  layout: DataDirLayout;
  store: PortalStore;
  /** The SQLite store underneath (null on another driver): for tools and tests that read the file. */
  sqlite: SqliteStore | null;
  ca: PortalCa;
  /** True when this call created (and seeded) the portal; false when it was already there. */
  created: boolean;
}

const META_CA = 'ca_sha256';
const META_CREATED = 'created_at';
export const META_SEEDED = 'demo_seeded';

export async function openPortalData(dataDir: string, clock: Clock, seed: boolean, storeUrl?: string): Promise<PortalData> {
  const layout = dataDirLayout(dataDir);
  await ensureDataDir(dataDir);
  if (storeUrl) return openOnServer(layout, clock, seed, storeUrl);
  // CA files first, then the database: an initialising process creates the database before the
  // CA files, so seeing CA files and then no database means the database really is missing.
  const caFiles = (await fileExists(layout.caKey)) || (await fileExists(layout.caCert));
  if (caFiles && !(await fileExists(layout.db))) {
    throw damagedPortal(layout.db, 'The data directory has the sandbox CA files but no portal database');
  }
  const sqlite = SqliteStore.open(layout.db);
  const store = asyncSqliteStore(sqlite);
  try {
    if ((await store.getMeta(META_CA)) === null) {
      const { ca, created } = await initialise(layout, store, clock, seed);
      return { layout, store, sqlite, ca, created };
    }
    return { layout, store, sqlite, ca: await loadCa(layout, store), created: false };
  } catch (e) {
    sqlite.close();
    throw sqliteFailure(e, layout.db);
  }
}

/**
 * The portal on a database server (PostgreSQL), shared by several instances: the data directory
 * holds only the CA files (every instance needs the same ones) and the e-mail outbox.
 */
async function openOnServer(layout: DataDirLayout, clock: Clock, seed: boolean, url: string): Promise<PortalData> {
  const [{ openPostgresStore }, { postgresFailure }] = await Promise.all([import('./store/postgres/postgres-store.js'), import('./store/postgres/failure.js')]);
  const store = await openPostgresStore(url).catch((e: unknown) => {
    throw postgresFailure(e, url);
  });
  try {
    if ((await store.getMeta(META_CA)) === null) {
      const { ca, created } = await initialise(layout, store, clock, seed);
      return { layout, store, sqlite: null, ca, created };
    }
    return { layout, store, sqlite: null, ca: await loadCa(layout, store), created: false };
  } catch (e) {
    await store.close();
    throw postgresFailure(e, url);
  }
}

async function initialise(layout: DataDirLayout, store: PortalStore, clock: Clock, seed: boolean): Promise<{ ca: PortalCa; created: boolean }> {
  const now = clock.now();
  const [{ SandboxCa }, { insertDemoData, prepareDemoData }] = await Promise.all([import('./ca.js'), import('./seed.js')]);
  const fresh = await SandboxCa.generate(now);
  const demo = seed ? await prepareDemoData(fresh.ca, now) : null;
  const won = await store.write(async () => {
    // Taking a counter locks its row until commit: instances initialising one new database at once
    // (each with its own data directory) take turns here, and only the first makes the CA.
    await store.advance('initialisations', 1, 0);
    if ((await store.getMeta(META_CA)) !== null) return false; // another process initialised it meanwhile
    if (existsSync(layout.caKey) || existsSync(layout.caCert)) {
      throw damagedPortal(layout.caKey, 'The data directory has sandbox CA files but its portal database is empty');
    }
    const created: string[] = [];
    try {
      for (const [path, pem, mode] of [
        [layout.caKey, fresh.keyPem, 0o600],
        [layout.caCert, fresh.certPem, 0o644],
      ] as const) {
        if (!createFileAtomically(path, pem, mode)) throw damagedPortal(path, 'A sandbox CA file appeared while the portal was being created');
        created.push(path);
      }
      await store.setMeta(META_CA, fresh.ca.fingerprint);
      await store.setMeta(META_CREATED, now.toISOString());
      await store.setMeta(META_SEEDED, demo ? 'yes' : 'no');
      if (demo) await insertDemoData(store, demo, now);
    } catch (e) {
      // The transaction rolls back; take our CA files with it so the directory stays empty.
      for (const path of created) rmSync(path, { force: true });
      throw e;
    }
    return true;
  });
  return won ? { ca: PortalCa.generated(fresh), created: true } : { ca: await loadCa(layout, store), created: false };
}

async function loadCa(layout: DataDirLayout, store: PortalStore): Promise<PortalCa> {
  const keyPem = await readPortalFile(layout.caKey, 'sandbox CA key');
  const certPem = await readPortalFile(layout.caCert, 'sandbox CA certificate');
  let ca: PortalCa;
  try {
    ca = PortalCa.fromPem(keyPem, certPem);
  } catch (e) {
    throw damagedPortal(layout.caKey, `The sandbox CA files cannot be used: ${(e as Error).message}`);
  }
  if (ca.fingerprint !== (await store.getMeta(META_CA))) {
    throw damagedPortal(layout.caCert, 'The sandbox CA certificate does not belong to this portal database');
  }
  return ca;
}

async function readPortalFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw damagedPortal(path, `The ${what} file is missing, but the portal database exists`);
    throw damagedPortal(path, `The ${what} file cannot be read (${code ?? (e as Error).message})`, 'Check the permissions of the data directory and its files, or choose another --data-dir.');
  }
}
