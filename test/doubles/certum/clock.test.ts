// The double's clock can start at a chosen date (a walkthrough "in the past" or "in the future"):
// answers are stamped with it and the seeded certificates are dated from it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor } from './soap-client.js';

const START = new Date('2031-03-15T12:00:00Z');
let certum: CertumDouble;

beforeAll(async () => {
  certum = await startCertumDouble({ now: START });
});

afterAll(async () => {
  await certum?.stop();
});

test('timestamps and seeded dates follow the chosen start', async () => {
  const call = await clientFor(certum);
  const a = await call('getCertificate', { orderID: certum.orders.manual.orderID });
  const stamp = new Date(String(a.responseHeader.timestamp)).getTime();
  expect(stamp).toBeGreaterThanOrEqual(START.getTime());
  expect(stamp).toBeLessThan(START.getTime() + 60_000);
  const start = new Date(String((a.certificateDetails as { startDate: string }).startDate)).getTime();
  // The manual's certificate was issued 35 days before the double's "now".
  expect(Math.round((START.getTime() - start) / 86_400_000)).toBe(35);
});
