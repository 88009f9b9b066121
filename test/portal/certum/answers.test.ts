// Certum's answers are checked before use: every required field present and of its type, dates
// dates, certificates parsed and matching the fields beside them. Anything else is the portal
// error certum-bad-answer naming the operation and the field — never a TypeError later on.
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { isReissueError } from '../../../src/domain/errors.js';
import { certificateAnswer, hexSerial, ordersOf, orderStateOf, productsOf, responseHeader } from '../../../src/portal/certum/answers.js';

const PEM = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=a.example', '-addext', 'subjectAltName=DNS:a.example', '-days', '30', '-set_serial', '0x0badcafe'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

const details = (over: Record<string, unknown> = {}) => ({
  certificateStatus: 'VALID',
  commonName: 'a.example',
  endDate: new Date(),
  serialNumber: '0BADCAFE',
  startDate: new Date(),
  subjectName: 'CN=a.example',
  X509Cert: PEM,
  ...over,
});
const order = (over: { status?: Record<string, unknown>; cert?: Record<string, unknown> } = {}) => ({
  orders: {
    Order: {
      certificateDetails: details(over.cert),
      orderStatus: { customer: 'demo', orderDate: new Date(), orderID: 'ORDER/1', orderStatus: 'ENROLLED', productCode: '931', ...over.status },
    },
  },
});

/** The error an answer gets, or null when it is accepted. */
function refusal(f: () => unknown): { code: string; field: unknown } | null {
  try {
    f();
    return null;
  } catch (e) {
    if (!isReissueError(e)) throw e;
    return { code: e.code, field: e.details?.field };
  }
}

describe('accepted as the library parses a correct answer', () => {
  test('an order with its certificate: serial normalised, certificate parsed', () => {
    const [o] = ordersOf('getOrderByOrderID', order());
    expect(o!.status).toMatchObject({ orderId: 'ORDER/1', state: 'ENROLLED', productCode: '931' });
    expect(o!.certificate!.serialNumber).toBe('0badcafe');
    expect(o!.certificate!.certumSerial).toBe('0BADCAFE');
    expect(o!.certificate!.certificate.subjectAltName).toBe('DNS:a.example');
  });
  test('several orders come as an array, one as an object; none as no element', () => {
    expect(ordersOf('getOrdersByDateRange', { orders: { Order: [order().orders.Order, order().orders.Order] } })).toHaveLength(2);
    expect(ordersOf('getOrdersByDateRange', {})).toEqual([]);
  });
  test('ints and dates as text are read too; successCode and errors', () => {
    expect(responseHeader('x', { responseHeader: { successCode: '1', timestamp: '2026-01-01T00:00:00Z', errors: { Error: { errorCode: '1033', value: 'ORDER/9' } } } })).toMatchObject({
      successCode: 1,
      errors: [{ errorCode: 1033, value: 'ORDER/9' }],
    });
    expect(orderStateOf('getOrderState', { orderStatus: 'VERIFICATION', lastUpdateDate: '2026-01-01T00:00:00Z' }).state).toBe('VERIFICATION');
    expect(productsOf('getProductList', { products: { product: { code: 931, type: 'T', supportedHashAlgorithms: { hashAlgorithm: ['RSA-SHA256', 'ECC-SHA256'] } } } })).toEqual([
      { code: '931', type: 'T', validityMonths: null, hashAlgorithms: ['RSA-SHA256', 'ECC-SHA256'] },
    ]);
    expect(certificateAnswer('getCertificate', { certificateDetails: details(), caBundle: { X509Cert: PEM } }).caBundle).toHaveLength(1);
  });
  test('hexSerial: colons, case, leading zeros; not hex is null', () => {
    expect(hexSerial('0B:AD:CA:FE')).toBe('0badcafe');
    expect(hexSerial('00bad')).toBe('0bad');
    expect(hexSerial('xyz')).toBeNull();
  });
});

describe('refused, naming the operation and the field', () => {
  const cases: [string, () => unknown, string][] = [
    ['no responseHeader', () => responseHeader('getOrderState', {}), 'responseHeader'],
    ['successCode not a number', () => responseHeader('getOrderState', { responseHeader: { successCode: 'ok' } }), 'responseHeader/successCode'],
    ['an Error without its code', () => responseHeader('x', { responseHeader: { successCode: 1, errors: { Error: { value: 'v' } } } }), 'responseHeader/errors/Error[0]/errorCode'],
    ['an unknown order state', () => ordersOf('getOrderByOrderID', order({ status: { orderStatus: 'DONE' } })), 'orders/Order[0]/orderStatus/orderStatus'],
    ['an order date that is no date', () => ordersOf('getOrderByOrderID', order({ status: { orderDate: 'yesterday' } })), 'orders/Order[0]/orderStatus/orderDate'],
    ['no order id', () => ordersOf('getOrderByOrderID', order({ status: { orderID: '' } })), 'orders/Order[0]/orderStatus/orderID'],
    ['a certificate that is not base64', () => ordersOf('getOrderByOrderID', order({ cert: { X509Cert: '-----BEGIN CERTIFICATE-----\n%%%\n-----END CERTIFICATE-----' } })), 'orders/Order[0]/certificateDetails/X509Cert'],
    ['base64 that is no certificate', () => ordersOf('getOrderByOrderID', order({ cert: { X509Cert: Buffer.from('hello').toString('base64') } })), 'orders/Order[0]/certificateDetails/X509Cert'],
    ['a serial that is not the certificate’s', () => ordersOf('getOrderByOrderID', order({ cert: { serialNumber: '0BADCAFF' } })), 'orders/Order[0]/certificateDetails/serialNumber'],
    ['a serial that is not hex', () => ordersOf('getOrderByOrderID', order({ cert: { serialNumber: 'serial-1' } })), 'orders/Order[0]/certificateDetails/serialNumber'],
    ['an unknown certificate status', () => ordersOf('getOrderByOrderID', order({ cert: { certificateStatus: 'GOOD' } })), 'orders/Order[0]/certificateDetails/certificateStatus'],
    ['Order as a string', () => ordersOf('getOrdersByDateRange', { orders: { Order: 'x' } }), 'orders/Order[0]'],
    ['getOrderState without a state', () => orderStateOf('getOrderState', { lastUpdateDate: new Date() }), 'orderStatus'],
    ['getCertificate without details', () => certificateAnswer('getCertificate', {}), 'certificateDetails'],
    ['a CA bundle entry that is no certificate', () => certificateAnswer('getCertificate', { certificateDetails: details(), caBundle: { X509Cert: 'AAAA' } }), 'caBundle/X509Cert[0]'],
    ['a product code that is an object', () => productsOf('getProductList', { products: { product: { code: {} } } }), 'products/product[0]/code'],
  ];
  for (const [what, f, field] of cases) {
    test(what, () => expect(refusal(f)).toEqual({ code: 'certum-bad-answer', field }));
  }
});
