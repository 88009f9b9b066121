// Cloud keys and the portal's e-mails, in process on a real SQLite file: a cloud reissue keeps the
// expiry and leaves the key in the sandbox store (0600) with its certificate beside it; the
// "certificate issued" message is queued with the new copy and written to outbox/ after commit;
// the reminder comes once per replaced copy, however often the portal is opened at that date; a
// failed delivery is retried with back-off, across a restart, and never undoes the reissue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Certificate } from '../../src/domain/types.js';
import type { AccountPortal } from '../../src/server/account-portal.js';
import { productRefusal } from '../../src/domain/policy.js';
import { retryDelayMs } from '../../src/server/mail/outbox.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService, type LocalPortalService } from '../../src/server/service.js';
import { DAY_MS, tempDir, testClock, type TestClock, rejection } from './helpers.js';

let clock: TestClock;
let wall: TestClock;
let tmp: ReturnType<typeof tempDir>;
let dir: string;
let service: LocalPortalService;
let demo: AccountPortal;

const open = (opts: Parameters<typeof openPortalService>[0]['mail'] = {}) =>
  openPortalService({ dataDir: dir, clock, wallClock: wall, mail: opts });

beforeEach(async () => {
  clock = testClock('2026-06-01T10:00:00Z');
  wall = testClock('2026-06-01T10:00:00Z');
  tmp = tempDir();
  dir = join(tmp.path, 'data');
  service = await open();
  demo = service.forAccount(DEMO.customer);
});
afterEach(async () => {
  await service.settle();
  service.close();
  tmp.remove();
});

async function cloudCert(): Promise<Certificate> {
  return (await demo.list({ text: DEMO.cloudOrderId })).items.find((c) => !c.replacedBy)!;
}

/** The reminder files about the copy with this serial. */
const remindersAbout = (serial: string) =>
  outboxFiles().filter((f) => f.endsWith('-revocation-reminder.eml') && readFileSync(join(dir, 'outbox', f), 'utf8').includes(serial));


const outboxFiles = () => {
  try {
    return readdirSync(join(dir, 'outbox')).sort();
  } catch {
    return [];
  }
};

describe('cloud key source', () => {
  it('the seeded cloud product allows only cloud keys, RSA 3072 and EC P-256', async () => {
    const c = await cloudCert();
    expect(c.product).toBe('Code Signing in the cloud 365 days');
    expect(c.keySources).toEqual(['cloud']);
    expect(c.algorithms).toEqual(['rsa-3072', 'ec-p256']);
  });

  it('issues a new copy with the same notAfter for a key made in the sandbox store, 0600, certificate beside it', async () => {
    const old = await cloudCert();
    const { certificate, replaced } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'cloud-1');
    expect(certificate.notAfter).toBe(old.notAfter);
    expect(replaced.revocationDate).toBe(new Date(Date.parse(certificate.notBefore) + 14 * DAY_MS).toISOString());
    expect(certificate.keySource).toBe('cloud');
    expect(certificate.cloudKey).toMatchObject({ store: 'sandbox', location: expect.stringContaining('SANDBOX ONLY') });
    const keyId = certificate.cloudKey!.keyId;
    const keyFile = join(dir, 'cloud-keys', `${keyId}.key.pem`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The certificate is for the stored key, and the copy stored beside it is the issued one.
    const der = await demo.download(certificate.id, 'der');
    const x = new X509Certificate(der);
    const stored = createPublicKey(readFileSync(keyFile, 'utf8')).export({ type: 'spki', format: 'der' });
    expect(Buffer.from(x.publicKey.export({ type: 'spki', format: 'der' })).equals(stored)).toBe(true);
    expect(new X509Certificate(readFileSync(join(dir, 'cloud-keys', `${keyId}.cert.pem`))).raw.equals(Buffer.from(der))).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // The same key replays the first result; nothing new is generated.
    const again = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'cloud-1');
    expect(again.certificate.id).toBe(certificate.id);
    expect(readdirSync(join(dir, 'cloud-keys')).filter((f) => f.endsWith('.key.pem'))).toHaveLength(1);
  });

  it('of concurrent cloud reissues one wins; the losers\' key pairs are removed from the store', async () => {
    const old = await cloudCert();
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, `race-${i}`)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as { code: string }).code).toBe('already-replaced');
    const { certificate } = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof demo.reissue>>>).value;
    expect(readdirSync(join(dir, 'cloud-keys')).sort()).toEqual([`${certificate.cloudKey!.keyId}.cert.pem`, `${certificate.cloudKey!.keyId}.key.pem`]);
  });

  it('refuses an algorithm the product does not allow, a cloud key for a CSR product, and a CSR for the cloud product', async () => {
    const old = await cloudCert();
    // The product rule's own refusal (productRefusal), details and all, so every language can say it.
    const alg = await rejection(demo.reissue(old.id, { keySource: 'cloud', algorithm: 'rsa-2048' }, 'c-alg'));
    const rule = productRefusal(old, { keySource: 'cloud', algorithm: 'rsa-2048' })!;
    expect({ code: alg.code, message: alg.message, hint: alg.hint, details: alg.details }).toEqual({ code: rule.code, message: rule.message, hint: rule.hint, details: rule.details });
    const manual = (await demo.list({ text: DEMO.manualOrderId })).items[0]!;
    const e = await rejection(demo.reissue(manual.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'c-src'));
    expect(e.code).toBe('key-source-not-allowed');
    expect(e.hint).toContain('a CSR');
    const csr = await rejection(demo.reissue(old.id, { keySource: 'csr', csr: new Uint8Array([1]) }, 'c-csr'));
    expect(csr.code).toBe('key-source-not-allowed');
    expect(csr.message).toContain('does not allow a CSR');
    expect(outboxFiles()).toEqual([]);
    expect(readdirSync(dir)).not.toContain('cloud-keys');
  });
});

describe('e-mails', () => {
  it('a reissue queues "certificate issued" to the subscriber, written to outbox/ after commit with the PEM attached', async () => {
    const old = await cloudCert();
    const { certificate, replaced } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'rsa-3072' }, 'mail-1');
    await service.settle();
    const [file] = outboxFiles();
    expect(file).toBe(`000001-${certificate.id}-certificate-issued.eml`);
    expect(statSync(join(dir, 'outbox', file!)).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(join(dir, 'outbox', file!)));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('paula.chlebicka@assecodata.pl');
    expect(mail.subject).toBe(`Certificate issued: ${certificate.commonName} (serial ${certificate.serialNumber})`);
    expect(mail.date?.toISOString()).toBe(certificate.notBefore);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.content.toString('utf8')).toBe(Buffer.from(await demo.download(certificate.id, 'pem')).toString('utf8'));
    expect(mail.text).toContain(`revoked automatically on ${replaced.revocationDate!.slice(0, 10)} ${replaced.revocationDate!.slice(11, 16)} UTC`);
    expect(mail.text).toContain('Key:            generated in the cloud key store');
    const listed = await demo.emails(certificate.id);
    expect(listed).toEqual([expect.objectContaining({ kind: 'certificate-issued', to: 'paula.chlebicka@assecodata.pl', status: 'sent', attempts: 1, deliveredTo: join(dir, 'outbox', file!) })]);
    // The replaced copy lists it too (it names its revocation date).
    expect((await demo.emails(old.id)).map((m) => m.id)).toEqual([listed[0]!.id]);
  });

  it('the reminder comes 3 days before the revocation, exactly once however often the portal is opened, and says the new copy was not downloaded', async () => {
    const old = await cloudCert();
    const { certificate, replaced } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'rem-1');
    const revocation = Date.parse(replaced.revocationDate!);
    clock.set(new Date(revocation - 3 * DAY_MS - 60_000)); // a minute early: nothing yet
    await demo.list();
    await service.settle();
    expect(remindersAbout(replaced.serialNumber)).toEqual([]);

    clock.set(new Date(revocation - 3 * DAY_MS));
    await service.settle();
    service.close();
    // Several "commands" at that date: each opens the portal, reads, closes; two run at once.
    for (let i = 0; i < 3; i++) {
      const s = await open();
      await s.forAccount(DEMO.customer).pendingRevocations();
      await s.forAccount(DEMO.customer).get(replaced.id);
      await s.settle();
      s.close();
    }
    const pair = await Promise.all([open(), open()]);
    await Promise.all(pair.map((s) => s.forAccount(DEMO.customer).list()));
    for (const s of pair) {
      await s.settle();
      s.close();
    }
    service = await open();
    demo = service.forAccount(DEMO.customer);
    await service.settle();
    // (The seeded demo's replaced copy, revoked a minute later, got its own reminder.)
    const reminders = remindersAbout(replaced.serialNumber);
    expect(reminders).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dir, 'outbox', reminders[0]!)));
    expect(mail.subject).toContain(`will be revoked on ${replaced.revocationDate!.slice(0, 10)}`);
    expect(mail.text).toContain(`(serial ${replaced.serialNumber}`);
    expect(mail.text).toContain('in 3 day(s)');
    expect(mail.text).toContain(`The new copy (serial ${certificate.serialNumber}) has NOT been downloaded yet`);
    expect((await demo.emails(replaced.id)).map((m) => m.kind)).toEqual(['certificate-issued', 'revocation-reminder']);
  });

  it('in a chain k1 → k2 → k3 made the same day, the reminders before k1 and k2 are revoked both name k3, the copy to use', async () => {
    const k1 = await cloudCert();
    const k2 = (await demo.reissue(k1.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'chain-1')).certificate;
    const k3 = (await demo.reissue(k2.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'chain-2')).certificate;
    const [r1, r2] = [await demo.get(k1.id), await demo.get(k2.id)];
    // k2 is revoked the same day as k1.
    expect(r2.revocationDate!.slice(0, 10)).toBe(r1.revocationDate!.slice(0, 10));
    clock.set(new Date(Date.parse(r2.revocationDate!) - 3 * DAY_MS));
    await demo.list();
    await service.settle();
    for (const replaced of [r1, r2]) {
      const reminders = remindersAbout(replaced.serialNumber);
      expect(reminders).toHaveLength(1);
      const mail = await simpleParser(readFileSync(join(dir, 'outbox', reminders[0]!)));
      expect(mail.text).toContain(`(serial ${replaced.serialNumber}`);
      expect(mail.text).toContain(`The new copy (serial ${k3.serialNumber}) has NOT been downloaded yet`);
      expect(mail.text).toContain(`reissue download ${k3.id} --format pem`);
      if (replaced.id === k1.id) expect(mail.text).not.toContain(k2.serialNumber);
    }
  });

  it('the reminder says when the new copy was downloaded', async () => {
    const old = await cloudCert();
    const { certificate, replaced } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'rem-2');
    clock.advanceDays(2);
    await demo.download(certificate.id, 'pem');
    expect((await demo.get(certificate.id)).downloadedAt).toBe(clock.now().toISOString());
    clock.set(new Date(Date.parse(replaced.revocationDate!) - 2 * DAY_MS));
    await demo.list();
    await service.settle();
    const [reminder] = remindersAbout(replaced.serialNumber);
    const mail = await simpleParser(readFileSync(join(dir, 'outbox', reminder!)));
    expect(mail.text).toContain(`The new copy (serial ${certificate.serialNumber}) was downloaded on 2026-06-03 10:00 UTC`);
  });

  it('a failed delivery never undoes the reissue; it is retried with back-off, also after a restart', async () => {
    // A file where the outbox folder should be: every write fails until it is removed.
    writeFileSync(join(dir, 'outbox'), 'in the way');
    const old = await cloudCert();
    const { certificate } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'fail-1');
    await service.settle();
    expect((await demo.get(certificate.id)).replaces).toBe(old.id);
    const [first] = await demo.emails(certificate.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringMatching(/EEXIST|ENOTDIR/) });

    rmSync(join(dir, 'outbox'));
    // Not yet due: 30 s back-off.
    wall.set(new Date(wall.now().getTime() + 20_000));
    service.outbox.kick();
    await service.settle();
    expect((await demo.emails(certificate.id))[0]!.status).toBe('pending');
    // A restart after the back-off delivers it.
    service.close();
    wall.set(new Date(wall.now().getTime() + 11_000));
    service = await open();
    demo = service.forAccount(DEMO.customer);
    await service.settle();
    expect((await demo.emails(certificate.id))[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(outboxFiles()).toEqual([`000001-${certificate.id}-certificate-issued.eml`]);
  });

  it('a mail server that refuses connections does not block or undo the reissue', async () => {
    service.close();
    service = await open({ smtp: 'smtp://127.0.0.1:1' });
    demo = service.forAccount(DEMO.customer);
    const old = await cloudCert();
    const { certificate } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'smtp-down');
    expect(certificate.replaces).toBe(old.id);
    await service.settle();
    expect((await demo.emails(certificate.id))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('ECONNREFUSED') });
    expect(outboxFiles()).toEqual([]);
  });

  it('back-off doubles from 30 s up to an hour', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20)).toBe(3_600_000);
  });
});
