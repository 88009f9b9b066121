// The store drivers the contract suite runs against, by name: how to open a store at a location
// (a worker thread opens its own connection the same way, as another instance would).
import { SqliteStore } from '../../../src/server/store/sqlite/sqlite-store.js';
import type { PortalStore } from '../../../src/server/store/store.js';

export const DRIVERS = {
  sqlite: (location: string): PortalStore => SqliteStore.open(location),
} satisfies Record<string, (location: string) => PortalStore>;

export type DriverName = keyof typeof DRIVERS;
