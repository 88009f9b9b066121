// The SQLite store behind the async interface (AsyncPortalStore), so one contract and one caller
// can use either driver. A write is BEGIN IMMEDIATE … COMMIT around an async fn: the file's write
// lock keeps other processes out, and an in-process mutex keeps this process's other calls (on the
// same connection) waiting until it ends, so none of them joins or sees the open transaction.
// Calls made inside fn (the same async context) run in it; a nested write is a savepoint.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AsyncPortalStore, PortalStore } from '../store.js';
import type { SqliteStore } from './sqlite-store.js';

export function asyncSqliteStore(store: SqliteStore): AsyncPortalStore {
  const inside = new AsyncLocalStorage<{ depth: number }>();
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  };
  const call = <T>(op: () => T): Promise<T> => (inside.getStore() ? Promise.resolve().then(op) : exclusive(op));

  async function write<T>(fn: () => Promise<T>): Promise<T> {
    const outer = inside.getStore();
    if (outer) {
      const name = `nested_${outer.depth + 1}`;
      store.db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await inside.run({ depth: outer.depth + 1 }, fn);
        store.db.exec(`RELEASE ${name}`);
        return result;
      } catch (e) {
        store.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw e;
      }
    }
    return exclusive(async () => {
      store.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await inside.run({ depth: 0 }, fn);
        store.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (store.db.inTransaction) store.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  const methods = Object.keys(store).filter((k) => typeof (store as unknown as Record<string, unknown>)[k] === 'function') as (keyof PortalStore)[];
  const wrapped = Object.fromEntries(
    methods.map((k) => [k, (...args: unknown[]) => call(() => (store[k] as (...a: unknown[]) => unknown)(...args))]),
  ) as unknown as AsyncPortalStore;
  // Closed at once (the service closes after its work has settled), so the file is free on return.
  const close = async () => store.close();
  return { ...wrapped, write, close };
}
