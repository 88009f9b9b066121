// A real ACME server for tests: Debian's `pebble` (2.4.0) with `pebble-challtestsrv` as its DNS,
// both on 127.0.0.1 with free ports (test files run in parallel), a TLS certificate made for this
// run by openssl in a temporary folder, and real challenge validation.
//
// How validation reaches the client under test: Pebble resolves every identifier through
// challtestsrv's DNS (`-dnsserver`), which answers every A query with 127.0.0.1 (`-defaultIPv4`),
// then connects to `httpPort` (http-01) or `tlsPort` (tls-alpn-01) there. Those two ports are free
// ports picked here for the client's own responder; challtestsrv's own http-01/https/tls-alpn
// servers are disabled so nothing else answers on them. dns-01 TXT records are set through
// challtestsrv's management API (setTxt/clearTxt, or test/fixtures/acme/dns-hook.sh).
//
// Environment (overridable with opts.env):
// - PEBBLE_VA_ALWAYS_VALID is never set: every challenge is really validated.
// - PEBBLE_VA_NOSLEEP=1: Pebble otherwise sleeps 0–15 s before each validation to shake out
//   clients that poll badly; the tests and the benchmark want the protocol, not the sleep.
// - PEBBLE_WFE_NONCEREJECT=0: Pebble otherwise rejects 5% of good nonces at random (badNonce) to
//   test client retries; acme-client, certbot and lego retry, but a random retry makes timings
//   noisy and a failure hard to reproduce. A test of the badNonce path can set it back.
// - PEBBLE_AUTHZREUSE=0: Pebble otherwise reuses a valid authorization for the same account and
//   name half of the time, so a second order would skip its challenge at random; with 0 every
//   order is validated again (the same for every client in the benchmark).
//
// Pebble 2.4.0 has no ARI: its directory has no `renewalInfo` (see `directory()`). It does honour
// an order's `notAfter` (the certificate ends then, to the second), so same-expiry can be tested.
// Pebble regenerates its root and intermediate at every start: take them from roots() /
// intermediates() of the running instance, never from a file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PebbleOptions {
  /** External Account Binding keys: kid → base64url HMAC key. */
  eabKeys?: Record<string, string>;
  /** Refuse new accounts without External Account Binding. */
  requireEab?: boolean;
  /** Extra environment for `pebble` (e.g. PEBBLE_WFE_NONCEREJECT=5 to test badNonce retries). */
  env?: Record<string, string>;
}

export interface CertStatus {
  status: 'Valid' | 'Revoked' | string;
  /** RFC 5280 reason code, when revoked. */
  reason?: number;
  revokedAt?: string;
}

export interface Pebble {
  directoryUrl: string;
  /** PEM of the CA that signed Pebble's TLS certificate (ACME and management endpoints). */
  caFile: string;
  /** Where Pebble connects for http-01: the client's responder listens on 127.0.0.1:httpPort. */
  httpPort: number;
  /** Where Pebble connects for tls-alpn-01. */
  tlsPort: number;
  /** challtestsrv's DNS (UDP and TCP) on 127.0.0.1, Pebble's resolver. */
  dnsPort: number;
  /** challtestsrv's management API (plain http), e.g. for the dns-01 hook. */
  challtestsrvUrl: string;
  /** Pebble's management interface (https, same TLS certificate). */
  managementUrl: string;
  /** The ACME directory object. */
  directory(): Promise<Record<string, unknown>>;
  /** The root that issued this run's certificates (PEM). */
  roots(): Promise<string>;
  /** The intermediate that signs leaves (PEM). */
  intermediates(): Promise<string>;
  /** Revocation state of an issued certificate; serial in hex as openssl prints it (any case, leading zeros allowed). */
  certStatus(serialHex: string): Promise<CertStatus>;
  /** Adds a TXT record value at `host` (e.g. `_acme-challenge.example.test`). */
  setTxt(host: string, value: string): Promise<void>;
  /** Removes the TXT records at `host` (challtestsrv clears them all; `value` is accepted for symmetry). */
  clearTxt(host: string, value?: string): Promise<void>;
  /** Pebble's and challtestsrv's output so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** The dns-01 hook for tests: `dns-hook.sh add|remove DOMAIN VALUE`, reads CHALLTESTSRV_URL. */
export const DNS_HOOK = new URL('../fixtures/acme/dns-hook.sh', import.meta.url).pathname;

const running = new Set<ChildProcess>();
// A test file that crashes or forgets stop() leaves no server behind.
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port the kernel just gave out and then freed; `udp` also checks it is free for UDP (DNS). */
async function freePort(udp = false, taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    if (taken.has(port)) continue;
    if (udp && !(await udpFree(port) && (await tcpFree(port)))) continue;
    taken.add(port);
    return port;
  }
}

/** A CA and a leaf for 127.0.0.1 and localhost, made by openssl, valid for two days. */
function makeTls(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const caKey = join(dir, 'tls-ca.key');
  const caFile = join(dir, 'tls-ca.pem');
  const keyFile = join(dir, 'tls.key');
  const certFile = join(dir, 'tls.pem');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  run(['req', '-x509', ...ec, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=reissue test Pebble TLS CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-x509', '-CA', caFile, '-CAkey', caKey, ...ec, '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth']);
  return { caFile, certFile, keyFile };
}

interface Reply {
  status: number;
  body: string;
}

function call(url: string, opts: { ca?: string; method?: string; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, { method: opts.method ?? 'GET', ca: opts.ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('timeout', () => req.destroy(new Error(`timeout: ${opts.method ?? 'GET'} ${url}`)));
    req.once('error', reject);
    req.end(opts.body);
  });
}

async function ok(url: string, opts: { ca?: string; method?: string; body?: string } = {}): Promise<string> {
  const r = await call(url, opts);
  if (r.status < 200 || r.status > 299) throw new Error(`${opts.method ?? 'GET'} ${url}: HTTP ${r.status} ${r.body}`);
  return r.body;
}

// Each server runs under a small sh watchdog in its own process group: when the test process
// dies without running its exit handler (SIGKILL, a worker torn down), the watchdog sees the
// parent gone within half a second and kills the server; stop() kills the whole group.
const WATCHDOG = 'parent=$1; shift; "$@" & child=$!; while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.5; done; kill -9 "$child" 2>/dev/null; wait "$child"';

function launch(cmd: string, args: string[], env: Record<string, string>, log: { text: string }): ChildProcess {
  const child = spawn('sh', ['-c', WATCHDOG, 'watchdog', String(process.pid), cmd, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const append = (d: Buffer) => {
    log.text += d.toString();
    if (log.text.length > 200_000) log.text = log.text.slice(-100_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return Object.assign(child, { label: cmd });
}

/** SIGKILL to the watchdog's process group: the watchdog and the server. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    killGroup(child);
  });
}

/** Polls until `probe` succeeds; fails early when a process exits. */
async function waitFor(what: string, probe: () => Promise<unknown>, children: ChildProcess[], logs: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) throw new Error(`${what}: ${(dead as ChildProcess & { label?: string }).label ?? dead.spawnfile} exited (${dead.exitCode ?? dead.signalCode}):\n${logs()}`);
    try {
      await probe();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} did not answer in 20 s (${(err as Error).message}):\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startOnce(opts: PebbleOptions, dir: string, tls: ReturnType<typeof makeTls>): Promise<Pebble> {
  const taken = new Set<number>();
  const [acmePort, mgmtPort, httpPort, tlsPort, dnsPort, challPort] = [
    await freePort(false, taken), await freePort(false, taken), await freePort(false, taken),
    await freePort(false, taken), await freePort(true, taken), await freePort(false, taken),
  ];
  const configFile = join(dir, 'pebble-config.json');
  writeFileSync(configFile, JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${acmePort}`,
      managementListenAddress: `127.0.0.1:${mgmtPort}`,
      certificate: tls.certFile,
      privateKey: tls.keyFile,
      httpPort,
      tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: opts.requireEab ?? false,
      ...(opts.eabKeys ? { externalAccountMACKeys: opts.eabKeys } : {}),
    },
  }, null, 2));
  const log = { text: '' };
  const logs = () => log.text;
  const chall = launch('pebble-challtestsrv', [
    '-management', `127.0.0.1:${challPort}`,
    '-dns01', `127.0.0.1:${dnsPort}`,
    '-defaultIPv4', '127.0.0.1',
    '-defaultIPv6', '',
    '-http01', '', '-https01', '', '-tlsalpn01', '',
  ], {}, log);
  const pebble = launch('pebble', ['-config', configFile, '-dnsserver', `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: '0',
    PEBBLE_AUTHZREUSE: '0',
    ...opts.env,
  }, log);
  const children = [pebble, chall];
  const ca = readFileSync(tls.caFile, 'utf8');
  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const managementUrl = `https://127.0.0.1:${mgmtPort}`;
  const challtestsrvUrl = `http://127.0.0.1:${challPort}`;
  const stop = async () => {
    await Promise.all(children.map(kill));
  };
  try {
    await waitFor('pebble', () => ok(directoryUrl, { ca }), children, logs);
    await waitFor('pebble management', () => ok(`${managementUrl}/roots/0`, { ca }), children, logs);
    // Any HTTP answer means the management server is up (its root path is a 404).
    await waitFor('pebble-challtestsrv', () => call(`${challtestsrvUrl}/`), children, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  const post = (path: string, body: object) => ok(`${challtestsrvUrl}${path}`, { method: 'POST', body: JSON.stringify(body) }).then(() => {});
  const fqdn = (host: string) => (host.endsWith('.') ? host : `${host}.`);
  return {
    directoryUrl,
    caFile: tls.caFile,
    httpPort,
    tlsPort,
    dnsPort,
    challtestsrvUrl,
    managementUrl,
    directory: async () => JSON.parse(await ok(directoryUrl, { ca })) as Record<string, unknown>,
    roots: () => ok(`${managementUrl}/roots/0`, { ca }),
    intermediates: () => ok(`${managementUrl}/intermediates/0`, { ca }),
    async certStatus(serialHex) {
      // Pebble keys certificates by Go's %x of the serial: lower case, no leading zeros.
      const serial = serialHex.replace(/^0x/i, '').replace(/:/g, '').toLowerCase().replace(/^0+(?=.)/, '');
      const j = JSON.parse(await ok(`${managementUrl}/cert-status-by-serial/${serial}`, { ca })) as { Status: string; Reason?: number; RevokedAt?: string };
      return {
        status: j.Status,
        ...(j.Status === 'Revoked' ? { reason: j.Reason ?? 0, revokedAt: j.RevokedAt } : {}),
      };
    },
    setTxt: (host, value) => post('/set-txt', { host: fqdn(host), value }),
    clearTxt: (host) => post('/clear-txt', { host: fqdn(host) }),
    logs,
    stop,
  };
}

/**
 * Starts Pebble and challtestsrv and waits until the directory answers. Call stop() in afterAll;
 * the processes are also killed when the test process exits.
 */
export async function startPebble(opts: PebbleOptions = {}): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 'reissue-pebble-'));
  const tls = makeTls(dir);
  // A port picked free can be taken by a parallel test file before Pebble binds it: try again.
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const p = await startOnce(opts, dir, tls);
      return {
        ...p,
        async stop() {
          await p.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      last = err;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw last;
}
