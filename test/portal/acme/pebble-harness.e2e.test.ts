// The Pebble harness is a real ACME CA: acme-client (not reissue) obtains certificates from it
// with http-01 answered by a tiny server on httpPort and with dns-01 through the test hook, and
// openssl verifies them against the roots Pebble made at start. Revocation shows in certStatus,
// and EAB-required mode refuses an account without a binding.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Agent, get as httpsGet } from 'node:https';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import acme from 'acme-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';
import { opensslStatus } from '../../helpers/openssl.js';
import { DNS_HOOK, startPebble, type Pebble } from '../../helpers/pebble.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reissue-pebble-harness-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trust(p: Pebble): void {
  acme.axios.defaults.httpsAgent = new Agent({ ca: execFileSync('cat', [p.caFile]) });
}

async function client(p: Pebble, eab?: { kid: string; hmacKey: string }): Promise<acme.Client> {
  trust(p);
  return new acme.Client({ directoryUrl: p.directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey('P-256'), externalAccountBinding: eab });
}

function serialOf(certPem: string): string {
  const file = join(dir, `serial-${Date.now()}.pem`);
  writeFileSync(file, certPem);
  return execFileSync('openssl', ['x509', '-in', file, '-noout', '-serial'], { encoding: 'utf8' }).trim().replace(/^serial=/, '');
}

async function verifyAgainstPebble(p: Pebble, certPem: string, name: string): Promise<void> {
  const chain = join(dir, `${name}-chain.pem`);
  const leaf = join(dir, `${name}.pem`);
  writeFileSync(chain, `${await p.roots()}\n${await p.intermediates()}`);
  // The first certificate of what the CA returned is the leaf.
  writeFileSync(leaf, acme.crypto.splitPemChain(certPem)[0]!);
  const v = opensslStatus(['verify', '-CAfile', chain, leaf]);
  expect(v.output).toContain(`${leaf}: OK`);
  expect(v.status).toBe(0);
  const text = execFileSync('openssl', ['x509', '-in', leaf, '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
  expect(text).toContain(`DNS:${name}`);
}

describe('Pebble harness (real validation)', () => {
  let pebble: Pebble;
  let responder: Server;
  const served = new Map<string, string>();
  const hits: string[] = [];

  beforeAll(async () => {
    pebble = await startPebble();
    responder = createServer((req, res) => {
      const token = /^\/\.well-known\/acme-challenge\/([\w-]+)$/.exec(req.url ?? '')?.[1];
      const body = token ? served.get(token) : undefined;
      hits.push(`${req.headers.host} ${req.url} ${req.headers['user-agent']}`);
      res.writeHead(body ? 200 : 404, { 'content-type': 'text/plain' }).end(body ?? 'no such token');
    });
    await new Promise<void>((r) => responder.listen(pebble.httpPort, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise((r) => responder?.close(r));
    await pebble?.stop();
  });

  it('offers no ARI (renewalInfo): Pebble 2.4.0', async () => {
    const d = await pebble.directory();
    expect(d.newOrder).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(d.renewalInfo).toBeUndefined();
  });

  it('issues through http-01 validated by Pebble on httpPort; openssl verifies it against Pebble roots; revocation shows in certStatus', async () => {
    const c = await client(pebble);
    const name = 'http01.pebble-harness.example.com';
    const [key, csr] = await acme.crypto.createCsr({ commonName: name, altNames: [name] }, await acme.crypto.createPrivateEcdsaKey('P-256'));
    expect(key.length).toBeGreaterThan(0);
    const cert = await c.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      // acme-client would first fetch the token itself through the system resolver; Pebble does it.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        served.set(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        served.delete(challenge.token);
      },
    });
    // Pebble's VA really fetched the token from our responder, by name, on httpPort.
    expect(hits.some((h) => h.startsWith(`${name}:${pebble.httpPort} /.well-known/acme-challenge/`) && /Pebble/i.test(h))).toBe(true);
    await verifyAgainstPebble(pebble, cert, name);

    const serial = serialOf(cert);
    expect(await pebble.certStatus(serial)).toEqual({ status: 'Valid' });
    await c.revokeCertificate(cert, { reason: 4 });
    const revoked = await pebble.certStatus(serial);
    expect(revoked.status).toBe('Revoked');
    expect(revoked.reason).toBe(4);
    expect(Date.parse(revoked.revokedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('a wrong http-01 answer fails validation (no always-valid mode)', async () => {
    const c = await client(pebble);
    const name = 'wrong.pebble-harness.example.com';
    const [, csr] = await acme.crypto.createCsr({ commonName: name }, await acme.crypto.createPrivateEcdsaKey('P-256'));
    await expect(c.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['http-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge) => {
        served.set(challenge.token, 'not-the-key-authorization');
      },
      challengeRemoveFn: async (_authz, challenge) => {
        served.delete(challenge.token);
      },
    })).rejects.toThrow(/invalid|unauthorized|key authorization/i);
  });

  it('issues through dns-01 published by test/fixtures/acme/dns-hook.sh in challtestsrv', async () => {
    const c = await client(pebble);
    const name = 'dns01.pebble-harness.example.com';
    const hook = (...args: string[]) => execFileSync(DNS_HOOK, args, { env: { PATH: process.env.PATH, CHALLTESTSRV_URL: pebble.challtestsrvUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    const [, csr] = await acme.crypto.createCsr({ commonName: name }, await acme.crypto.createPrivateEcdsaKey('P-256'));
    const calls: string[] = [];
    const cert = await c.auto({
      csr,
      termsOfServiceAgreed: true,
      challengePriority: ['dns-01'],
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, challenge, keyAuthorization) => {
        expect(challenge.type).toBe('dns-01');
        calls.push(`add ${authz.identifier.value}`);
        hook('add', authz.identifier.value, keyAuthorization);
      },
      challengeRemoveFn: async (authz, _challenge, keyAuthorization) => {
        calls.push(`remove ${authz.identifier.value}`);
        hook('remove', authz.identifier.value, keyAuthorization);
      },
    });
    expect(calls).toEqual([`add ${name}`, `remove ${name}`]);
    await verifyAgainstPebble(pebble, cert, name);
  });

  it('the dns hook refuses bad usage and a missing management URL', () => {
    const run = (args: string[], env: Record<string, string | undefined>) => {
      try {
        execFileSync(DNS_HOOK, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        return { code: 0, err: '' };
      } catch (e) {
        const x = e as { status: number; stderr: Buffer };
        return { code: x.status, err: x.stderr.toString() };
      }
    };
    expect(run(['put', 'a.example.com', 'v'], { CHALLTESTSRV_URL: pebble.challtestsrvUrl })).toMatchObject({ code: 2, err: expect.stringContaining('usage') });
    const unset = run(['add', 'a.example.com', 'v'], {});
    expect(unset.code).not.toBe(0);
    expect(unset.err).toContain('CHALLTESTSRV_URL');
  });
});

describe('Pebble harness, cleanup', () => {
  it('stop() frees the ports; a test process killed with SIGKILL leaves no server behind', async () => {
    const alive = async (url: string, ca: string) => {
      try {
        await new Promise<void>((resolve, reject) => {
          const req = httpsGet(url, { ca, timeout: 2000 }, (res) => {
            res.resume();
            resolve();
          });
          req.once('error', reject);
        });
        return true;
      } catch {
        return false;
      }
    };
    const gone = async (url: string, ca: string) => {
      for (let i = 0; i < 40; i++) {
        if (!(await alive(url, ca))) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };

    const p = await startPebble();
    const ca = readFileSync(p.caFile, 'utf8');
    expect(await alive(p.directoryUrl, ca)).toBe(true);
    await p.stop();
    expect(await gone(p.directoryUrl, ca)).toBe(true);

    // A separate process (the harness bundled by esbuild) that starts Pebble and is then killed
    // with SIGKILL: no exit handler runs; the watchdogs must take the servers down.
    const driver = join(dir, 'driver.ts');
    writeFileSync(driver, `import { startPebble } from ${JSON.stringify(join(ROOT, 'test/helpers/pebble.ts'))};
const p = await startPebble();
const ca = (await import('node:fs')).readFileSync(p.caFile, 'utf8');
console.log(JSON.stringify({ url: p.directoryUrl, ca, chall: p.challtestsrvUrl, caFile: p.caFile }));
setInterval(() => {}, 1000);
`);
    await build({ entryPoints: [driver], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'driver.mjs'), logLevel: 'silent' });
    const child = spawn(process.execPath, [join(dir, 'driver.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = await new Promise<{ url: string; ca: string; chall: string; caFile: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
      child.once('exit', (code) => reject(new Error(`driver exited ${code}`)));
    });
    expect(await alive(info.url, info.ca)).toBe(true);
    child.kill('SIGKILL');
    expect(await gone(info.url, info.ca)).toBe(true);
    // challtestsrv too: its management port no longer answers.
    await new Promise((r) => setTimeout(r, 1000));
    await expect(fetch(`${info.chall}/`)).rejects.toThrow();
    // The killed process could not remove its temporary folder (config, TLS files): done here.
    rmSync(dirname(info.caFile), { recursive: true, force: true });
  }, 60_000);
});

describe('Pebble harness, External Account Binding required', () => {
  let pebble: Pebble;
  const hmacKey = Buffer.from('reissue-test-eab-hmac-key-32-bytes!!').toString('base64url');
  beforeAll(async () => {
    pebble = await startPebble({ requireEab: true, eabKeys: { 'kid-test': hmacKey } });
  });
  afterAll(() => pebble?.stop());

  it('refuses an account without EAB and with a wrong HMAC, accepts the right one', async () => {
    const without = await client(pebble);
    await expect(without.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow(/externalAccountBinding/);
    const wrong = await client(pebble, { kid: 'kid-test', hmacKey: Buffer.from('another-key-of-thirty-two-bytes!!!!').toString('base64url') });
    await expect(wrong.createAccount({ termsOfServiceAgreed: true })).rejects.toThrow(/external account binding JWS verification error/);
    const right = await client(pebble, { kid: 'kid-test', hmacKey });
    const account = await right.createAccount({ termsOfServiceAgreed: true });
    expect(account.status).toBe('valid');
  });
});
