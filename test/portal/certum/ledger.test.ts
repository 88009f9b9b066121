// The ledger's claim rules on a real SQLite file, two connections standing for two processes:
// one claim per request, a live claim makes the other wait, an answered request gives its order,
// a refused one is forgotten (sent again later), a claim left by a dead process is taken over.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Ledger, type NewRequest } from '../../../src/portal/certum/ledger.js';

let dir = '';
const STALE_MS = 60_000;
const open: Ledger[] = [];
const ledger = () => {
  const l = new Ledger(dir, 'https://certum.example/service/PartnerApi', STALE_MS);
  open.push(l);
  return l;
};
const request = (key: string, oldId = 'ORDER/1'): NewRequest => ({
  oldId,
  oldSerial: '0a',
  oldCertumSerial: '0A',
  idempotencyKey: key,
  keySource: 'csr',
  card: null,
  publicKeySha256: 'ab'.repeat(32),
  requestedAt: '2026-12-07T00:00:00.000Z',
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-certum-ledger-'));
});
afterEach(async () => {
  for (const l of open.splice(0)) l.close();
  await rm(dir, { recursive: true, force: true });
});

test('one claim per request: the other process is told to wait, then gets the order the first recorded', async () => {
  const [a, b] = [ledger(), ledger()];
  const first = a.claim(request('k1'), 1_000);
  expect(first).toHaveProperty('send');
  expect(b.claim(request('k1'), 1_500)).toEqual({ busy: true });
  // Not yet answered: not an entry of any order, not found by its key.
  expect(b.byKey('k1')).toBeUndefined();
  expect(b.replacing('ORDER/1')).toBeUndefined();
  a.answered('k1', (first as { send: string }).send, 'ORDER/2');
  expect(b.claim(request('k1'), 2_000)).toEqual({ orderId: 'ORDER/2' });
  expect(b.byKey('k1')).toMatchObject({ orderId: 'ORDER/2', oldId: 'ORDER/1', enrolledAt: null });
  expect(b.replacing('ORDER/1')?.orderId).toBe('ORDER/2');
  expect((await stat(a.path)).mode & 0o777).toBe(0o600);
  expect((await stat(join(dir, 'certum'))).mode & 0o777).toBe(0o700);
});

test('a refused request is forgotten: the next claim sends it again', () => {
  const [a, b] = [ledger(), ledger()];
  const first = a.claim(request('k2'), 1_000) as { send: string };
  a.release('k2', first.send);
  expect(b.claim(request('k2'), 1_100)).toHaveProperty('send');
});

test('a claim left by a process that died (older than the stale time) is taken over; the late answer of the dead claim changes nothing', () => {
  const [a, b] = [ledger(), ledger()];
  const dead = a.claim(request('k3'), 1_000) as { send: string };
  expect(b.claim(request('k3'), 1_000 + STALE_MS - 1)).toEqual({ busy: true });
  const taken = b.claim(request('k3'), 1_000 + STALE_MS + 1) as { send: string };
  expect(taken.send).not.toBe(dead.send);
  a.release('k3', dead.send);
  expect(b.claim(request('k3'), 1_000 + STALE_MS + 2)).toEqual({ busy: true });
  b.answered('k3', taken.send, 'ORDER/3');
  expect(a.answered('k3', dead.send, 'ORDER/33')?.orderId).toBe('ORDER/3');
  expect(a.byOrder('ORDER/33')).toBeUndefined();
  expect(a.byKey('k3')?.orderId).toBe('ORDER/3');
});

test('enrolled once: the first date and serial stay', () => {
  const a = ledger();
  const c = a.claim(request('k4'), 1) as { send: string };
  a.answered('k4', c.send, 'ORDER/4');
  a.enrolled('ORDER/4', '2026-12-07T01:00:00.000Z', '0b');
  a.enrolled('ORDER/4', '2026-12-08T01:00:00.000Z', '0c');
  expect(ledger().byOrder('ORDER/4')).toMatchObject({ enrolledAt: '2026-12-07T01:00:00.000Z', newSerial: '0b' });
});
