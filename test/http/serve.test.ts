// startServer's life cycle: due revocations happen on the timer without any request, and close()
// lets in-flight requests finish before the database is closed.
import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { isReissueError } from '../../src/domain/errors.js';
import type { ReissueResult } from '../../src/domain/types.js';
import { openPortalService } from '../../src/server/service.js';
import { csrFor, reissuable, startTestPortal, type TestPortal } from './helpers.js';

const DAY_MS = 24 * 60 * 60 * 1000;
let tp: TestPortal | undefined;
afterEach(async () => {
  await tp?.close().catch(() => {});
  tp = undefined;
});

it('carries out due revocations on its timer, with no request needed', async () => {
  let offset = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offset) };
  const lines: string[] = [];
  tp = await startTestPortal({ clock, serve: { revocationIntervalMs: 50, log: (line) => lines.push(line) } });
  const portal = tp.client(tp.tokens.demo);
  const cert = reissuable((await portal.list()).items);
  await portal.reissue(cert.id, { keySource: 'csr', csr: await csrFor(cert) }, crypto.randomUUID());
  lines.length = 0;

  offset = 15 * DAY_MS;
  const deadline = Date.now() + 5_000;
  while (!lines.some((l) => /Carried out \d+ due revocation/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  expect(lines.join('\n')).toMatch(/Carried out \d+ due revocations?\./);

  // Written to the database by the timer: a second connection sees it revoked.
  const other = await openPortalService({ dataDir: tp.dataDir, clock });
  try {
    const seen = await other.forAccount('demo').get(cert.id);
    expect(seen.state).toBe('revoked');
    expect(seen.revocationReason).toBe('superseded');
  } finally {
    other.close();
  }
});

it('close() finishes in-flight requests, then stops answering', async () => {
  tp = await startTestPortal();
  const portal = tp.client(tp.tokens.demo, { retries: 0 });
  const cert = reissuable((await portal.list()).items);
  const body = JSON.stringify({ csr: new TextDecoder().decode(await csrFor(cert)) });
  // Send half the request, start closing, then send the rest: the request is certainly in flight.
  const url = new URL(`/v1/certificates/${cert.id}/reissue`, tp.url);
  let closing: Promise<void> | undefined;
  let closeStarted = 0;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${tp!.tokens.demo}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': 'drain-1' },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 100));
    setTimeout(() => {
      closeStarted = Date.now();
      closing = tp!.close();
      tp = undefined;
      setTimeout(() => req.end(body.slice(100)), 50);
    }, 50);
  });
  const { status, text } = await answer;
  expect(status).toBe(200);
  expect((JSON.parse(text) as ReissueResult).replaced.id).toBe(cert.id);
  await closing;
  // The answered keep-alive connection was closed too, so stopping did not wait for the 10 s cut-off.
  expect(Date.now() - closeStarted).toBeLessThan(5_000);
  const e = await portal.list().then(() => null, (err: unknown) => err);
  expect(isReissueError(e) && e.code).toBe('portal-unreachable');
});
