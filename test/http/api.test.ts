// The whole portal through HTTP: a real service on a temp data dir, a real listening server,
// driven through createHttpPortal; artifacts checked with openssl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import type { Certificate } from '../../src/domain/types.js';
import type { Portal } from '../../src/portal/portal.js';
import { csrFor, fileWith, reissuable, run, startTestPortal, type TestPortal } from './helpers.js';
import { cardEvidenceFor } from '../helpers/card-evidence.js';

let tp: TestPortal;
let portal: Portal;

beforeAll(async () => {
  tp = await startTestPortal();
  portal = tp.client(tp.tokens.demo);
});
afterAll(async () => {
  await tp?.close();
});

async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  return e;
}

describe('portal over HTTP', () => {
  it('answers info with the URL as its name', async () => {
    const info = await portal.info();
    expect(info.name).toBe(`portal at ${tp.url}`);
    expect(typeof info.sandbox).toBe('boolean');
    expect(Number.isNaN(Date.parse(info.now))).toBe(false);
  });

  it('lists, filters and pages certificates', async () => {
    const all = await portal.list();
    expect(all.total).toBeGreaterThan(1);
    expect(all.items).toHaveLength(all.total);
    const page = await portal.list({ offset: 1, limit: 1 });
    expect(page.total).toBe(all.total);
    expect(page.items.map((c) => c.id)).toEqual([all.items[1]!.id]);
    const filtered = await portal.list({ text: 'assecodata' });
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(all.total);
    for (const c of filtered.items) expect(c.domains.join(' ')).toContain('assecodata');
  });

  it('pages without the count (total=false), and counts a filter on its own (GET /v1/certificates/count)', async () => {
    const all = await portal.list();
    const rows = await portal.list({ limit: 2, withTotal: false });
    expect(rows.items.map((c) => c.id)).toEqual(all.items.slice(0, 2).map((c) => c.id));
    expect(rows.total).toBe(2); // a lower bound: the page is full
    expect((await portal.list({ offset: 1, limit: 1000, withTotal: false })).total).toBe(all.total); // the page ends the list
    expect(await portal.count()).toBe(all.total);
    expect(await portal.count({ text: 'assecodata' })).toBe((await portal.list({ text: 'assecodata' })).total);
    expect(await portal.count({ text: 'no-such-name' })).toBe(0);
  });

  it('validates the count and total=false queries', async () => {
    const get = (path: string) => fetch(`${tp.url}${path}`, { headers: { authorization: `Bearer ${tp.tokens.demo}` } });
    const ok = await get('/v1/certificates/count?query=ASSECODATA');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ total: (await portal.list({ text: 'assecodata' })).total });
    for (const bad of [`/v1/certificates/count?query=${'x'.repeat(201)}`, '/v1/certificates?total=maybe']) {
      const res = await get(bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect((await res.json()).code).toBe('invalid-parameter');
    }
    expect((await fetch(`${tp.url}/v1/certificates/count`)).status).toBe(401);
  });

  it('shows a certificate by id and by serial number, and says not-found for an unknown id', async () => {
    const [first] = (await portal.list()).items;
    expect(await portal.get(first!.id)).toEqual(first);
    expect((await portal.get(first!.serialNumber)).id).toBe(first!.id);
    const e = await failure(portal.get('no-such-certificate'));
    expect(e.kind).toBe('portal');
    expect(e.code).toBe('not-found');
    expect(e.message).toContain('no-such-certificate');
    expect(e.exitCode).toBe(5);
  });

  it('downloads PEM, DER and the PEM chain, all accepted by openssl', async () => {
    const cert = reissuable((await portal.list()).items);
    const pem = await portal.download(cert.id, 'pem');
    const der = await portal.download(cert.id, 'der');
    const chain = await portal.download(cert.id, 'pem', true);
    const ca = await portal.caCertificate();
    const pemText = new TextDecoder().decode(pem);
    expect(pemText).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(der[0]).toBe(0x30);
    expect(new TextDecoder().decode(chain).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const pemFile = await fileWith(tp.dir, 'c.pem', pem);
    const derFile = await fileWith(tp.dir, 'c.der', der);
    const caFile = await fileWith(tp.dir, 'ca.pem', ca);
    const fromPem = await run('openssl', ['x509', '-in', pemFile, '-noout', '-serial']);
    const fromDer = await run('openssl', ['x509', '-inform', 'DER', '-in', derFile, '-noout', '-serial']);
    expect(fromDer.stdout).toBe(fromPem.stdout);
    expect(fromPem.stdout.trim().toLowerCase()).toBe(`serial=${cert.serialNumber}`);
    const verified = await run('openssl', ['verify', '-CAfile', caFile, pemFile]);
    expect(verified.stdout).toContain('OK');
  });

  it('checks a CSR (PEM and DER) and reports problems for bad input', async () => {
    const cert = reissuable((await portal.list()).items);
    const csr = await csrFor(cert);
    const ok = await portal.checkCsr(cert.id, csr);
    expect(ok.problems).toEqual([]);
    expect(ok.ok).toBe(true);
    const csrFile = await fileWith(tp.dir, 'r.csr', csr);
    const { stdout: derB64 } = await run('sh', ['-c', `openssl req -in '${csrFile}' -outform DER | base64 -w0`]);
    const okDer = await portal.checkCsr(cert.id, new Uint8Array(Buffer.from(derB64, 'base64')));
    expect(okDer.ok).toBe(true);
    const certPem = await portal.download(cert.id, 'pem');
    const bad = await portal.checkCsr(cert.id, certPem);
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => p.code)).toContain('is-certificate');
    const empty = await portal.checkCsr(cert.id, new Uint8Array());
    expect(empty.problems.map((p) => p.code)).toContain('empty');
  });

  it('reissues once, returns the first result on a retry with the same key, then shows the pending revocation', async () => {
    const before = await portal.list();
    const cert = reissuable(before.items);
    const csr = await csrFor(cert);
    const key = `test-${Date.now()}`;
    const result = await portal.reissue(cert.id, { keySource: 'csr', csr: csr }, key);
    expect(result.replaced.id).toBe(cert.id);
    expect(result.replaced.replacedBy).toBe(result.certificate.id);
    expect(result.replaced.state).toBe('pending-revocation');
    expect(result.certificate.replaces).toBe(cert.id);
    expect(result.certificate.notAfter).toBe(cert.notAfter);

    const again = await portal.reissue(cert.id, { keySource: 'csr', csr: csr }, key);
    expect(again.certificate.id).toBe(result.certificate.id);
    expect((await portal.list()).total).toBe(before.total + 1);

    const pending = await portal.pendingRevocations();
    const entry = pending.find((p) => p.id === cert.id);
    expect(entry?.daysLeft).toBe(14);
    expect(entry?.revocationDate).toBe(result.replaced.revocationDate);

    // The replaced copy cannot be reissued again; the conflict names the new copy.
    const e = await failure(portal.reissue(cert.id, { keySource: 'csr', csr: await csrFor(cert) }, `other-${key}`));
    expect(e.code).toBe('already-replaced');
    expect(e.details?.newestCopyId).toBe(result.certificate.id);
    expect(e.hint).toContain(result.certificate.id);
    expect(e.exitCode).toBe(5);
  });

  it('a card key travels with its evidence, which is recorded; a bare "card" is refused; csr-check applies the product rule', async () => {
    const cs = (await portal.list()).items.find((c) => c.productCategory === 'Code Signing' && !c.replacedBy && c.state === 'valid')!;
    const csr = await csrFor(cs);
    const asCsr = await portal.checkCsr(cs.id, csr);
    expect(asCsr.problems.map((p) => p.code)).toContain('key-source-not-allowed');
    // As a card key the check wants the card's evidence, as the reissue does.
    expect((await portal.checkCsr(cs.id, csr, 'card')).problems.map((p) => p.code)).toEqual(['card-evidence-missing']);
    expect((await portal.checkCsr(cs.id, csr, 'card', cardEvidenceFor(csr))).ok).toBe(true);

    // A client that sends only the word: refused, nothing issued.
    const bare = await fetch(`${tp.url}/v1/certificates/${cs.id}/reissue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tp.tokens.demo}`, 'content-type': 'application/json', 'idempotency-key': 'bare-card' },
      body: JSON.stringify({ csr: new TextDecoder().decode(csr), keySource: 'card' }),
    });
    expect(bare.status).toBeGreaterThanOrEqual(400);
    expect(((await bare.json()) as { code: string }).code).toBe('card-evidence-missing');
    expect((await portal.get(cs.id)).replacedBy).toBeNull();

    const card = cardEvidenceFor(csr, { serial: '0aa4edb09bec81db', token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so' });
    const { certificate } = await portal.reissue(cs.id, { keySource: 'card', csr, card }, 'card-evidence-1');
    expect(certificate).toMatchObject({ keySource: 'card', cardEvidence: card });
    expect(await portal.get(certificate.id)).toMatchObject({ keySource: 'card', cardEvidence: card });
  });

  it('refuses an invalid CSR on reissue as an input error with the problems', async () => {
    const cert = reissuable((await portal.list()).items);
    const e = await failure(portal.reissue(cert.id, { keySource: 'csr', csr: new TextEncoder().encode('not a csr at all') }, 'bad-csr-key'));
    expect(e.kind).toBe('input');
    expect(e.exitCode).toBe(3);
    expect(Array.isArray(e.details?.problems)).toBe(true);
  });

  it('revokes a certificate, and the CRL (DER, openssl) lists it', async () => {
    const cert = reissuable((await portal.list()).items);
    const revoked: Certificate = await portal.revoke(cert.id, 'keyCompromise');
    expect(revoked.state).toBe('revoked');
    expect(revoked.revocationReason).toBe('keyCompromise');
    const crl = await portal.crl();
    expect(crl[0]).toBe(0x30);
    const crlFile = await fileWith(tp.dir, 'portal.crl', crl);
    const caFile = await fileWith(tp.dir, 'ca2.pem', await portal.caCertificate());
    const { stdout } = await run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', caFile, '-noout', '-text']);
    expect(stdout.toLowerCase().replace(/[^0-9a-z\n]/g, '')).toContain(cert.serialNumber.replace(/^0+/, ''));
    const { stderr } = await run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', caFile, '-noout']);
    expect(stderr).toContain('verify OK');
  });

  it('serves the CA certificate as PEM', async () => {
    const ca = await portal.caCertificate();
    const file = await fileWith(tp.dir, 'ca3.pem', ca);
    const { stdout } = await run('openssl', ['x509', '-in', file, '-noout', '-subject']);
    expect(stdout).toContain('SANDBOX');
  });
});

describe('cloud reissue over HTTP', () => {
  it('{ keySource: "cloud", algorithm } issues the copy; the e-mails are listed; a mixed or incomplete body is a 400', async () => {
    const cloud = (await portal.list({ text: 'in the cloud' })).items.find((c) => !c.replacedBy)!;
    expect(cloud.keySources).toEqual(['cloud']);
    const missing = await fetch(`${tp.url}/v1/certificates/${cloud.id}/reissue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tp.tokens.demo}`, 'content-type': 'application/json', 'idempotency-key': 'cloud-missing' },
      body: JSON.stringify({ keySource: 'cloud' }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { code: string }).code).toBe('algorithm-missing');
    const noCsr = await failure(portal.reissue(cloud.id, { keySource: 'csr', csr: new TextEncoder().encode('x') }, 'cloud-csr'));
    expect(noCsr.code).toBe('key-source-not-allowed');

    const { certificate, replaced } = await portal.reissue(cloud.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'cloud-http-1');
    expect(certificate.notAfter).toBe(cloud.notAfter);
    expect(certificate).toMatchObject({ keySource: 'cloud', cloudKey: { store: 'sandbox' }, downloadedAt: null });
    expect(replaced.replacedBy).toBe(certificate.id);
    const again = await portal.reissue(cloud.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'cloud-http-1');
    expect(again.certificate.id).toBe(certificate.id);
    expect((await failure(portal.reissue(cloud.id, { keySource: 'cloud', algorithm: 'rsa-3072' }, 'cloud-http-1'))).code).toBe('idempotency-conflict');
    const emails = await portal.emails(certificate.id);
    expect(emails).toEqual([expect.objectContaining({ kind: 'certificate-issued', to: 'paula.chlebicka@assecodata.pl', subject: expect.stringContaining(certificate.serialNumber) })]);
  });
});
