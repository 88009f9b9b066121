// The double as its own process (cli.ts through spawnCertumDouble): it prints what a test needs,
// answers SOAP, is steered over its control URL, and stops on SIGTERM.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clientFor, errorCodes, type Call } from './soap-client.js';
import { spawnCertumDouble, type SpawnedCertumDouble } from './spawn.js';
import { validateRequest } from './validate-request.js';

let certum: SpawnedCertumDouble;
let call: Call;

beforeAll(async () => {
  certum = await spawnCertumDouble();
  call = await clientFor(certum);
}, 120_000);

afterAll(async () => {
  await certum?.stop();
});

test('prints its endpoint, CA, users and seeded orders, and answers on 127.0.0.1', async () => {
  expect(certum.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/service\/PartnerApi$/);
  expect(certum.caPem).toContain('BEGIN CERTIFICATE');
  expect(certum.orders.manual.orderID).toBe('ORDER/0000123456/po');
  expect(certum.users.map((u) => u.userName)).toEqual(['partner1', 'partner2']);
  const a = await call('getOrderByOrderID', { orderID: certum.orders.manual.orderID });
  expect(a.responseHeader.successCode).toBe(0);
});

test('steered over its control URL: fault mode on and off, its clock, its captured requests', async () => {
  await certum.setBehaviour({ fault: { faultstring: 'maintenance' } });
  await expect(call('getProductList')).rejects.toMatchObject({ response: { status: 500 } });
  await certum.setBehaviour({ fault: null });
  expect((await call('getProductList')).responseHeader.successCode).toBe(0);
  await certum.setBehaviour({ corrupt: { operations: ['getProductList'], drop: ['responseHeader.successCode'] } });
  const broken = await call('getProductList');
  expect(broken.responseHeader.successCode).toBeUndefined();
  expect(broken.products).toBeDefined();
  await certum.setBehaviour({ corrupt: null });

  // The seeded replaced copy is REVOKING for 9 more days; moved 14 days on, it is REVOKED.
  const serial = certum.orders.reissued.serialNumber;
  expect((await call('getCertificate', { serialNumber: serial })).certificateDetails).toMatchObject({ certificateStatus: 'REVOKING' });
  await certum.advanceClock(14 * 24 * 60 * 60 * 1000);
  expect((await call('getCertificate', { serialNumber: serial })).certificateDetails).toMatchObject({ certificateStatus: 'REVOKED' });
  expect(errorCodes(await call('getOrderState', { orderID: 'ORDER/none' }))).toEqual([1033]);

  const requests = await certum.requests();
  expect(requests.map((r) => r.operation)).toEqual(['getOrderByOrderID', 'getProductList', 'getProductList', 'getProductList', 'getCertificate', 'getCertificate', 'getOrderState']);
  for (const r of requests) expect(validateRequest(r.xml, r.operation).valid).toBe(true);
});

test('stops on SIGTERM', async () => {
  await certum.stop();
  expect(certum.child.exitCode).toBe(0);
  await expect(fetch(certum.wsdlUrl)).rejects.toThrow();
});
