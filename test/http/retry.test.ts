// Retries: a reissue whose answer is lost on the way back is sent again with the same
// Idempotency-Key and returns the first result (nothing issued twice); a revoke is never retried.
// A small TCP relay in front of the real server cuts the connection right after the service has
// answered, as a flaky network would.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isReissueError } from '../../src/domain/errors.js';
import { csrFor, reissuable, startTestPortal, type TestPortal } from './helpers.js';

let tp: TestPortal;
let relay: Server;
let relayUrl: string;
/** How many upcoming connections get their answer cut off. */
let cutNext = 0;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  tp = await startTestPortal();
  const target = new URL(tp.url);
  relay = createServer((client) => {
    connections++;
    sockets.add(client);
    const cut = cutNext > 0;
    if (cut) cutNext--;
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      // The service has answered (and committed); the client never hears it.
      if (cut) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => relay?.close(resolve));
  await tp?.close();
});

it('a reissue whose answer was lost is retried with the same key and issues one copy', async () => {
  const viewer = tp.client(tp.tokens.demo);
  const before = await viewer.list();
  const cert = reissuable(before.items);
  const client = tp.client(tp.tokens.demo, { url: relayUrl });
  cutNext = 1;
  connections = 0;
  const result = await client.reissue(cert.id, { keySource: 'csr', csr: await csrFor(cert) }, crypto.randomUUID());
  expect(connections).toBe(2); // the cut attempt and the retry
  expect(result.replaced.id).toBe(cert.id);
  const after = await viewer.list();
  expect(after.total).toBe(before.total + 1);
  expect((await viewer.get(cert.id)).replacedBy).toBe(result.certificate.id);
});

it('a revoke whose answer was lost is not retried', async () => {
  const viewer = tp.client(tp.tokens.demo);
  const cert = reissuable((await viewer.list()).items);
  const client = tp.client(tp.tokens.demo, { url: relayUrl });
  cutNext = 1;
  connections = 0;
  const e = await client.revoke(cert.id, 'unspecified').then(() => null, (err: unknown) => err);
  expect(isReissueError(e)).toBe(true);
  expect(connections).toBe(1);
  if (isReissueError(e)) expect(e.exitCode).toBe(5);
});

it('GETs are retried after a lost answer', async () => {
  const client = tp.client(tp.tokens.demo, { url: relayUrl });
  cutNext = 1;
  connections = 0;
  const page = await client.list();
  expect(page.total).toBeGreaterThan(0);
  expect(connections).toBe(2);
});
