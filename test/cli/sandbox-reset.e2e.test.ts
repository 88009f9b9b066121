// A time-travel walkthrough and its undo: REISSUE_NOW past a pending revocation carries it out
// (and it stays, on the real date too); `reissue sandbox reset` brings the demo state back on
// today's date, CRL included, checked with openssl.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...box.env, ...env } });
const list = async (env: Record<string, string> = {}): Promise<Certificate[]> => JSON.parse((await cli(['list', '--json'], env)).stdout);
const DAY = 24 * 3600 * 1000;

/** The demo state as a comparable shape: what is in which state, and how far its dates are from now. */
function demoShape(certs: Certificate[], now: number) {
  return certs
    .map((c) => ({
      cn: c.commonName,
      order: c.orderId,
      state: c.state,
      reason: c.revocationReason,
      replaced: c.replacedBy !== null,
      // Whole days from now: the same for a sandbox seeded today, whatever second it was.
      issuedDaysAgo: Math.round((now - Date.parse(c.notBefore)) / DAY),
      revocationInDays: c.revocationDate ? Math.round((Date.parse(c.revocationDate) - now) / DAY) : null,
    }))
    .sort((a, b) => `${a.order}${a.issuedDaysAgo}`.localeCompare(`${b.order}${b.issuedDaysAgo}`));
}

/** Serial numbers (lower-case hex, no leading zeros) and revocation dates a CRL lists, per openssl. */
function crlEntries(file: string): { serial: string; date: Date }[] {
  const text = openssl(['crl', '-inform', 'DER', '-in', file, '-noout', '-text']);
  return [...text.matchAll(/Serial Number: ([0-9A-F]+)\s+Revocation Date: ([^\n]+)/g)].map((m) => ({ serial: m[1]!.toLowerCase().replace(/^0+/, ''), date: new Date(m[2]!) }));
}
const bare = (serial: string) => serial.replace(/^0+/, '');

beforeAll(async () => {
  box = await cliSandbox();
});
afterAll(() => box.cleanup());

describe('sandbox reset after a time-travel demo', () => {
  it('undoes what was done at a simulated date: back to the demo state on today, CRL included', async () => {
    const first = await list();
    const firstShape = demoShape(first, Date.now());
    const old = first.find((c) => c.state === 'pending-revocation')!;
    const demoRevoked = first.find((c) => c.state === 'revoked')!;

    // The walkthrough: a day after the pending revocation. Every text output says the date is simulated.
    const later = new Date(Date.parse(old.revocationDate!) + DAY).toISOString();
    const status = await cli(['status'], { REISSUE_NOW: later });
    expect(status.stdout.split('\n')[0]).toMatch(/^SIMULATED DATE \d{4}-\d\d-\d\d \d\d:\d\d/);
    const shown = await cli(['show', old.id], { REISSUE_NOW: later });
    expect(shown.stdout).toMatch(/^SIMULATED DATE /);
    expect(shown.stdout).toContain('CERTIFICATE STATE: Revoked');
    expect((await cli(['list', '--json'], { REISSUE_NOW: later })).stdout.trimStart()).toMatch(/^\[/); // JSON stays JSON

    // Back on today's date the revocation stays, with a date in the future, in the CRL too.
    const stuck = await list();
    expect(stuck.find((c) => c.id === old.id)!.state).toBe('revoked');
    const crlBefore = join(box.dir, 'before.crl');
    expect((await cli(['crl', '--format', 'der', '--out', crlBefore])).code).toBe(0);
    expect(crlEntries(crlBefore).map((e) => e.serial)).toContain(bare(old.serialNumber));
    expect((await cli(['status'])).stdout).not.toContain('SIMULATED DATE');

    // A reissue made meanwhile (its copy and its e-mail) goes too.
    const csr = join(box.dir, 'new.csr');
    expect((await cli(['csr', 'new', '--for', first.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!.id, '--algorithm', 'ec-p256', '--key-out', join(box.dir, 'new.key'), '--out', csr])).code).toBe(0);
    const issued = await cli(['submit', first.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!.id, '--csr', csr, '--json']);
    expect(issued.code, issued.stderr).toBe(0);

    // Without a terminal and without --yes it asks for nothing and changes nothing.
    const refused = await cli(['sandbox', 'reset']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await list()).find((c) => c.id === old.id)!.state).toBe('revoked');

    const reset = await cli(['sandbox', 'reset', '--yes']);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/back to its demo state as of/);

    const after = await list();
    const now = Date.now();
    expect(demoShape(after, now)).toEqual(firstShape);
    const pending = after.find((c) => c.state === 'pending-revocation')!;
    expect(Date.parse(pending.revocationDate!)).toBeGreaterThan(now);

    // The CRL: signed today, listing only the demo's revoked copy, revoked in the past.
    const crlAfter = join(box.dir, 'after.crl');
    expect((await cli(['crl', '--format', 'der', '--out', crlAfter])).code).toBe(0);
    const ca = join(box.dir, 'ca.pem');
    expect((await cli(['ca', '--out', ca])).code).toBe(0);
    expect(openssl(['crl', '-inform', 'DER', '-in', crlAfter, '-CAfile', ca, '-noout'])).toBe('');
    const entries = crlEntries(crlAfter);
    const revokedNow = after.find((c) => c.state === 'revoked')!;
    expect(entries.map((e) => e.serial)).toEqual([bare(revokedNow.serialNumber)]);
    expect(entries[0]!.date.getTime()).toBeLessThan(now);
    expect(entries.map((e) => e.serial)).not.toContain(bare(old.serialNumber));
    expect(entries.map((e) => e.serial)).not.toContain(bare(demoRevoked.serialNumber));
    const lastUpdate = new Date(openssl(['crl', '-inform', 'DER', '-in', crlAfter, '-noout', '-lastupdate']).replace(/^lastUpdate=/, '').trim());
    expect(Math.abs(lastUpdate.getTime() - now)).toBeLessThan(DAY);
  });

  it('refuses a portal with accounts other than the demo ones unless --force', async () => {
    expect((await cli(['admin', 'account', 'create', 'bob', '--role', 'customer'])).code).toBe(0);
    const refused = await cli(['sandbox', 'reset', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('bob');
    expect(refused.stderr).toContain('--force');
    expect((await cli(['admin', 'token', 'create', 'bob'])).code).toBe(0); // bob is still there

    const forced = await cli(['sandbox', 'reset', '--yes', '--force']);
    expect(forced.code).toBe(0);
    const gone = await cli(['admin', 'token', 'create', 'bob']);
    expect(gone.code).toBe(5);
  });

  it('is for the embedded sandbox only', async () => {
    const r = await cli(['sandbox', 'reset', '--yes', '--portal', 'http://127.0.0.1:9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('embedded sandbox');
  });
});

describe('sandbox reset and what the portal wrote to files', () => {
  it('reissue → reset → reissue: both "certificate issued" e-mails exist, each in its own file with its own copy; the deleted copy\'s cloud key is gone', async () => {
    const own = await cliSandbox();
    try {
      const run = (args: string[]) => runCli(args, { env: own.env });
      const cloudReissue = async (): Promise<ReissueResult> => {
        const certs = JSON.parse((await run(['list', '--json'])).stdout) as Certificate[];
        const old = certs.find((c) => c.keySources.includes('cloud') && !c.replacedBy)!;
        const r = await run(['submit', old.id, '--key-source', 'cloud', '--json']);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as ReissueResult;
      };
      const outbox = join(own.dataDir, 'outbox');
      const keys = join(own.dataDir, 'cloud-keys');
      const issuedMails = () =>
        [outbox, ...(existsSync(join(own.dataDir, 'outbox-archive')) ? readdirSync(join(own.dataDir, 'outbox-archive')).map((d) => join(own.dataDir, 'outbox-archive', d)) : [])]
          .filter((d) => existsSync(d))
          .flatMap((d) => readdirSync(d).filter((f) => f.endsWith('-certificate-issued.eml')).map((f) => join(d, f)));

      const first = await cloudReissue();
      const firstKey = first.certificate.cloudKey!.keyId;
      expect(readdirSync(keys).sort()).toEqual([`${firstKey}.cert.pem`, `${firstKey}.key.pem`]);
      expect(issuedMails()).toHaveLength(1);

      const reset = await run(['sandbox', 'reset', '--yes']);
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stdout).toContain('outbox-archive');
      // The deleted copy's key pair left the cloud store with it.
      expect(readdirSync(keys)).toEqual([]);

      const second = await cloudReissue();
      const mails = issuedMails();
      expect(mails).toHaveLength(2);
      const parsed = await Promise.all(mails.map(async (f) => simpleParser(readFileSync(f))));
      const serials = parsed.map((m) => /Serial number: +([0-9a-f]+)/.exec(m.text ?? '')?.[1]).sort();
      expect(serials).toEqual([first.certificate.serialNumber, second.certificate.serialNumber].sort());
      // Each file holds the certificate of its own message.
      for (const m of parsed) {
        const serial = /Serial number: +([0-9a-f]+)/.exec(m.text ?? '')![1]!;
        expect(m.subject).toContain(`(serial ${serial})`);
        expect(m.attachments[0]!.filename).toContain(serial.slice(0, 16));
      }
      const secondKey = second.certificate.cloudKey!.keyId;
      expect(readdirSync(keys).sort()).toEqual([`${secondKey}.cert.pem`, `${secondKey}.key.pem`]);
    } finally {
      await own.cleanup();
    }
  });
});
