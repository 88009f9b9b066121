// The versions `reissue doctor` reports and `reissue --version --json` prints: reissue, Node,
// the native addons as installed beside the bundle, and the SQLite inside better-sqlite3.
import { createRequire } from 'node:module';
import pkg from '../../../package.json' with { type: 'json' };

export const ADDONS = ['better-sqlite3', 'pkcs11js'] as const;

export interface Versions {
  reissue: string;
  node: string;
  platform: string;
  /** null when not asked for (an HTTP portal) or when better-sqlite3 does not load. */
  sqlite: string | null;
  /** Each addon's version, null when it is not installed. */
  addons: Record<(typeof ADDONS)[number], string | null>;
}

export async function versions(withSqlite: boolean): Promise<Versions> {
  const require = createRequire(import.meta.url);
  const addonVersion = (name: string): string | null => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return null;
    }
  };
  return {
    reissue: pkg.version,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    sqlite: withSqlite ? await sqliteVersion() : null,
    addons: Object.fromEntries(ADDONS.map((name) => [name, addonVersion(name)])) as Versions['addons'],
  };
}

async function sqliteVersion(): Promise<string | null> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    try {
      return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}
