import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import type { AccountPortal } from '../../src/server/account-portal.js';
import { DEMO } from '../../src/server/seed.js';
import type { LocalPortalService } from '../../src/server/service.js';
import { cardEvidenceFor, cardKeyIdOfCsr, TEST_CARD } from '../helpers/card-evidence.js';
import { openssl, opensslStatus } from '../helpers/openssl.js';
import { csrPublicKeyHex, DAY_MS, makeCsr, opensslCertificate, seededService, snapshot, testClock, writeTemp, type TestClock, rejection } from './helpers.js';


let clock: TestClock;
let service: LocalPortalService;
let dir: string;
let cleanup: () => void;
let demo: AccountPortal;
let work: string;

beforeEach(async () => {
  clock = testClock('2026-06-01T10:00:00Z');
  const s = await seededService(clock);
  ({ service, dir, cleanup } = s);
  demo = service.forAccount(DEMO.customer);
  work = join(dir, '..');
});
afterEach(() => cleanup());

async function certOf(orderId: string, portal: AccountPortal = demo): Promise<Certificate> {
  const items = (await portal.list({ text: orderId })).items.filter((c) => c.orderId === orderId);
  return items.find((c) => !c.replacedBy) ?? items[0]!;
}


const manualCsr = (name: string, key: Parameters<typeof makeCsr>[2]['key'] = 'ec-p256') =>
  makeCsr(work, name, { key, cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });


function certificateCount(): number {
  return (service.sqlite!.db.prepare('SELECT count(*) AS n FROM certificates').get() as { n: number }).n;
}

describe('checkCsr', () => {
  it("passes a good CSR for the order's domains", async () => {
    const old = await certOf(DEMO.manualOrderId);
    const report = await demo.checkCsr(old.id, manualCsr('good').pem);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ commonName: 'assecodata.pl', keyType: 'EC' });
  });

  it('names a domain that is not in the order', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const report = await demo.checkCsr(old.id, makeCsr(work, 'foreign', { cn: 'assecodata.pl', sans: ['assecodata.pl', 'evil.example'] }).pem);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toEqual(['domain-not-in-order']);
    expect(report.problems[0]!.message).toContain('evil.example');
  });
});

describe('reissue', () => {
  it('issues a new copy: new serial and key, same notAfter, order subject and SANs, old copy revoked 14 days later', async () => {
    const old = await certOf(DEMO.manualOrderId);
    // The CSR's own subject is ignored: the subject comes from the order.
    const csr = makeCsr(work, 'new', { cn: 'www.assecodata.pl', sans: ['www.assecodata.pl'] });
    const { certificate, replaced } = await demo.reissue(old.id, { keySource: 'csr', csr: csr.pem }, 'key-1');

    const issuedAt = clock.now();
    expect(certificate.id).not.toBe(old.id);
    expect(certificate.serialNumber).toMatch(/^[1-7][0-9a-f]{31}$/);
    expect(certificate.serialNumber).not.toBe(old.serialNumber);
    expect(certificate).toMatchObject({
      state: 'valid',
      orderId: old.orderId,
      commonName: 'assecodata.pl',
      domains: ['assecodata.pl', 'www.assecodata.pl'],
      notAfter: old.notAfter,
      notBefore: issuedAt.toISOString(),
      replaces: old.id,
      replacedBy: null,
      subscriber: old.subscriber,
      organization: old.organization,
    });
    expect(replaced).toMatchObject({
      id: old.id,
      state: 'pending-revocation',
      replacedBy: certificate.id,
      revocationReason: 'superseded',
      revocationDate: new Date(issuedAt.getTime() + 14 * DAY_MS).toISOString(),
    });

    const pemPath = writeTemp(work, 'issued.pem', await demo.download(certificate.id, 'pem'));
    const derPath = writeTemp(work, 'issued.der', await demo.download(certificate.id, 'der'));
    const caPath = writeTemp(work, 'ca.pem', await demo.caCertificate());
    const at = String(Math.floor(issuedAt.getTime() / 1000) + 60);
    for (const f of [pemPath, derPath]) expect(opensslStatus(['verify', '-attime', at, '-CAfile', caPath, f]).status).toBe(0);
    const seen = opensslCertificate(pemPath);
    expect(seen.publicKey).toBe(csrPublicKeyHex(csr.csrPath));
    expect(seen.notAfter.toISOString()).toBe(old.notAfter);
    expect(seen.sans).toEqual(['assecodata.pl', 'www.assecodata.pl']);
    expect(seen.subject).toBe('C=PL,ST=pomorskie,L=Gdańsk,O=Asseco Data Systems S.A.,CN=assecodata.pl');
    expect(seen.serial).toBe(certificate.serialNumber);
    expect(openssl(['x509', '-in', pemPath, '-noout', '-ext', 'extendedKeyUsage,basicConstraints'])).toMatch(/TLS Web Server Authentication[\s\S]*CA:FALSE|CA:FALSE[\s\S]*TLS Web Server Authentication/);

    // The new copy shows up in status views and the old copy can no longer be reissued.
    const pending = await demo.pendingRevocations();
    expect(pending.find((p) => p.id === old.id)).toMatchObject({ daysLeft: 14, replacedBy: certificate.id });
  });

  it('accepts an RSA 2048 CSR in DER form', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const csr = manualCsr('rsa', 'rsa-2048');
    const derPath = join(work, 'rsa.csr.der');
    openssl(['req', '-in', csr.csrPath, '-outform', 'DER', '-out', derPath]);
    const { certificate } = await demo.reissue(old.id, { keySource: 'csr', csr: new Uint8Array(readFileSync(derPath)) }, 'rsa-der');
    const pemPath = writeTemp(work, 'rsa.pem', await demo.download(certificate.id, 'pem'));
    expect(opensslCertificate(pemPath).publicKey).toBe(csrPublicKeyHex(csr.csrPath));
    expect(openssl(['x509', '-in', pemPath, '-noout', '-ext', 'keyUsage'])).toMatch(/Digital Signature, Key Encipherment/);
  });

  it('refuses a copy that was already replaced, naming the newest copy', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const { certificate } = await demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('a').pem }, 'k-a');
    const e = await rejection(demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('b').pem }, 'k-b'));
    expect(e).toMatchObject({ kind: 'portal', code: 'already-replaced', details: { newestCopyId: certificate.id } });
    expect(e.hint).toContain(certificate.id);
    // Also for the seeded copy that was replaced three days ago.
    const seededOld = (await demo.list({ text: DEMO.reissuedOrderId })).items.find((c) => c.replacedBy)!;
    const e2 = await rejection(demo.reissue(seededOld.id, { keySource: 'csr', csr: makeCsr(work, 'shop', { cn: 'sklep.assecodata.pl' }).pem }, 'k-c'));
    expect(e2).toMatchObject({ code: 'already-replaced', details: { newestCopyId: seededOld.replacedBy } });
  });

  it('refuses revoked and expired certificates and a CSR for a card-only product', async () => {
    const revoked = await certOf(DEMO.revokedOrderId);
    const expired = await certOf(DEMO.expiredOrderId);
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    expect(await rejection(demo.reissue(revoked.id, { keySource: 'csr', csr: makeCsr(work, 'r', { cn: 'poczta.assecodata.pl' }).pem }, 'k1'))).toMatchObject({ code: 'certificate-revoked' });
    expect(await rejection(demo.reissue(expired.id, { keySource: 'csr', csr: makeCsr(work, 'e', { cn: 'stary.assecodata.pl' }).pem }, 'k2'))).toMatchObject({ code: 'certificate-expired' });
    const csr = makeCsr(work, 'cs', { cn: 'Asseco Data Systems S.A.', sans: [] });
    const e = await rejection(demo.reissue(codeSigning.id, { keySource: 'csr', csr: csr.pem }, 'k3'));
    expect(e).toMatchObject({ kind: 'portal', code: 'key-source-not-allowed' });
    expect(e.message).toContain(codeSigning.product);
  });

  it('issues a code-signing copy from a card key of an allowed type, and refuses a weaker one', async () => {
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    const weak = makeCsr(work, 'cs-weak', { key: 'rsa-2048', cn: 'Asseco Data Systems S.A.', sans: [] });
    const e = await rejection(demo.reissue(codeSigning.id, { keySource: 'card', csr: weak.pem, card: cardEvidenceFor(weak.pem) }, 'cs-1'));
    expect(e).toMatchObject({ kind: 'input', code: 'csr-invalid' });
    expect((e.details!.problems as { code: string }[]).map((p) => p.code)).toContain('key-not-allowed');

    const good = makeCsr(work, 'cs-good', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const card = cardEvidenceFor(good.pem);
    const { certificate } = await demo.reissue(codeSigning.id, { keySource: 'card', csr: good.pem, card }, 'cs-2');
    const pemPath = writeTemp(work, 'cs.pem', await demo.download(certificate.id, 'pem'));
    expect(openssl(['x509', '-in', pemPath, '-noout', '-ext', 'extendedKeyUsage'])).toContain('Code Signing');
    expect(opensslCertificate(pemPath).sans).toEqual([]);
    // The card's evidence is recorded with the new copy, as a declaration, and read back.
    expect(certificate).toMatchObject({ keySource: 'card', cardEvidence: card });
    expect(await demo.get(certificate.id)).toMatchObject({ keySource: 'card', cardEvidence: card });
    expect((await demo.get(codeSigning.id)).cardEvidence).toBeNull();
  });

  it('takes no bare "card": without complete evidence nothing is issued', async () => {
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    const good = makeCsr(work, 'cs-bare', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const before = snapshot(service.sqlite!.db);
    const bare = { keySource: 'card', csr: good.pem } as unknown as Parameters<AccountPortal['reissue']>[1];
    expect(await rejection(demo.reissue(codeSigning.id, bare, 'bare-1'))).toMatchObject({ kind: 'input', code: 'card-evidence-missing' });
    const partial = { keySource: 'card' as const, csr: good.pem, card: { ...cardEvidenceFor(good.pem), serial: '' } };
    expect(await rejection(demo.reissue(codeSigning.id, partial, 'bare-2'))).toMatchObject({ code: 'card-evidence-missing', details: { missing: ['serial'] } });
    const badId = { keySource: 'card' as const, csr: good.pem, card: { ...TEST_CARD, keyId: 'not hex' } };
    expect(await rejection(demo.reissue(codeSigning.id, badId, 'bare-3'))).toMatchObject({ code: 'card-evidence-invalid' });
    const badHash = { keySource: 'card' as const, csr: good.pem, card: { ...cardEvidenceFor(good.pem), publicKeySha256: 'xyz' } };
    expect(await rejection(demo.reissue(codeSigning.id, badHash, 'bare-4'))).toMatchObject({ code: 'card-evidence-invalid' });
    expect(snapshot(service.sqlite!.db)).toEqual(before);
  });

  it('csr check applies the rule submit applies: a card-only product takes the CSR only as a card key', async () => {
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    const good = makeCsr(work, 'cs-check', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const asCsr = await demo.checkCsr(codeSigning.id, good.pem);
    expect(asCsr.ok).toBe(false);
    expect(asCsr.problems.map((p) => p.code)).toEqual(['key-source-not-allowed']);
    expect(asCsr.problems[0]!.message).toContain('--key-source card');
    expect(await rejection(demo.reissue(codeSigning.id, { keySource: 'csr', csr: good.pem }, 'chk-1'))).toMatchObject({ code: 'key-source-not-allowed' });
    // As a card key: with the card's evidence, as submit sends it; without, refused by both.
    expect(await demo.checkCsr(codeSigning.id, good.pem, 'card', cardEvidenceFor(good.pem))).toMatchObject({ ok: true, problems: [] });
    const bare = await demo.checkCsr(codeSigning.id, good.pem, 'card');
    expect([bare.ok, bare.problems.map((p) => p.code)]).toEqual([false, ['card-evidence-missing']]);
  });

  it('card evidence is checked for consistency with the key certified, one rule for the check and the reissue; nothing issued when it fails', async () => {
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    const mine = makeCsr(work, 'cs-mine', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const other = makeCsr(work, 'cs-other', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const spkiSha = (pem: Uint8Array) => createHash('sha256').update(Buffer.from(csrPublicKeyHex(writeTemp(work, 'k.csr', pem)), 'hex')).digest('hex');
    const before = snapshot(service.sqlite!.db);
    const cases: [string, ReturnType<typeof cardEvidenceFor>][] = [
      // Another key's id (a manifest line or card evidence copied from a real card).
      ['card-evidence-key-id', cardEvidenceFor(other.pem)],
      // The right key id, but the key hash the client declared is another key's.
      ['card-evidence-other-key', { ...cardEvidenceFor(mine.pem), publicKeySha256: spkiSha(other.pem) }],
    ];
    for (const [code, card] of cases) {
      const check = await demo.checkCsr(codeSigning.id, mine.pem, 'card', card);
      expect([check.ok, check.problems.map((p) => p.code)]).toEqual([false, [code]]);
      const e = await rejection(demo.reissue(codeSigning.id, { keySource: 'card', csr: mine.pem, card }, `consistency-${code}`));
      expect(e).toMatchObject({ kind: 'input', code, message: check.problems[0]!.message.slice(0, e.message.length) });
      expect(e.exitCode).toBe(3);
    }
    expect(snapshot(service.sqlite!.db)).toEqual(before);
    // The consistent evidence, with the key's own hash, goes through and is recorded once for that key.
    const card = { ...cardEvidenceFor(mine.pem), publicKeySha256: spkiSha(mine.pem) };
    expect(card.keyId).toBe(cardKeyIdOfCsr(mine.pem));
    const { certificate } = await demo.reissue(codeSigning.id, { keySource: 'card', csr: mine.pem, card }, 'consistent');
    expect(certificate.cardEvidence).toEqual(card);
    expect(service.sqlite!.cardKey(card.serial, card.keyId)).toEqual({ publicKeySha256: spkiSha(mine.pem), certificateId: certificate.id });
  });

  it('a card serial + key id pair recorded for one key is never accepted for another (the store and the rule)', async () => {
    const codeSigning = await certOf(DEMO.codeSigningOrderId);
    const first = makeCsr(work, 'cs-first', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const second = makeCsr(work, 'cs-second', { key: 'ec-p256', cn: 'Asseco Data Systems S.A.', sans: [] });
    const { certificate } = await demo.reissue(codeSigning.id, { keySource: 'card', csr: first.pem, card: cardEvidenceFor(first.pem) }, 'pair-1');
    // The pair already stands for the first key: as if the second key had the same id on that card.
    const reused = cardEvidenceFor(second.pem);
    service.sqlite!.db.prepare(`UPDATE card_keys SET key_id = ? WHERE certificate_id = ?`).run(reused.keyId, certificate.id);
    const check = await demo.checkCsr(certificate.id, second.pem, 'card', reused);
    expect(check.problems.map((p) => p.code)).toEqual(['card-evidence-reused']);
    const before = snapshot(service.sqlite!.db);
    const e = await rejection(demo.reissue(certificate.id, { keySource: 'card', csr: second.pem, card: reused }, 'pair-2'));
    expect(e).toMatchObject({ kind: 'input', code: 'card-evidence-reused', details: { certificate: certificate.id } });
    expect(snapshot(service.sqlite!.db)).toEqual(before);
  });

  it('refuses a CSR that fails the checks with every problem listed, changing nothing', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const before = snapshot(service.sqlite!.db);
    const weak = makeCsr(work, 'weak', { key: 'rsa-1024', cn: 'evil.example', md: 'sha1' });
    const e = await rejection(demo.reissue(old.id, { keySource: 'csr', csr: weak.pem }, 'bad-1'));
    expect(e).toMatchObject({ kind: 'input', code: 'csr-invalid' });
    expect(e.exitCode).toBe(3);
    const codes = (e.details!.problems as { code: string }[]).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['weak-key', 'weak-hash', 'domain-not-in-order']));
    expect(snapshot(service.sqlite!.db)).toEqual(before);
    // A failed attempt does not use up the idempotency key.
    const ok = await demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('after-bad').pem }, 'bad-1');
    expect(ok.replaced.id).toBe(old.id);
  });

  it('refuses the same key pair as the copy being replaced', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const csr = manualCsr('reuse');
    const { certificate } = await demo.reissue(old.id, { keySource: 'csr', csr: csr.pem }, 'reuse-1');
    const e = await rejection(demo.reissue(certificate.id, { keySource: 'csr', csr: csr.pem }, 'reuse-2'));
    expect((e.details!.problems as { code: string }[]).map((p) => p.code)).toEqual(['same-key']);
  });

  it('returns the first result for a repeated idempotency key and issues nothing new', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const csr = manualCsr('idem');
    const first = await demo.reissue(old.id, { keySource: 'csr', csr: csr.pem }, 'same-key');
    const count = certificateCount();
    const again = await demo.reissue(old.id, { keySource: 'csr', csr: csr.pem }, 'same-key');
    expect(again.certificate.id).toBe(first.certificate.id);
    expect(again.replaced.id).toBe(old.id);
    expect(certificateCount()).toBe(count);
    // The same key for another request is a conflict, not a silent replay.
    const other = await rejection(demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('idem-2').pem }, 'same-key'));
    expect(other).toMatchObject({ kind: 'portal', code: 'idempotency-conflict' });
    const otherCert = await certOf(DEMO.reissuedOrderId);
    expect(await rejection(demo.reissue(otherCert.id, { keySource: 'csr', csr: csr.pem }, 'same-key'))).toMatchObject({ code: 'idempotency-conflict' });
    // Keys belong to an account: the partner's own key of the same name is independent.
    const partner = service.forAccount(DEMO.partner);
    const partnerCert = await certOf(DEMO.partnerOrderId, partner);
    const partnerResult = await partner.reissue(partnerCert.id, { keySource: 'csr', csr: makeCsr(work, 'p', { cn: 'partner-demo.pl' }).pem }, 'same-key');
    expect(partnerResult.replaced.id).toBe(partnerCert.id);
  });

  it('issues exactly one new copy when the same certificate is reissued 20 times at once', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const csrs = Array.from({ length: 20 }, (_, i) => manualCsr(`race-${i}`).pem);
    const count = certificateCount();
    const outcomes = await Promise.allSettled(csrs.map((csr, i) => demo.reissue(old.id, { keySource: 'csr', csr: csr }, `race-${i}`)));
    const won = outcomes.filter((o): o is PromiseFulfilledResult<ReissueResult> => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    const winner = won[0]!.value.certificate.id;
    for (const l of lost) expect(l.reason).toMatchObject({ kind: 'portal', code: 'already-replaced', details: { newestCopyId: winner } });
    expect(certificateCount()).toBe(count + 1);
    expect(service.sqlite!.byId(old.id)!.replacedBy).toBe(winner);
  });

  it('answers concurrent retries with one idempotency key with the same single copy', async () => {
    const old = await certOf(DEMO.manualOrderId);
    const csr = manualCsr('retry').pem;
    const count = certificateCount();
    const results = await Promise.all(Array.from({ length: 5 }, () => demo.reissue(old.id, { keySource: 'csr', csr: csr }, 'retry-key')));
    expect(new Set(results.map((r) => r.certificate.id)).size).toBe(1);
    expect(certificateCount()).toBe(count + 1);
  });

  it('leaves the database exactly as it was when the transaction fails half-way', async () => {
    const old = await certOf(DEMO.manualOrderId);
    // A real SQLite failure after the new copy was inserted: linking the old copy aborts.
    service.sqlite!.db.exec(`CREATE TRIGGER fail_link BEFORE UPDATE OF replaced_by ON certificates BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const before = snapshot(service.sqlite!.db);
    await expect(demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('fail').pem }, 'fail-1')).rejects.toThrow();
    expect(snapshot(service.sqlite!.db)).toEqual(before);
    service.sqlite!.db.exec('DROP TRIGGER fail_link');
    const ok = await demo.reissue(old.id, { keySource: 'csr', csr: manualCsr('after-fail').pem }, 'fail-1');
    expect(ok.replaced.replacedBy).toBe(ok.certificate.id);
  });
});

describe('revoke', () => {
  it('revokes at once with the reason given, and lists it in the CRL', async () => {
    const c = await certOf(DEMO.manualOrderId);
    const revoked = await demo.revoke(c.id, 'cessationOfOperation');
    expect(revoked).toMatchObject({ state: 'revoked', revocationReason: 'cessationOfOperation', revocationDate: clock.now().toISOString() });
    expect(await rejection(demo.revoke(c.id, 'keyCompromise'))).toMatchObject({ kind: 'portal', code: 'already-revoked' });
    expect(await rejection(demo.revoke(c.id, 'because' as never))).toMatchObject({ kind: 'usage', code: 'bad-reason' });
    const crl = openssl(['crl', '-inform', 'DER', '-in', writeTemp(work, 'r.crl', await demo.crl()), '-noout', '-text']);
    expect(crl).toMatch(new RegExp(`Serial Number: ${c.serialNumber.toUpperCase()}[\\s\\S]*?Cessation Of Operation`));
  });
});

describe('reading', () => {
  it('finds a certificate by id or by serial in any case, with or without colons', async () => {
    const c = await certOf(DEMO.manualOrderId);
    const colons = c.serialNumber.toUpperCase().match(/../g)!.join(':');
    expect((await demo.get(c.id.toUpperCase())).id).toBe(c.id);
    expect((await demo.get(c.serialNumber)).id).toBe(c.id);
    expect((await demo.get(colons)).id).toBe(c.id);
    expect((await demo.list({ text: colons })).items.map((x) => x.id)).toEqual([c.id]);
  });

  it('downloads PEM, PEM with the CA after it, and DER; DER with a chain is refused', async () => {
    const c = await certOf(DEMO.manualOrderId);
    const pem = Buffer.from(await demo.download(c.id, 'pem')).toString();
    const chain = Buffer.from(await demo.download(c.id, 'pem', true)).toString();
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(chain).toBe(pem + (await demo.caCertificate()));
    const der = await demo.download(c.id, 'der');
    expect(Buffer.from(openssl(['x509', '-inform', 'DER', '-outform', 'PEM'], Buffer.from(der)))).toEqual(Buffer.from(pem));
    expect(await rejection(demo.download(c.id, 'der', true))).toMatchObject({ kind: 'usage', code: 'chain-needs-pem' });
  });

  it('pages the list and counts the total', async () => {
    const all = await demo.list({ limit: 100 });
    const page = await demo.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(all.total);
    expect(page.items.map((c) => c.id)).toEqual(all.items.slice(1, 3).map((c) => c.id));
    expect(await rejection(demo.list({ limit: 0 }))).toMatchObject({ kind: 'usage' });
    // A huge offset is the caller's mistake, never a damaged database.
    for (const offset of [2 ** 63, 1e300, 1_000_000_001, -1, 0.5]) {
      const e = await rejection(demo.list({ offset }));
      expect(e).toMatchObject({ kind: 'usage', code: 'invalid-parameter' });
      expect(e.message).not.toMatch(/damaged/);
    }
  });
});
