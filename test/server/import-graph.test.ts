// The server's imports go one way (DESIGN.md, Service store): the service builds each account's
// view (AccountPortal), which sees the service only through the narrow PortalHost it is given;
// the store's records and interface know no driver, and only src/server/store/sqlite/ loads one.
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { findCycle, importsOf, rel, sourceFiles, SRC } from '../helpers/import-graph.js';

const SERVER = join(SRC, 'server');
const STORE = join(SERVER, 'store');
const SQLITE = join(STORE, 'sqlite');

test('src/server has no import circle', () => {
  const cycle = findCycle(sourceFiles(SERVER));
  expect(cycle?.map(rel).join(' → ') ?? null).toBeNull();
});

test('account-portal.ts does not import the service', () => {
  expect(importsOf(join(SERVER, 'account-portal.ts')).files.map(rel)).not.toContain('server/service.ts');
});

test('the store interface and its records are driver-free, and in src/server only store/sqlite/ loads better-sqlite3', () => {
  const driverFree = sourceFiles(STORE).filter((f) => !f.startsWith(SQLITE + '/'));
  const offenders = driverFree.flatMap((f) => {
    const { files, packages } = importsOf(f);
    return [...packages.filter((p) => p === 'better-sqlite3' || p === 'pg'), ...files.filter((i) => i.startsWith(SQLITE + '/')).map(rel)].map((what) => `${rel(f)} imports ${what}`);
  });
  expect(offenders).toEqual([]);
  const drivers = sourceFiles(SERVER)
    .filter((f) => !f.startsWith(SQLITE + '/'))
    .flatMap((f) => importsOf(f).packages.filter((p) => p === 'better-sqlite3').map(() => rel(f)));
  expect(drivers).toEqual([]);
});
