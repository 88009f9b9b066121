// A real portal service on a temp data dir, served on 127.0.0.1:0, plus the accounts and tokens
// the HTTP tests use. Accounts are created through the service before the server opens the same
// data directory, exactly as `reissue admin ...` does next to a running `reissue serve`.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import type { Certificate } from '../../src/domain/types.js';
import { buildCsr } from '../../src/pki/csr-build.js';
import { softwareCrypto } from '../../src/pki/x509.js';
import { createHttpPortal, type HttpPortalOptions } from '../../src/portal/http/client.js';
import type { Portal } from '../../src/portal/portal.js';
import { startServer, type ServeOptions } from '../../src/server/http/serve.js';
import { openPortalService } from '../../src/server/service.js';

export const run = promisify(execFile);

export interface TestPortal {
  dir: string;
  dataDir: string;
  url: string;
  /** Plaintext tokens: demo (customer of demo-partner), demo-partner, other (the seeded customer acme), other-partner (no customers). */
  tokens: Record<'demo' | 'partner' | 'other' | 'otherPartner', string>;
  client(token: string, extra?: Partial<HttpPortalOptions>): Portal;
  close(): Promise<void>;
}

export async function startTestPortal(opts: { clock?: Clock; serve?: Partial<ServeOptions> } = {}): Promise<TestPortal> {
  const dir = await mkdtemp(join(tmpdir(), 'reissue-http-'));
  const dataDir = join(dir, 'data');
  const clock = opts.clock ?? systemClock;
  const admin = await openPortalService({ dataDir, clock });
  let tokens: TestPortal['tokens'];
  try {
    await admin.createAccount('other-partner', 'partner');
    tokens = {
      demo: await admin.createToken('demo'),
      partner: await admin.createToken('demo-partner'),
      other: await admin.createToken('acme'),
      otherPartner: await admin.createToken('other-partner'),
    };
  } finally {
    admin.close();
  }
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, clock, ...opts.serve });
  const clients: Portal[] = [];
  return {
    dir,
    dataDir,
    url: server.url,
    tokens,
    client(token, extra) {
      const c = createHttpPortal({ url: server.url, token, ...extra });
      clients.push(c);
      return c;
    },
    async close() {
      await server.close();
      await Promise.allSettled(clients.map((c) => c.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh EC P-256 key pair and a CSR for this certificate's name and domains (PEM bytes). */
export async function csrFor(cert: Certificate): Promise<Uint8Array> {
  const keys = (await softwareCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pem = await buildCsr({ commonName: cert.commonName, domains: cert.domains, organization: cert.organization }, keys);
  return new TextEncoder().encode(pem);
}

/** The first certificate of the page that can be reissued with a CSR. */
export function reissuable(items: Certificate[]): Certificate {
  const cert = items.find((c) => c.state === 'valid' && !c.replacedBy && c.keySources.includes('csr'));
  if (!cert) throw new Error('the seeded portal has no valid CSR certificate');
  return cert;
}

/** Writes bytes to a file in `dir` and returns its path (for openssl). */
export async function fileWith(dir: string, name: string, data: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}
