// The double refuses, by default, a request that does not validate against the WSDL's schema
// (xmllint), with a SOAP fault naming the problem; with the check off it carries on.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor } from './soap-client.js';

let certum: CertumDouble;

beforeAll(async () => {
  certum = await startCertumDouble();
});

afterAll(async () => {
  await certum?.stop();
});

/** A hand-made getOrderState envelope: credentials right, orderID left out. */
function withoutOrderID(): string {
  const { userName, password } = certum.users[0]!;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="http://webservice.api.muc.unizeto.pl/"><soap:Body><tns:getOrderState><requestHeader><authToken><password>${esc(password)}</password><userName>${esc(userName)}</userName></authToken></requestHeader></tns:getOrderState></soap:Body></soap:Envelope>`;
}

async function post(xml: string): Promise<{ status: number; body: string }> {
  const r = await fetch(certum.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' }, body: xml });
  return { status: r.status, body: await r.text() };
}

test('a schema-invalid request: SOAP fault soap:Client with xmllint\'s reason, nothing done', async () => {
  const r = await post(withoutOrderID());
  expect(r.status).toBe(500);
  expect(r.body).toContain('<faultcode>soap:Client</faultcode>');
  expect(r.body).toMatch(/Request does not match the Partner API schema: .*Missing child element\(s\)\. Expected is \( orderID \)/s);
});

test('a valid request from the soap library passes the check', async () => {
  const call = await clientFor(certum);
  expect((await call('getOrderState', { orderID: certum.orders.manual.orderID })).orderStatus).toBe('ENROLLED');
});

test('with schemaCheck off the same request reaches the operation (unknown order, 1033)', async () => {
  certum.setBehaviour({ schemaCheck: false });
  const r = await post(withoutOrderID());
  expect(r.status).toBe(200);
  expect(r.body).toMatch(/<errorCode>1033<\/errorCode>/);
});
