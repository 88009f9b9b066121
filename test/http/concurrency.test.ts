// Twenty operators reissue the same certificate at the same moment through HTTP: exactly one new
// copy is issued and the nineteen others get a conflict that names it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isReissueError } from '../../src/domain/errors.js';
import type { ReissueResult } from '../../src/domain/types.js';
import { csrFor, reissuable, startTestPortal, type TestPortal } from './helpers.js';

let tp: TestPortal;
beforeAll(async () => {
  tp = await startTestPortal();
});
afterAll(async () => {
  await tp?.close();
});

it('20 concurrent reissues of one certificate yield one new copy and 19 conflicts naming it', async () => {
  const viewer = tp.client(tp.tokens.demo);
  const before = await viewer.list();
  const cert = reissuable(before.items);
  const csrs = await Promise.all(Array.from({ length: 20 }, () => csrFor(cert)));
  // One client (one connection pool) per operator, each with its own idempotency key.
  const outcomes = await Promise.allSettled(csrs.map((csr) => tp.client(tp.tokens.demo).reissue(cert.id, { keySource: 'csr', csr: csr }, crypto.randomUUID())));

  const wins = outcomes.filter((o): o is PromiseFulfilledResult<ReissueResult> => o.status === 'fulfilled');
  const losses = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect(wins).toHaveLength(1);
  expect(losses).toHaveLength(19);
  const winner = wins[0]!.value.certificate;
  for (const loss of losses) {
    const e = loss.reason as unknown;
    expect(isReissueError(e)).toBe(true);
    if (!isReissueError(e)) continue;
    expect(e.kind).toBe('portal');
    expect(['already-replaced', 'conflict']).toContain(e.code);
    expect(e.exitCode).toBe(5);
    expect(`${e.message} ${e.hint ?? ''}`).toContain(winner.id);
    expect(e.details?.newestCopyId).toBe(winner.id);
  }

  const after = await viewer.list();
  expect(after.total).toBe(before.total + 1);
  const copies = after.items.filter((c) => c.orderId === cert.orderId && c.replaces === cert.id);
  expect(copies.map((c) => c.id)).toEqual([winner.id]);
  expect((await viewer.get(cert.id)).replacedBy).toBe(winner.id);
});
