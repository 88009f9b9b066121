// The Certum double's reissue and revocation rules, driven through SOAP with CSRs made by openssl:
// the new copy keeps the old notAfter and the CSR's key, the old copy goes REVOKING and is revoked
// 14 days later, only the newest copy can be reissued, a CSR that does not fit the order or the
// product is refused with Certum's errorCode; revocation by hex serial and reason.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openssl, opensslCsr, opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor, errorCodes, list, type Answer, type Call } from './soap-client.js';
import { validateSoapMessages } from './validate-request.js';

/** The manual's rule, written here on its own so the test does not borrow the double's constant. */
const FOURTEEN_DAYS_MS = 14 * 24 * 60 * 60 * 1000;

let certum: CertumDouble;
let call: Call;
let dir: string;
let n = 0;

type Details = { serialNumber: string; certificateStatus: string; startDate: string; endDate: string; revokedDate?: string; X509Cert: string };
const details = (a: Answer) => a.certificateDetails as Details;
type OrderAnswer = { attributes: { reissue: string }; orderStatus: { orderStatus: string; serialNumber?: string } };
const orderOf = (a: Answer) => list((a.orders as { Order: OrderAnswer | OrderAnswer[] }).Order);

/** A fresh key and CSR from openssl. */
function csr(opts: { cn: string; sans?: string[]; key?: Parameters<typeof opensslCsr>[2]['key']; subj?: string }): { pem: string; csrPath: string } {
  n += 1;
  if (opts.subj) {
    const csrPath = join(dir, `c${n}.csr`);
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `c${n}.key`), '-out', csrPath, '-subj', opts.subj, '-utf8']);
    return { pem: readFileSync(csrPath, 'utf8'), csrPath };
  }
  const { csrPath } = opensslCsr(dir, `c${n}`, { key: opts.key ?? 'ec-p256', cn: opts.cn, sans: opts.sans ?? [] });
  return { pem: readFileSync(csrPath, 'utf8'), csrPath };
}

/** The serial of the newest valid copy for a common name (the double's own records). */
function newestOf(commonName: string): string {
  return [...certum.state.certificates.values()].find((c) => c.commonName === commonName && c.status === 'VALID' && !c.replacedBy)!.serialNumber;
}

/** Polls getOrderState until the order's plan ends; the statuses seen. */
async function pollToEnd(orderID: string): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const status = String((await call('getOrderState', { orderID })).orderStatus);
    seen.push(status);
    if (status === 'ENROLLED' || status === 'REJECTED') break;
  }
  return seen;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certum-reissue-'));
  certum = await startCertumDouble();
  call = await clientFor(certum);
  writeFileSync(join(dir, 'ca.pem'), certum.caPem);
});

afterAll(async () => {
  await certum?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('reissueCertificate', () => {
  let newOrderID: string;
  let newSerial: string;
  /** The newest copy of the manual's certificate (each successful reissue below moves it on). */
  let newest: string;
  const manual = () => certum.orders.manual;

  test("the manual's certificate with a new RSA key: new order, AWAITING → VERIFICATION → ENROLLED, same notAfter, the CSR's key, old copy revoked 14 days later", async () => {
    const old = details(await call('getCertificate', { orderID: manual().orderID }));
    const request = csr({ cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'], key: 'rsa-2048' });
    const a = await call('reissueCertificate', { serialNumber: manual().serialNumber, hashAlgorithm: 'RSA-SHA256', CSR: request.pem });
    expect(a.responseHeader.successCode).toBe(0);
    newOrderID = String(a.orderID);
    expect(newOrderID).not.toBe(manual().orderID);

    expect(await pollToEnd(newOrderID)).toEqual(['AWAITING', 'VERIFICATION', 'ENROLLED']);
    const [order] = orderOf(await call('getOrderByOrderID', { orderID: newOrderID, orderOption: { orderStatus: true } }));
    expect(order!.attributes.reissue).toBe('true');
    const fresh = details(await call('getCertificate', { orderID: newOrderID }));
    newSerial = fresh.serialNumber;
    newest = newSerial;
    expect(order!.orderStatus.serialNumber).toBe(newSerial);
    expect(fresh.certificateStatus).toBe('VALID');
    expect(new Date(fresh.endDate).getTime()).toBe(new Date(old.endDate).getTime());

    // openssl judges the new copy: chained to the CA, the CSR's key, the order's names, same notAfter.
    const pemPath = join(dir, 'reissued.pem');
    writeFileSync(pemPath, fresh.X509Cert);
    writeFileSync(join(dir, 'old.pem'), old.X509Cert);
    expect(opensslStatus(['verify', '-CAfile', join(dir, 'ca.pem'), pemPath]).output).toContain(': OK');
    expect(publicKeyHex(pemPath, 'x509')).toBe(publicKeyHex(request.csrPath, 'req'));
    expect(openssl(['x509', '-in', pemPath, '-noout', '-enddate'])).toBe(openssl(['x509', '-in', join(dir, 'old.pem'), '-noout', '-enddate']));
    expect(openssl(['x509', '-in', pemPath, '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:assecodata\.pl, DNS:www\.assecodata\.pl/);
    expect(openssl(['x509', '-in', pemPath, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'])).toContain('O=Asseco Data Systems S.A.');

    const replaced = details(await call('getCertificate', { serialNumber: manual().serialNumber }));
    expect(replaced.certificateStatus).toBe('REVOKING');
    expect(new Date(replaced.revokedDate!).getTime()).toBe(new Date(fresh.startDate).getTime() + FOURTEEN_DAYS_MS);
  });

  test('the replaced copy cannot be reissued again (2126, naming the newest copy), nor revoked while its revocation is pending (1143); the new copy can', async () => {
    const again = await call('reissueCertificate', { serialNumber: manual().serialNumber, CSR: csr({ cn: 'assecodata.pl' }).pem });
    expect(errorCodes(again)).toEqual([2126]);
    expect(JSON.stringify(again.responseHeader.errors)).toContain(newSerial);
    expect(errorCodes(await call('revokeCertificate', { revokeCertificateParameters: { serialNumber: manual().serialNumber, revocationReason: 'UNSPECIFIED' } }))).toEqual([1143]);
    // The same key again is refused (1032): a reissue needs a new key pair.
    const reused = readFileSync(join(dir, `c1.csr`), 'utf8');
    expect(errorCodes(await call('reissueCertificate', { serialNumber: newSerial, CSR: reused }))).toEqual([1032]);
  });

  test('a minute before the date still REVOKING, a minute after REVOKED (the double\'s clock); the new copy still VALID', async () => {
    const due = new Date(details(await call('getCertificate', { serialNumber: manual().serialNumber })).revokedDate!).getTime();
    const start = certum.now().getTime();
    certum.advanceClock(due - start - 60_000);
    try {
      expect(details(await call('getCertificate', { serialNumber: manual().serialNumber })).certificateStatus).toBe('REVOKING');
      certum.advanceClock(120_000);
      const d = details(await call('getCertificate', { serialNumber: manual().serialNumber }));
      expect(d.certificateStatus).toBe('REVOKED');
      expect(new Date(d.revokedDate!).getTime()).toBe(due);
      expect(details(await call('getCertificate', { serialNumber: newSerial })).certificateStatus).toBe('VALID');
    } finally {
      certum.advanceClock(start - certum.now().getTime());
    }
  });

  test('by the certificate itself (X509Cert) instead of its serial, with an ECC key on a product that allows both', async () => {
    const pem = details(await call('getCertificate', { serialNumber: newSerial })).X509Cert;
    const a = await call('reissueCertificate', { X509Cert: pem, hashAlgorithm: 'ECC-SHA256', CSR: csr({ cn: 'assecodata.pl', sans: ['www.assecodata.pl'] }).pem });
    expect(a.responseHeader.successCode).toBe(0);
    expect(await pollToEnd(String(a.orderID))).toEqual(['AWAITING', 'VERIFICATION', 'ENROLLED']);
    expect(details(await call('getCertificate', { serialNumber: newSerial })).certificateStatus).toBe('REVOKING');
    newest = details(await call('getCertificate', { orderID: String(a.orderID) })).serialNumber;
  });

  test('a reissue whose order is REJECTED (plan set per order): no new copy, the old one stays VALID and can be reissued again', async () => {
    const target = certum.orders.eccOnly;
    certum.setBehaviour({ planFor: { [target.orderID]: ['AWAITING', 'VERIFICATION', 'REJECTED'] } });
    const first = await call('reissueCertificate', { serialNumber: target.serialNumber, CSR: csr({ cn: target.commonName }).pem });
    expect(first.responseHeader.successCode).toBe(0);
    expect(await pollToEnd(String(first.orderID))).toEqual(['AWAITING', 'VERIFICATION', 'REJECTED']);
    expect(errorCodes(await call('getCertificate', { orderID: String(first.orderID) }))).toEqual([1159]);
    expect(details(await call('getCertificate', { serialNumber: target.serialNumber })).certificateStatus).toBe('VALID');
    certum.setBehaviour({ planFor: {}, reissuePlan: ['ENROLLED'] });
    const second = await call('reissueCertificate', { serialNumber: target.serialNumber, CSR: csr({ cn: target.commonName }).pem });
    expect(second.responseHeader.successCode).toBe(0);
    expect(await pollToEnd(String(second.orderID))).toEqual(['ENROLLED']);
    certum.setBehaviour({ reissuePlan: ['AWAITING', 'VERIFICATION', 'ENROLLED'] });
  });

  test('statuses advancing with time: no polling needed, the order is ENROLLED once its steps have elapsed', async () => {
    certum.setBehaviour({ reissueAdvance: { mode: 'time', everyMs: 60_000 } });
    try {
      const target = certum.orders.newCopy;
      const a = await call('reissueCertificate', { serialNumber: target.serialNumber, CSR: csr({ cn: target.commonName }).pem });
      const id = String(a.orderID);
      const status = async () => orderOf(await call('getOrderByOrderID', { orderID: id }))[0]!.orderStatus.orderStatus;
      expect(await status()).toBe('AWAITING');
      certum.advanceClock(60_000);
      expect(await status()).toBe('VERIFICATION');
      certum.advanceClock(60_000);
      expect(await status()).toBe('ENROLLED');
      expect(details(await call('getCertificate', { orderID: id })).certificateStatus).toBe('VALID');
      expect(details(await call('getCertificate', { serialNumber: target.serialNumber })).certificateStatus).toBe('REVOKING');
    } finally {
      certum.setBehaviour({ reissueAdvance: { mode: 'poll' } });
    }
  });

  describe('refusals, each with its Certum errorCode', () => {
    const cases: [string, () => Record<string, unknown>, number][] = [
      ['CN of another domain (1168)', () => ({ serialNumber: newest, CSR: csr({ cn: 'evil.example' }).pem }), 1168],
      ['no CN in the CSR (1015)', () => ({ serialNumber: newest, CSR: csr({ cn: '', subj: '/O=Asseco Data Systems S.A.' }).pem }), 1015],
      ['a SAN the order does not have (2094)', () => ({ serialNumber: newest, CSR: csr({ cn: 'assecodata.pl', sans: ['assecodata.pl', 'shop.example'] }).pem }), 2094],
      ['another organization in the subject (2094)', () => ({ serialNumber: newest, CSR: csr({ cn: '', subj: '/CN=assecodata.pl/O=Someone Else Sp. z o.o.' }).pem }), 2094],
      ['an RSA key shorter than 2048 bits (1000)', () => ({ serialNumber: newest, CSR: csr({ cn: 'assecodata.pl', key: 'rsa-1024' }).pem }), 1000],
      ['an RSA key on an ECC-only product (1001)', () => ({ serialNumber: newestOf(certum.orders.eccOnly.commonName), CSR: csr({ cn: certum.orders.eccOnly.commonName, key: 'rsa-2048' }).pem }), 1001],
      ['a hash algorithm the product lacks (2124)', () => ({ serialNumber: newest, hashAlgorithm: 'RSA-SHA1', CSR: csr({ cn: 'assecodata.pl', key: 'rsa-2048' }).pem }), 2124],
      ['an RSA hash algorithm with an EC key (1001)', () => ({ serialNumber: newest, hashAlgorithm: 'RSA-SHA256', CSR: csr({ cn: 'assecodata.pl' }).pem }), 1001],
      ['text that is not a CSR (2097)', () => ({ serialNumber: newest, CSR: '-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NS\n-----END CERTIFICATE REQUEST-----' }), 2097],
      ['no CSR at all (2097)', () => ({ serialNumber: newest }), 2097],
      ['a CSR whose signature is broken (2125)', () => ({ serialNumber: newest, CSR: brokenSignature(csr({ cn: 'assecodata.pl' }).csrPath) }), 2125],
      ['a serial that is not hex (2096)', () => ({ serialNumber: 'XYZ-123', CSR: csr({ cn: 'assecodata.pl' }).pem }), 2096],
      ['both serial and certificate (1164)', () => ({ serialNumber: newest, X509Cert: certum.caPem, CSR: csr({ cn: 'assecodata.pl' }).pem }), 1164],
      ['neither serial nor certificate (1160)', () => ({ CSR: csr({ cn: 'assecodata.pl' }).pem }), 1160],
      ['a certificate that is not PEM (1165)', () => ({ X509Cert: 'garbage', CSR: csr({ cn: 'assecodata.pl' }).pem }), 1165],
      ['an unknown serial (1159)', () => ({ serialNumber: 'abcdef0123', CSR: csr({ cn: 'assecodata.pl' }).pem }), 1159],
      ["another partner's certificate (1170)", () => ({ serialNumber: certum.orders.otherPartner.serialNumber, CSR: csr({ cn: 'other-partner.example' }).pem }), 1170],
      ['a revoked certificate (2094)', () => ({ serialNumber: certum.orders.revoked.serialNumber, CSR: csr({ cn: certum.orders.revoked.commonName }).pem }), 2094],
      ['an expired certificate (2094)', () => ({ serialNumber: certum.orders.expired.serialNumber, CSR: csr({ cn: certum.orders.expired.commonName }).pem }), 2094],
      ['a SimplySign product (2122)', () => ({ serialNumber: certum.orders.simplySign.serialNumber, CSR: csr({ cn: 'Asseco Data Systems S.A.', key: 'rsa-2048' }).pem }), 2122],
      ['the seeded copy already replaced 5 days ago (2126)', () => ({ serialNumber: certum.orders.reissued.serialNumber, CSR: csr({ cn: certum.orders.reissued.commonName }).pem }), 2126],
    ];
    test.each(cases)('%s', async (_name, args, code) => {
      expect(newest).toBeTruthy();
      const ordersBefore = certum.state.orders.size;
      const a = await call('reissueCertificate', args());
      expect(a.responseHeader.successCode).toBe(1);
      expect(errorCodes(a)).toEqual([code]);
      expect(a.orderID).toBeUndefined();
      expect(certum.state.orders.size).toBe(ordersBefore);
    });
  });
});

/** The CSR with one bit of its signature flipped (still parses, no longer verifies). */
function brokenSignature(csrPath: string): string {
  const raw = Buffer.from(readFileSync(csrPath, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  raw[raw.length - 3] = raw[raw.length - 3]! ^ 0x01;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}

describe('revokeCertificate', () => {
  test('by hex serial (upper case) and reason: REVOKED now, with the date; then 1145', async () => {
    const target = certum.orders.inProgress;
    expect(await pollToEnd(target.orderID)).toEqual(['AWAITING', 'VERIFICATION', 'ENROLLED']);
    const serial = details(await call('getCertificate', { orderID: target.orderID })).serialNumber;
    const before = certum.now().getTime();
    const a = await call('revokeCertificate', { revokeCertificateParameters: { note: 'key left on an old server', revocationReason: 'KEYCOMPROMISE', keyCompromitationDate: new Date().toISOString().slice(0, 10), serialNumber: serial.toUpperCase() } });
    expect(a.responseHeader.successCode).toBe(0);
    const d = details(await call('getCertificate', { serialNumber: serial }));
    expect(d.certificateStatus).toBe('REVOKED');
    expect(new Date(d.revokedDate!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(certum.state.certificate(serial)!.revocationReason).toBe('KEYCOMPROMISE');
    expect(errorCodes(await call('revokeCertificate', { revokeCertificateParameters: { serialNumber: serial, revocationReason: 'UNSPECIFIED' } }))).toEqual([1145]);
  });

  test('refusals: not hex (1146), too long (1134), unknown (1133), foreign (1170), expired (1144), compromise date without that reason (2104), long note (1142)', async () => {
    const p = (x: Record<string, unknown>) => call('revokeCertificate', { revokeCertificateParameters: { revocationReason: 'UNSPECIFIED', ...x } });
    expect(errorCodes(await p({ serialNumber: '12-34' }))).toEqual([1146]);
    expect(errorCodes(await p({ serialNumber: 'a'.repeat(65) }))).toEqual([1134]);
    expect(errorCodes(await p({ serialNumber: 'abcdef0123' }))).toEqual([1133]);
    expect(errorCodes(await p({ serialNumber: certum.orders.otherPartner.serialNumber }))).toEqual([1170]);
    expect(errorCodes(await p({ serialNumber: certum.orders.expired.serialNumber }))).toEqual([1144]);
    expect(errorCodes(await p({ serialNumber: certum.orders.manual.serialNumber, keyCompromitationDate: '2026-01-01' }))).toEqual([2104]);
    expect(errorCodes(await p({ serialNumber: certum.orders.manual.serialNumber, note: 'x'.repeat(201) }))).toEqual([1142]);
  });
});

describe('the schema', () => {
  test('every request sent in this file validates with xmllint', () => {
    expect(certum.requests.filter((r) => r.operation === 'reissueCertificate').length).toBeGreaterThan(20);
    const verdicts = validateSoapMessages(certum.requests.map((r) => r.xml));
    verdicts.forEach((v, i) => {
      expect(v.valid, `${v.operation}: ${v.errors}`).toBe(true);
      expect(v.operation).toBe(certum.requests[i]!.operation);
    });
    // And the answers: what a client validates before use must be valid to begin with.
    for (const v of validateSoapMessages(certum.replies.filter((x) => !x.includes(':Fault>')))) expect(v.valid, `${v.operation}: ${v.errors}`).toBe(true);
  });
});

