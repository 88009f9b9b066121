// The server's imports go one way (DESIGN.md, Service store): the service builds each account's
// view (AccountPortal), which sees the service only through the narrow PortalHost it is given;
// the store's records and interface know no driver, and only src/server/store/sqlite/ loads one.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { findCycle, importsOf, rel, sourceFiles, SRC } from '../helpers/import-graph.js';

const SERVER = join(SRC, 'server');
const STORE = join(SERVER, 'store');
const SQLITE = join(STORE, 'sqlite');
const POSTGRES = join(STORE, 'postgres');

test('src/server has no import circle', () => {
  const cycle = findCycle(sourceFiles(SERVER));
  expect(cycle?.map(rel).join(' → ') ?? null).toBeNull();
});

test('account-portal.ts does not import the service', () => {
  expect(importsOf(join(SERVER, 'account-portal.ts')).files.map(rel)).not.toContain('server/service.ts');
});

test('the store interface and its records are driver-free; each driver lives in its own folder', () => {
  const DRIVER_DIRS = [SQLITE, POSTGRES];
  const DRIVER_PACKAGES = ['better-sqlite3', 'pg'];
  const driverFree = sourceFiles(STORE).filter((f) => !DRIVER_DIRS.some((d) => f.startsWith(d + '/')));
  const offenders = driverFree.flatMap((f) => {
    const { files, packages } = importsOf(f);
    return [...packages.filter((p) => DRIVER_PACKAGES.includes(p)), ...files.filter((i) => DRIVER_DIRS.some((d) => i.startsWith(d + '/'))).map(rel)].map((what) => `${rel(f)} imports ${what}`);
  });
  expect(offenders).toEqual([]);
  // In src/server, better-sqlite3 only in store/sqlite/ and pg only in store/postgres/.
  const misplaced = sourceFiles(SERVER).flatMap((f) =>
    importsOf(f)
      .packages.filter((p) => (p === 'better-sqlite3' && !f.startsWith(SQLITE + '/')) || (p === 'pg' && !f.startsWith(POSTGRES + '/')))
      .map((p) => `${rel(f)} imports ${p}`),
  );
  expect(misplaced).toEqual([]);
});
