// The Certum double's reads and its unhappy paths, driven by a soap client made from the WSDL the
// double serves: credentials, products, orders (one, by date range, modified, paged), expiring
// certificates, certificate download (checked with openssl against the test CA), order state,
// SOAP fault mode and slow mode. Every request and answer is also checked against the schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { opensslStatus, openssl } from '../../helpers/openssl.js';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor, errorCodes, list, type Answer, type Call } from './soap-client.js';
import { validateSoapMessages } from './validate-request.js';
import { DAY_MS } from './state.js';

let certum: CertumDouble;
let call: Call;
let dir: string;

const ALL = { certificateDetails: true, orderDetails: true, orderStatus: true };
type OrderAnswer = { attributes?: { reissue?: string }; orderStatus?: Record<string, unknown>; certificateDetails?: Record<string, unknown>; orderDetails?: Record<string, unknown> };
const ordersOf = (a: Answer) => list((a.orders as { Order?: OrderAnswer | OrderAnswer[] } | undefined)?.Order);
const day = (n: number) => new Date(certum.now().getTime() + n * DAY_MS).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certum-double-'));
  certum = await startCertumDouble();
  call = await clientFor(certum);
});

afterAll(async () => {
  await certum?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('credentials in requestHeader/authToken', () => {
  test('a wrong password, an unknown user or no password: successCode 2 on every operation, nothing else answered', async () => {
    const wrong = [
      { userName: 'partner1', password: 'not-the-password' },
      { userName: 'nobody', password: certum.users[0]!.password },
      { userName: 'partner1', password: '' },
    ];
    const ops: [string, Record<string, unknown>][] = [
      ['getOrderByOrderID', { orderID: certum.orders.manual.orderID }],
      ['getOrdersByDateRange', { fromDate: day(-400), toDate: day(0) }],
      ['getModifiedOrders', { fromDate: day(-400), toDate: day(0) }],
      ['getExpiringCertificates', { validityDaysLeft: 400 }],
      ['getCertificate', { orderID: certum.orders.manual.orderID }],
      ['getOrderState', { orderID: certum.orders.inProgress.orderID }],
      ['reissueCertificate', { serialNumber: certum.orders.manual.serialNumber, CSR: 'x' }],
      ['revokeCertificate', { revokeCertificateParameters: { serialNumber: certum.orders.manual.serialNumber } }],
      ['getProductList', {}],
    ];
    for (const user of wrong) {
      for (const [op, args] of ops) {
        const a = await call(op, args, { user });
        expect(a.responseHeader.successCode, `${op} as ${user.userName}`).toBe(2);
        expect(Object.keys(a).filter((k) => k !== 'responseHeader'), op).toEqual([]);
      }
    }
    // Nothing moved: the in-progress order is still at its first status, the certificate valid.
    expect(certum.state.status(certum.state.orders.get(certum.orders.inProgress.orderID)!)).toBe('AWAITING');
    expect(certum.state.certificate(certum.orders.manual.serialNumber!)!.status).toBe('VALID');
  });

  test("the right password, with characters XML escapes (& < > \" '), is accepted", async () => {
    expect(certum.users[0]!.password).toMatch(/[&<>"']/);
    const a = await call('getProductList');
    expect(a.responseHeader.successCode).toBe(0);
    expect(certum.requests.at(-1)!.xml).toContain('S3cret&amp;&lt;partner1&gt;');
  });
});

describe('getProductList', () => {
  test('lists the products; their hash/key algorithms only when hashAlgorithm is true', async () => {
    const plain = await call('getProductList');
    const products = list((plain.products as { product: Record<string, unknown>[] }).product);
    expect(products.map((p) => Number(p.code))).toEqual([931, 932, 933]);
    expect(products[0]).toMatchObject({ type: 'Trusted MultiDomain SSL 4 domains 365 days', validityPeriod: 365 });
    expect(products.every((p) => p.supportedHashAlgorithms === undefined)).toBe(true);
    const withAlgorithms = list(((await call('getProductList', { hashAlgorithm: true })).products as { product: { code: number; supportedHashAlgorithms: { hashAlgorithm: string | string[] } }[] }).product);
    expect(withAlgorithms.map((p) => [Number(p.code), list(p.supportedHashAlgorithms.hashAlgorithm)])).toEqual([
      [931, ['RSA-SHA256', 'ECC-SHA256']],
      [932, ['ECC-SHA256']],
      [933, ['RSA-SHA256']],
    ]);
  });
});

describe('getOrderByOrderID', () => {
  test("the reference manual's order with everything: status, details, certificate signed by the test CA", async () => {
    const a = await call('getOrderByOrderID', { orderID: 'ORDER/0000123456/po', orderOption: ALL });
    expect(a.responseHeader.successCode).toBe(0);
    const [order] = ordersOf(a);
    expect(order!.attributes?.reissue).toBe('false');
    expect(order!.orderStatus).toMatchObject({ orderID: 'ORDER/0000123456/po', orderStatus: 'ENROLLED', productCode: '931', customer: 'demo', serialNumber: '6a5d7ffef2f6c2ac3b0b4a43c2cb773' });
    expect(order!.orderDetails).toMatchObject({ organizationInfo: { organizationName: 'Asseco Data Systems S.A.', taxIdentificationNumber: 'KRS 0000421310' }, requestorInfo: { firstName: 'Jan', lastName: 'Kowalski' } });
    const details = order!.certificateDetails!;
    expect(details).toMatchObject({ certificateStatus: 'VALID', commonName: 'assecodata.pl', DNSNames: 'assecodata.pl,www.assecodata.pl', serialNumber: '6a5d7ffef2f6c2ac3b0b4a43c2cb773' });
    expect(String(details.subjectName)).toContain('O=Asseco Data Systems S.A.');
    // openssl, not the double, judges the certificate: chain, serial, names.
    writeFileSync(join(dir, 'ca.pem'), certum.caPem);
    writeFileSync(join(dir, 'manual.pem'), String(details.X509Cert));
    expect(opensslStatus(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'manual.pem')]).output).toContain(': OK');
    expect(openssl(['x509', '-in', join(dir, 'manual.pem'), '-noout', '-serial']).trim()).toBe('serial=06A5D7FFEF2F6C2AC3B0B4A43C2CB773');
    expect(openssl(['x509', '-in', join(dir, 'manual.pem'), '-noout', '-ext', 'subjectAltName'])).toMatch(/DNS:assecodata\.pl, DNS:www\.assecodata\.pl/);
    expect(new Date(String(details.endDate)).getTime()).toBe(new Date(openssl(['x509', '-in', join(dir, 'manual.pem'), '-noout', '-enddate']).trim().slice('notAfter='.length)).getTime());
  });

  test('without orderOption: the status only', async () => {
    const [order] = ordersOf(await call('getOrderByOrderID', { orderID: certum.orders.manual.orderID }));
    expect(Object.keys(order!).sort()).toEqual(['attributes', 'orderStatus']);
  });

  test('an unknown order and another partner\'s order: errorCode 1033, the same answer for both', async () => {
    const unknown = await call('getOrderByOrderID', { orderID: 'ORDER/0000000000/xx', orderOption: ALL });
    expect(unknown.responseHeader.successCode).toBe(1);
    expect(errorCodes(unknown)).toEqual([1033]);
    expect(unknown.orders).toBeUndefined();
    const foreign = await call('getOrderByOrderID', { orderID: certum.orders.otherPartner.orderID, orderOption: ALL });
    expect(errorCodes(foreign)).toEqual([1033]);
    const own = await call('getOrderByOrderID', { orderID: certum.orders.otherPartner.orderID }, { user: certum.users[1]! });
    expect(ordersOf(own)[0]!.orderStatus!.orderID).toBe(certum.orders.otherPartner.orderID);
  });
});

describe('getOrdersByDateRange and getModifiedOrders', () => {
  test('paged: every own order once, in order date order, pagesCount and returnCount right', async () => {
    certum.setBehaviour({ pageSize: 4 });
    const seen: string[] = [];
    const first = await call('getOrdersByDateRange', { fromDate: day(-500), toDate: day(1), orderOption: { orderStatus: true } });
    const pages = Number(first.responseHeader.pagesCount);
    const ownOrders = [...certum.state.orders.values()].filter((o) => o.owner === 'partner1');
    expect(pages).toBe(Math.ceil(ownOrders.length / 4));
    for (let page = 1; page <= pages; page++) {
      const a = page === 1 ? first : await call('getOrdersByDateRange', { fromDate: day(-500), toDate: day(1), orderOption: { orderStatus: true }, pageNumber: page });
      expect(Number(a.responseHeader.currentPage)).toBe(page);
      const orders = ordersOf(a);
      expect(Number(a.responseHeader.returnCount)).toBe(orders.length);
      seen.push(...orders.map((o) => String(o.orderStatus!.orderID)));
    }
    expect(seen.sort()).toEqual(ownOrders.map((o) => o.orderID).sort());
    expect(seen).not.toContain(certum.orders.otherPartner.orderID);
    const beyond = await call('getOrdersByDateRange', { fromDate: day(-500), toDate: day(1), pageNumber: pages + 1 });
    expect(errorCodes(beyond)).toEqual([1155]);
    const zero = await call('getOrdersByDateRange', { fromDate: day(-500), toDate: day(1), pageNumber: 0 });
    expect(errorCodes(zero)).toEqual([1153]);
    certum.setBehaviour({ pageSize: 5 });
  });

  test('only orders dated inside the range; toDate before fromDate refused (2057)', async () => {
    const recent = ordersOf(await call('getOrdersByDateRange', { fromDate: day(-3), toDate: day(0), orderOption: { orderStatus: true } }));
    expect(recent.map((o) => o.orderStatus!.orderID).sort()).toEqual([certum.orders.inProgress.orderID, certum.orders.rejected.orderID].sort());
    const empty = await call('getOrdersByDateRange', { fromDate: day(-1000), toDate: day(-900) });
    expect(empty.responseHeader).toMatchObject({ successCode: 0, returnCount: 0 });
    expect(empty.orders).toBeUndefined();
    expect(errorCodes(await call('getOrdersByDateRange', { fromDate: day(0), toDate: day(-1) }))).toEqual([2057]);
  });

  test('getModifiedOrders: an order whose certificate was just revoked shows up as modified now', async () => {
    const since = day(-0.01);
    const before = ordersOf(await call('getModifiedOrders', { fromDate: since, toDate: day(1) }));
    expect(before.map((o) => o.orderStatus!.orderID)).not.toContain(certum.orders.eccOnly.orderID);
    const revoked = await call('revokeCertificate', { revokeCertificateParameters: { serialNumber: certum.orders.eccOnly.serialNumber, revocationReason: 'CESSATIONOFOPERATION' } });
    expect(revoked.responseHeader.successCode).toBe(0);
    const after = ordersOf(await call('getModifiedOrders', { fromDate: since, toDate: day(1), orderOption: ALL }));
    const ecc = after.find((o) => o.orderStatus!.orderID === certum.orders.eccOnly.orderID);
    expect(ecc?.certificateDetails).toMatchObject({ certificateStatus: 'REVOKED' });
  });
});

describe('getExpiringCertificates', () => {
  test('valid newest copies ending within validityDaysLeft; a negative count refused (2052)', async () => {
    type Expiring = { orderID: string; serialNumber: string; validityDaysLeft: number };
    const soon = list((await call('getExpiringCertificates', { validityDaysLeft: 200 })).expiringCertificates as Expiring | Expiring[] | undefined);
    // The reissued pair: the new copy (same expiry, 166 days) is listed; the old copy (REVOKING) is not.
    expect(soon.map((e) => e.serialNumber)).toEqual([certum.orders.newCopy.serialNumber]);
    expect(Number(soon[0]!.validityDaysLeft)).toBe(165);
    const year = list((await call('getExpiringCertificates', { validityDaysLeft: 400 })).expiringCertificates as Expiring | Expiring[] | undefined);
    expect(year.map((e) => e.orderID)).toContain(certum.orders.manual.orderID);
    expect(year.map((e) => e.orderID)).not.toContain(certum.orders.expired.orderID);
    expect(year.map((e) => e.orderID)).not.toContain(certum.orders.otherPartner.orderID);
    expect(errorCodes(await call('getExpiringCertificates', { validityDaysLeft: -1 }))).toEqual([2052]);
  });
});

describe('getCertificate', () => {
  test('by order ID or by serial (any case, leading zeros): the certificate and the CA bundle', async () => {
    const byOrder = await call('getCertificate', { orderID: certum.orders.manual.orderID });
    const bySerial = await call('getCertificate', { serialNumber: '06A5D7FFEF2F6C2AC3B0B4A43C2CB773' });
    for (const a of [byOrder, bySerial]) {
      expect(a.certificateDetails).toMatchObject({ serialNumber: certum.orders.manual.serialNumber, certificateStatus: 'VALID' });
      expect(list((a.caBundle as { X509Cert: string | string[] }).X509Cert)).toEqual([certum.caPem]);
    }
  });

  test('refusals: both or neither given (1163, 1162), not hex (2096), unknown, foreign or not yet issued (1159), unknown order (1033)', async () => {
    expect(errorCodes(await call('getCertificate', { orderID: certum.orders.manual.orderID, serialNumber: certum.orders.manual.serialNumber }))).toEqual([1163]);
    expect(errorCodes(await call('getCertificate', {}))).toEqual([1162]);
    expect(errorCodes(await call('getCertificate', { serialNumber: 'not-hex' }))).toEqual([2096]);
    expect(errorCodes(await call('getCertificate', { serialNumber: 'abcdef' }))).toEqual([1159]);
    expect(errorCodes(await call('getCertificate', { serialNumber: certum.orders.otherPartner.serialNumber }))).toEqual([1159]);
    expect(errorCodes(await call('getCertificate', { orderID: certum.orders.rejected.orderID }))).toEqual([1159]);
    expect(errorCodes(await call('getCertificate', { orderID: 'ORDER/none' }))).toEqual([1033]);
  });
});

describe('getOrderState', () => {
  test('a new order walks AWAITING → VERIFICATION → ENROLLED, one step per poll; then its certificate is there', async () => {
    const id = certum.orders.inProgress.orderID;
    expect(errorCodes(await call('getCertificate', { orderID: id }))).toEqual([1159]);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = await call('getOrderState', { orderID: id });
      seen.push(String(a.orderStatus));
      expect(a.lastUpdateDate).toBeDefined();
      expect(list((a.verifications as { verification: { type: string }[] }).verification).map((v) => v.type)).toEqual(['DOMAIN', 'ORGANIZATION']);
    }
    expect(seen).toEqual(['AWAITING', 'VERIFICATION', 'ENROLLED', 'ENROLLED']);
    const cert = await call('getCertificate', { orderID: id });
    expect(cert.certificateDetails).toMatchObject({ commonName: 'api.assecodata.pl', certificateStatus: 'VALID' });
    writeFileSync(join(dir, 'api.pem'), String((cert.certificateDetails as { X509Cert: string }).X509Cert));
    expect(opensslStatus(['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'api.pem')]).output).toContain(': OK');
  });

  test('an order that ends REJECTED: AWAITING → VERIFICATION → REJECTED, organization verification FAILED, no certificate', async () => {
    const id = certum.orders.rejected.orderID;
    const seen: string[] = [];
    let last: Answer | undefined;
    for (let i = 0; i < 3; i++) {
      last = await call('getOrderState', { orderID: id });
      seen.push(String(last.orderStatus));
    }
    expect(seen).toEqual(['AWAITING', 'VERIFICATION', 'REJECTED']);
    const states = list((last!.verifications as { verification: { type: string; state: string }[] }).verification);
    expect(states.find((v) => v.type === 'ORGANIZATION')?.state).toBe('FAILED');
    expect(errorCodes(await call('getCertificate', { orderID: id }))).toEqual([1159]);
  });

  test('an unknown order: 1033', async () => {
    const a = await call('getOrderState', { orderID: 'ORDER/none' });
    expect(errorCodes(a)).toEqual([1033]);
    expect(a.orderStatus).toBeUndefined();
  });
});

describe('fault and slow modes', () => {
  test('fault mode: a SOAP fault with HTTP 500 for the chosen operations only; off again afterwards', async () => {
    certum.setBehaviour({ fault: { operations: ['getOrderState'], faultstring: 'Service temporarily unavailable' } });
    const err = await call('getOrderState', { orderID: certum.orders.manual.orderID }).then(
      () => null,
      (e: unknown) => e as { response?: { status?: number }; root?: { Envelope?: { Body?: { Fault?: { faultstring?: string; faultcode?: string } } } } },
    );
    expect(err).not.toBeNull();
    expect(err!.response?.status).toBe(500);
    expect(err!.root?.Envelope?.Body?.Fault).toMatchObject({ faultcode: 'soap:Server', faultstring: 'Service temporarily unavailable' });
    const fault = certum.replies.at(-1)!;
    expect(fault).toMatch(/<soap:Fault><faultcode>soap:Server<\/faultcode><faultstring>Service temporarily unavailable<\/faultstring><\/soap:Fault>/);
    expect((await call('getProductList')).responseHeader.successCode).toBe(0);
    certum.setBehaviour({ fault: null });
    expect((await call('getOrderState', { orderID: certum.orders.manual.orderID })).responseHeader.successCode).toBe(0);
  });

  test('slow mode: a client whose timeout is shorter than the delay gives up; one that waits gets the answer', async () => {
    certum.setBehaviour({ delayMs: 1500 });
    try {
      const err = await call('getProductList', {}, { timeout: 200 }).then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string },
      );
      expect(err).not.toBeNull();
      expect(`${err!.code} ${err!.message}`).toMatch(/ECONNABORTED|timeout/i);
      expect((await call('getProductList', {}, { timeout: 10_000 })).responseHeader.successCode).toBe(0);
    } finally {
      certum.setBehaviour({ delayMs: 0 });
    }
  });
});

describe('the schema, on everything exchanged in this file', () => {
  test('every request the soap client sent and every answer the double gave validates with xmllint', () => {
    expect(certum.requests.length).toBeGreaterThan(50);
    const requests = validateSoapMessages(certum.requests.map((r) => r.xml));
    requests.forEach((v, i) => {
      expect(v.valid, `${v.operation}: ${v.errors}`).toBe(true);
      expect(v.operation).toBe(certum.requests[i]!.operation);
      expect(v.operation).not.toMatch(/Response$/);
    });
    const answers = validateSoapMessages(certum.replies.filter((x) => !x.includes(':Fault>')));
    expect(answers.length).toBeGreaterThan(50);
    for (const v of answers) {
      expect(v.valid, `${v.operation}: ${v.errors}`).toBe(true);
      expect(v.operation).toMatch(/Response$/);
    }
  });
});
