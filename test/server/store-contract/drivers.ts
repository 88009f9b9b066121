// The store drivers the contract suite runs against, by name: how to open a store at a location
// (a worker thread opens its own connection the same way, as another instance would).
import { asyncSqliteStore } from '../../../src/server/store/sqlite/async-sqlite.js';
import { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.js';
import { openPostgresStore } from '../../../src/server/store/postgres/postgres-store.js';
import type { AsyncPortalStore } from '../../../src/server/store/store.js';

export const DRIVERS = {
  sqlite: async (location: string): Promise<AsyncPortalStore> => asyncSqliteStore(SqliteStore.open(location)),
  postgres: (location: string): Promise<AsyncPortalStore> => openPostgresStore(location),
} satisfies Record<string, (location: string) => Promise<AsyncPortalStore>>;

export type DriverName = keyof typeof DRIVERS;
