// Answers broken on purpose (behaviour.corrupt) for a client's "malformed answer" tests: what the
// double then sends really is outside the schema (xmllint says so), only for the chosen
// operations, and the double's own data stays as it was.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor, list, type Call } from './soap-client.js';
import { validateSoapMessage } from './validate-request.js';

let certum: CertumDouble;
let call: Call;

beforeAll(async () => {
  certum = await startCertumDouble();
  call = await clientFor(certum);
});

afterAll(async () => {
  await certum?.stop();
});

test('drop: the answer has no successCode, and no longer validates', async () => {
  certum.setBehaviour({ corrupt: { operations: ['getProductList'], drop: ['responseHeader.successCode'] } });
  const a = await call('getProductList');
  expect(a.responseHeader.successCode).toBeUndefined();
  const verdict = validateSoapMessage(certum.replies.at(-1)!);
  expect(verdict.valid).toBe(false);
  expect(verdict.errors).toMatch(/Expected is .*successCode/);
  // Other operations answer as before.
  expect((await call('getOrderState', { orderID: certum.orders.manual.orderID })).responseHeader.successCode).toBe(0);
  expect(validateSoapMessage(certum.replies.at(-1)!).valid).toBe(true);
});

test('set: garbage in X509Cert; the stored certificate is untouched', async () => {
  certum.setBehaviour({ corrupt: { operations: ['getCertificate'], set: { 'certificateDetails.X509Cert': 'not a certificate' } } });
  const a = await call('getCertificate', { orderID: certum.orders.manual.orderID });
  expect((a.certificateDetails as { X509Cert: string }).X509Cert).toBe('not a certificate');
  expect(certum.state.certificate(certum.orders.manual.serialNumber!)!.pem).toContain('BEGIN CERTIFICATE');
});

test('mutate: an unknown orderStatus and an orderDate that is no date, outside the schema', async () => {
  certum.setBehaviour({
    corrupt: {
      operations: ['getOrderByOrderID'],
      mutate: (answer) => {
        const order = (answer.orders as { Order: { orderStatus: Record<string, unknown> }[] }).Order[0]!;
        order.orderStatus.orderStatus = 'PENDING';
        order.orderStatus.orderDate = 'yesterday';
        return answer;
      },
    },
  });
  const a = await call('getOrderByOrderID', { orderID: certum.orders.manual.orderID });
  const order = list((a.orders as { Order: { orderStatus: { orderStatus: string } } | { orderStatus: { orderStatus: string } }[] }).Order)[0]!;
  expect(order.orderStatus.orderStatus).toBe('PENDING');
  const verdict = validateSoapMessage(certum.replies.at(-1)!);
  expect(verdict.valid).toBe(false);
  expect(verdict.errors).toMatch(/orderStatus.*PENDING|orderDate.*yesterday/);
  certum.setBehaviour({ corrupt: null });
  expect(validateSoapMessage((await call('getOrderByOrderID', { orderID: certum.orders.manual.orderID }), certum.replies.at(-1)!)).valid).toBe(true);
});
