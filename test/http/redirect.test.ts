// A portal that redirects elsewhere is not followed: the request (a CSR, a revocation) never
// reaches the other address, and the answer is a portal error saying where it was sent (exit 5).
// Redirects within the portal's own origin are still followed.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { runCli } from '../helpers/cli.js';

const seenElsewhere: string[] = [];
let portal: Server;
let elsewhere: Server;
let portalUrl = '';
let elsewhereUrl = '';

function listen(server: Server, host: string): Promise<string> {
  return new Promise((resolve) => server.listen(0, host, () => resolve(`http://${host}:${(server.address() as { port: number }).port}`)));
}

const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let text = '';
  req.on('data', (d: Buffer) => (text += d.toString()));
  req.on('end', () => resolve(text));
});

beforeAll(async () => {
  // Another host (127.0.0.2 is loopback too): records whatever reaches it, answers like a portal.
  elsewhere = createServer(async (req, res) => {
    seenElsewhere.push(`${req.method} ${req.url} ${await body(req)}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [], total: 0, name: 'elsewhere' }));
  });
  elsewhereUrl = await listen(elsewhere, '127.0.0.2');
  portal = createServer(async (req, res) => {
    await body(req);
    if (req.url === '/v1/info') return res.writeHead(302, { location: '/v1/info-here' }).end();
    if (req.url === '/v1/info-here') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'here' }));
    res.writeHead(302, { location: `${elsewhereUrl}${req.url}` }).end();
  });
  portalUrl = await listen(portal, '127.0.0.1');
});
afterAll(async () => {
  await new Promise((r) => portal?.close(r));
  await new Promise((r) => elsewhere?.close(r));
});

async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  return e;
}

describe('redirects from the portal', () => {
  it('a POST redirected to another host is refused before anything is sent there (exit 5)', async () => {
    const client = createHttpPortal({ url: portalUrl, token: 'T0KEN', retries: 0 });
    try {
      const csr = new TextEncoder().encode('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
      const e = await failure(client.reissue('crt-1', { keySource: 'csr', csr }, 'key-1'));
      expect(e.code).toBe('portal-redirect');
      expect(e.exitCode).toBe(5);
      expect(e.message).toContain(elsewhereUrl);
      const list = await failure(client.list());
      expect(list.code).toBe('portal-redirect');
      expect(seenElsewhere).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('a redirect within the portal is followed', async () => {
    const client = createHttpPortal({ url: portalUrl, token: 'T0KEN', retries: 0 });
    try {
      expect((await client.info()).name).toBe(`portal at ${portalUrl}`);
    } finally {
      await client.close();
    }
  });

  it('the built binary: list against a redirecting portal exits 5 and names the other address', async () => {
    const r = await runCli(['list', '--portal', portalUrl, '--token', 'T0KEN']);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain(`sent the request on to ${elsewhereUrl}`);
    expect(r.stderr).not.toMatch(/Cannot read properties|nexpected/);
    expect(seenElsewhere).toEqual([]);
  });
});

describe('the idempotency key', () => {
  it('a reissue without one is refused and nothing is sent', async () => {
    let requests = 0;
    const counting = createServer((req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    const url = await listen(counting, '127.0.0.1');
    const client = createHttpPortal({ url, token: 'T0KEN', retries: 0 });
    try {
      const reissue = client.reissue as (id: string, r: unknown, key?: string) => Promise<unknown>;
      for (const key of [undefined, '', '  ']) {
        const e = await failure(reissue('crt-1', { keySource: 'cloud', algorithm: 'ec-p256' }, key));
        expect(e.code).toBe('idempotency-key-missing');
      }
      expect(requests).toBe(0);
    } finally {
      await client.close();
      await new Promise((r) => counting.close(r));
    }
  });
});
