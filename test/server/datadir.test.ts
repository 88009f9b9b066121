// A damaged or inconsistent data directory is reported (exit 1, naming the file) and left exactly
// as it was: nothing re-seeded, overwritten or created.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { readOnlyFolder } from '../helpers/mounts.js';
import { join } from 'node:path';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { openLocalPortal } from '../../src/portal/local/index.js';
import { openPortalService } from '../../src/server/service.js';
import { openssl } from '../helpers/openssl.js';
import { tempDir, testClock } from './helpers.js';

const clock = testClock();
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanups.splice(0)) f();
});

function newDir(): string {
  const t = tempDir();
  cleanups.push(t.remove);
  return t.path;
}

async function seededDir(): Promise<string> {
  const dir = join(newDir(), 'data');
  (await openPortalService({ dataDir: dir, clock })).close();
  return dir;
}

/** Every file in the directory with its bytes. */
function contents(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('hex')]));
}

async function openError(dir: string): Promise<ReissueError> {
  try {
    (await openPortalService({ dataDir: dir, clock })).close();
  } catch (e) {
    if (isReissueError(e)) return e;
    throw e;
  }
  throw new Error('the portal opened');
}

function expectDamaged(e: ReissueError, file: string): void {
  expect(e.kind).toBe('unexpected');
  expect(e.exitCode).toBe(1);
  expect(e.code).toBe('portal-data-damaged');
  expect(e.message).toContain(file);
  expect(e.message).toContain('Nothing was changed');
  expect(e.hint).toMatch(/backup|--data-dir/);
}

describe('a damaged data directory', () => {
  it('with a database file that is not a database: clear error, every byte untouched', async () => {
    const dir = await seededDir();
    writeFileSync(join(dir, 'portal.sqlite'), randomBytes(8192));
    const before = contents(dir);
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'portal.sqlite'));
    expect(e.message).toMatch(/damaged or unreadable/);
    expect(contents(dir)).toEqual(before);
  });

  it('with a truncated database: clear error, every byte untouched', async () => {
    const dir = await seededDir();
    truncateSync(join(dir, 'portal.sqlite'), 4096);
    const before = contents(dir);
    expectDamaged(await openError(dir), join(dir, 'portal.sqlite'));
    expect(contents(dir)).toEqual(before);
  });

  it('with CA files but no database: refused, no database created', async () => {
    const dir = await seededDir();
    rmSync(join(dir, 'portal.sqlite'));
    const before = contents(dir);
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'portal.sqlite'));
    expect(e.message).toMatch(/CA files but no portal database/);
    expect(existsSync(join(dir, 'portal.sqlite'))).toBe(false);
    expect(contents(dir)).toEqual(before);
  });

  it('with a database but no CA key: refused, naming the key file', async () => {
    const dir = await seededDir();
    rmSync(join(dir, 'ca-key.pem'));
    const before = contents(dir);
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'ca-key.pem'));
    expect(contents(dir)).toEqual(before);
  });

  it("with another portal's CA files: refused", async () => {
    const dir = await seededDir();
    const other = await seededDir();
    for (const f of ['ca.pem', 'ca-key.pem']) copyFileSync(join(other, f), join(dir, f));
    const before = contents(dir);
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'ca.pem'));
    expect(e.message).toMatch(/does not belong/);
    expect(contents(dir)).toEqual(before);
  });

  it('with a CA key that does not match the CA certificate: refused', async () => {
    const dir = await seededDir();
    const other = await seededDir();
    copyFileSync(join(other, 'ca-key.pem'), join(dir, 'ca-key.pem'));
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'ca-key.pem'));
    expect(e.message).toMatch(/does not match/);
  });

  it('with a CA certificate file that is not a certificate: refused, naming the CA files', async () => {
    const dir = await seededDir();
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const before = contents(dir);
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'ca-key.pem'));
    expect(e.message).toMatch(/CA certificate cannot be read/);
    expect(contents(dir)).toEqual(before);
  });

  it('with the CA key in another format than PKCS#8: refused on open, not at the first reissue', async () => {
    const dir = await seededDir();
    // The same key, written as SEC 1 ("EC PRIVATE KEY"), which the signing code does not read.
    writeFileSync(join(dir, 'ca-key.pem'), openssl(['ec', '-in', join(dir, 'ca-key.pem')]));
    const e = await openError(dir);
    expectDamaged(e, join(dir, 'ca-key.pem'));
    expect(e.message).toMatch(/PRIVATE KEY/);
  });

  it('that is a file, not a folder: refused', async () => {
    const file = join(newDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expectDamaged(await openError(file), file);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('is reported the same way through the local portal', async () => {
    const dir = await seededDir();
    writeFileSync(join(dir, 'portal.sqlite'), 'SQLite format 3\0 but not really');
    await expect(openLocalPortal({ dataDir: dir, clock })).rejects.toMatchObject({ kind: 'unexpected', code: 'portal-data-damaged' });
  });
});

describe('a new portal without demo data', () => {
  it('has a CA and an empty CRL but no accounts or certificates, and is not seeded later', async () => {
    const dir = join(newDir(), 'data');
    const service = await openPortalService({ dataDir: dir, clock, seed: false });
    try {
      expect(service.created).toBe(true);
      expect(existsSync(join(dir, 'ca-key.pem'))).toBe(true);
      expect(service.sqlite!.db.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 0 });
      await service.createAccount('ops', 'customer');
      const portal = service.forAccount('ops');
      expect(await portal.list()).toEqual({ items: [], total: 0 });
      const crl = openssl(['crl', '-inform', 'DER', '-noout', '-text'], Buffer.from(await portal.crl()));
      expect(crl).toContain('No Revoked Certificates');
    } finally {
      service.close();
    }
    const again = await openPortalService({ dataDir: dir, clock });
    try {
      expect(again.created).toBe(false);
      expect(again.sqlite!.db.prepare('SELECT count(*) AS n FROM certificates').get()).toEqual({ n: 0 });
    } finally {
      again.close();
    }
  });
});

describe('the local portal', () => {
  it('acts as demo by default, and as another account when asked', async () => {
    const dir = join(newDir(), 'data');
    const demo = await openLocalPortal({ dataDir: dir, clock });
    expect((await demo.list()).items.every((c) => c.account === 'demo')).toBe(true);
    expect(await demo.info()).toEqual({ name: 'SANDBOX portal (local)', sandbox: true, now: clock.now().toISOString(), kind: 'local', capabilities: ['caCertificate', 'crl', 'emails', 'cloudKeys'] });
    await demo.close();
    const acme = await openLocalPortal({ dataDir: dir, clock, account: 'acme' });
    expect((await acme.list()).items.map((c) => c.account)).toEqual(['acme']);
    await acme.close();
    await expect(openLocalPortal({ dataDir: dir, clock, account: 'nobody' })).rejects.toMatchObject({ kind: 'portal', code: 'unknown-account' });
  });

  it('closes its database on close()', async () => {
    const dir = join(newDir(), 'data');
    const p = await openLocalPortal({ dataDir: dir, clock });
    await p.close();
    await expect(p.list()).rejects.toMatchObject({ code: 'portal-closed' });
  });
});

describe('the data directory is private', () => {
  const mode = (p: string) => statSync(p).mode & 0o777;

  it('an existing folder open to others (0755) is tightened to 0700, empty or already a portal', async () => {
    const empty = join(newDir(), 'data');
    mkdirSync(empty, { mode: 0o755 });
    chmodSync(empty, 0o755);
    (await openPortalService({ dataDir: empty, clock })).close();
    expect(mode(empty)).toBe(0o700);
    chmodSync(empty, 0o755);
    (await openPortalService({ dataDir: empty, clock })).close();
    expect(mode(empty)).toBe(0o700);
  });

  it('missing parents are made 0700 whatever the umask (000 and 0277)', async () => {
    for (const umask of [0o000, 0o277]) {
      const base = newDir();
      const old = process.umask(umask);
      try {
        (await openPortalService({ dataDir: join(base, 'a', 'b', 'data'), clock })).close();
      } finally {
        process.umask(old);
      }
      for (const p of ['a', 'a/b', 'a/b/data']) expect({ p, umask, mode: mode(join(base, p)).toString(8) }).toEqual({ p, umask, mode: '700' });
    }
  });

  it('a folder open to others that cannot be made private is refused with the reason, nothing changed', async () => {
    const ro = readOnlyFolder(join(newDir(), 'ro'));
    try {
      // A read-only tmpfs mounted 0755 (as root; chmod there fails with EROFS).
      const e = await openError(ro.path);
      expect(e.code).toBe('data-dir-not-private');
      expect(e.exitCode).toBe(3);
      expect(e.message).toContain(ro.path);
      expect(e.message).toMatch(/mode 0755.*read-only/);
      expect(e.hint).toContain(`chmod 700 ${ro.path}`);
      expect(readdirSync(ro.path)).toEqual([]);
    } finally {
      ro.undo();
    }
  });
});
