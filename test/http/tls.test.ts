// HTTPS with a self-signed certificate made by openssl (the client trusts it through caFile), and
// the refusal to serve plain HTTP beyond loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { isLoopbackHost, startServer } from '../../src/server/http/serve.js';
import { run, startTestPortal, type TestPortal } from './helpers.js';

let dir: string;
let certFile: string;
let keyFile: string;
let tp: TestPortal;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-tls-'));
  certFile = join(dir, 'server.pem');
  keyFile = join(dir, 'server-key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ]);
  tp = await startTestPortal({ serve: { tls: { certFile, keyFile } } });
});
afterAll(async () => {
  await tp?.close();
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  return e;
}

describe('HTTPS', () => {
  it('serves https and the client trusts the self-signed certificate given as caFile', async () => {
    expect(tp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const portal = tp.client(tp.tokens.demo, { caFile: certFile });
    const page = await portal.list();
    expect(page.total).toBeGreaterThan(0);
    expect((await portal.get(page.items[0]!.id)).id).toBe(page.items[0]!.id);
  });

  it('without the CA the client reports a TLS error that points at --ca', async () => {
    const e = await failure(tp.client(tp.tokens.demo).list());
    expect(e.code).toBe('tls-error');
    expect(e.kind).toBe('portal');
    expect(e.exitCode).toBe(5);
    expect(e.hint).toContain('--ca');
  });

  it('plain http to the https port fails as a portal error, not a crash', async () => {
    const e = await failure(tp.client(tp.tokens.demo, { url: tp.url.replace('https:', 'http:'), retries: 0 }).list());
    expect(e.kind).toBe('portal');
    expect(e.exitCode).toBe(5);
  });

  it('a missing TLS key file is a usage error naming it', async () => {
    const e = await failure(startServer({ host: '127.0.0.1', port: 0, dataDir: join(dir, 'd1'), clock: systemClock, tls: { certFile, keyFile: join(dir, 'missing.pem') } }));
    expect(e.kind).toBe('usage');
    expect(e.message).toContain('missing.pem');
  });
});

describe('plain HTTP', () => {
  it('is refused on a non-loopback address, naming the flag and that it is insecure', async () => {
    const e = await failure(startServer({ host: '0.0.0.0', port: 0, dataDir: join(dir, 'd2'), clock: systemClock }));
    expect(e.kind).toBe('usage');
    expect(e.code).toBe('insecure-http-refused');
    expect(e.hint).toContain('--allow-insecure-http');
    expect(`${e.message} ${e.hint}`).toMatch(/insecure|unencrypted/i);
  });

  it('is served on a non-loopback address when explicitly allowed', async () => {
    const server = await startServer({ host: '0.0.0.0', port: 0, dataDir: join(dir, 'd3'), clock: systemClock, allowInsecureHttp: true });
    try {
      const port = new URL(server.url).port;
      const res = await fetch(`http://127.0.0.1:${port}/v1/info`);
      expect(res.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('knows which hosts are loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', '::', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});
