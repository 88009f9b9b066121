// Bad requests get the right status as problem+json (never a stack trace) and the service keeps
// answering; client-side failures (server down, bad token) become portal errors with a next step.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { reissuable, startTestPortal, type TestPortal } from './helpers.js';

let tp: TestPortal;
let certId: string;
beforeAll(async () => {
  tp = await startTestPortal();
  certId = reissuable((await tp.client(tp.tokens.demo).list()).items).id;
});
afterAll(async () => {
  await tp?.close();
});

async function send(path: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? tp.tokens.demo}`);
  const res = await fetch(`${tp.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: safeJson(text), headers: res.headers };
}
function safeJson(text: string): Record<string, unknown> | null {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}
function expectProblem(r: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, code });
  expect(typeof r.json?.detail).toBe('string');
  expect(typeof r.json?.title).toBe('string');
  expect(r.text).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack frames
}
async function stillUp() {
  const r = await send('/v1/info');
  expect(r.status).toBe(200);
}
async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  return e;
}

const json = { 'content-type': 'application/json' };

describe('bad requests', () => {
  it('missing, malformed and unknown tokens get 401 with a Bearer challenge', async () => {
    for (const headers of [{}, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: 'Bearer' }] as Record<string, string>[]) {
      const r = await send('/v1/certificates', { token: null, headers });
      expectProblem(r, 401, 'unauthorized');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expectProblem(await send('/v1/certificates', { token: 'not-a-real-token' }), 401, 'unauthorized');
    expectProblem(await send(`/v1/certificates/${certId}/reissue`, { token: 'nope', method: 'POST', headers: json, body: '{}' }), 401, 'unauthorized');
    await stillUp();
  });

  it('malformed JSON is a 400, a non-JSON body a 415, a schema mismatch a 400', async () => {
    expectProblem(await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: json, body: '{"csr": "abc' }), 400, 'malformed-json');
    expectProblem(await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: json, body: '' }), 400, 'malformed-json');
    expectProblem(await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }), 415, 'unsupported-media-type');
    expectProblem(await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: json, body: '{"csr": {"pem": true}}' }), 400, 'invalid-request');
    expectProblem(await send(`/v1/certificates/${certId}/revoke`, { method: 'POST', headers: json, body: '{"reason": "because"}' }), 400, 'invalid-request');
    expectProblem(await send('/v1/certificates?limit=-1'), 400, 'invalid-parameter');
    expectProblem(await send(`/v1/certificates/${certId}/download?format=p12`), 400, 'invalid-parameter');
    await stillUp();
  });

  it('an oversized body is a 413 and the connection-level limit holds for every route', async () => {
    const big = JSON.stringify({ csr: 'A'.repeat(300 * 1024) });
    expectProblem(await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: json, body: big }), 413, 'body-too-large');
    expectProblem(await send(`/v1/certificates/${certId}/reissue`, { method: 'POST', headers: { ...json, 'idempotency-key': 'big' }, body: big }), 413, 'body-too-large');
    await stillUp();
    // A CSR over 64 KiB but under the body limit reaches the CSR checks, which say so.
    const r = await send(`/v1/certificates/${certId}/csr-check`, { method: 'POST', headers: json, body: JSON.stringify({ csr: `-----BEGIN CERTIFICATE REQUEST-----\n${'A'.repeat(70 * 1024)}\n-----END CERTIFICATE REQUEST-----\n` }) });
    expect(r.status).toBe(200);
    expect((r.json?.problems as { code: string }[]).map((p) => p.code)).toContain('too-large');
  });

  it('unknown routes are 404, wrong methods 405 with Allow', async () => {
    expectProblem(await send('/v1/nothing-here'), 404, 'no-such-route');
    expectProblem(await send('/v2/certificates'), 404, 'no-such-route');
    expectProblem(await send('/', { token: null }), 404, 'no-such-route');
    const r = await send(`/v1/certificates/${certId}`, { method: 'DELETE' });
    expectProblem(r, 405, 'method-not-allowed');
    expect(r.headers.get('allow')).toBe('GET');
    await stillUp();
  });

  it('a reissue without an Idempotency-Key is a 400 and issues nothing', async () => {
    const before = (await send('/v1/certificates')).json?.total;
    expectProblem(await send(`/v1/certificates/${certId}/reissue`, { method: 'POST', headers: json, body: JSON.stringify({ csr: 'AAAA' }) }), 400, 'idempotency-key-missing');
    expect((await send('/v1/certificates')).json?.total).toBe(before);
  });
});

describe('client failures', () => {
  it('a bad token becomes a portal error whose hint says how to get one', async () => {
    const e = await failure(tp.client('wrong-token').list());
    expect(e.kind).toBe('portal');
    expect(e.code).toBe('unauthorized');
    expect(e.exitCode).toBe(5);
    expect(e.hint).toContain('--token');
    expect(e.hint).toContain('REISSUE_TOKEN');
    expect(e.hint).toContain('reissue admin token create');
  });

  it('offset and limit outside their documented range are 400 invalid-parameter, never a damaged database', async () => {
    for (const q of ['offset=9223372036854775808', 'offset=1e300', 'offset=-1', 'offset=1000000001', 'limit=0', 'limit=1001', 'limit=99999999999999999999', 'limit=abc', 'limit=0x10', 'offset=0x10', 'limit=1e1', 'limit=+5', 'limit= 5', 'limit=5.0', 'limit=5&limit=6']) {
      const r = await send(`/v1/certificates?${q}`);
      expectProblem(r, 400, 'invalid-parameter');
      expect(r.text, q).not.toMatch(/damaged|database/i);
      expect(r.text, q).toMatch(/offset|limit/);
    }
    // The edges of the range are answered.
    expect((await send('/v1/certificates?offset=1000000000&limit=1000')).status).toBe(200);
  });

  it('a closed port is "portal-unreachable" naming the URL', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const client = createHttpPortal({ url, token: 't', retries: 1 });
    const e = await failure(client.list());
    await client.close();
    expect(e.code).toBe('portal-unreachable');
    expect(e.exitCode).toBe(5);
    expect(e.message).toContain(`Cannot reach the portal at ${url}`);
    // What really failed, where: the address and the system's code.
    expect(e.message).toContain(`the connection to 127.0.0.1:${port} was refused (ECONNREFUSED)`);
    expect(e.hint).toContain('reissue serve');
    expect(e.hint).toContain('REISSUE_PORTAL');
  });

  it('an unknown host is "portal-unreachable" too, saying the name was not found', async () => {
    const client = createHttpPortal({ url: 'http://no-such-host.invalid:1', token: 't', allowInsecureHttp: true });
    const e = await failure(client.info());
    await client.close();
    expect(e.code).toBe('portal-unreachable');
    expect(e.exitCode).toBe(5);
    expect(e.message).toMatch(/host name was not found \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('a token is not sent over plain http to another host unless allowed; loopback is fine', async () => {
    for (const url of ['http://portal.example:8080', 'http://192.0.2.7', 'http://[2001:db8::1]:80', 'http://127.0.0.1.nip.io']) {
      let e: unknown;
      try {
        createHttpPortal({ url, token: 'secret-token' });
      } catch (x) {
        e = x;
      }
      expect(e, url).toMatchObject({ code: 'insecure-http', exitCode: 2 });
      expect((e as Error).message).not.toContain('secret-token');
      expect((e as Error).message).toContain('plain http');
    }
    for (const url of ['http://127.0.0.1:1', 'http://localhost:1', 'http://[::1]:1', 'https://portal.example']) {
      await createHttpPortal({ url, token: 't' }).close();
    }
    await createHttpPortal({ url: 'http://portal.example', token: 't', allowInsecureHttp: true }).close();
  });

  it('a server that does not answer in time is "portal-unreachable"', async () => {
    // Accepts connections and never answers.
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = createHttpPortal({ url: `http://127.0.0.1:${port}`, token: 't', timeoutMs: 300, retries: 0 });
    const e = await failure(client.info());
    await client.close();
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    expect(e.code).toBe('portal-unreachable');
    expect(e.exitCode).toBe(5);
  });

  it('a URL that is not http(s) is a usage error', () => {
    expect(() => createHttpPortal({ url: 'ftp://x', token: 't' })).toThrow(/http:\/\/ or https:\/\//);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
