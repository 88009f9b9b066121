// The reference ACME clients, run for real against the Pebble harness: `certbot certonly
// --standalone` and `lego run`, each answering http-01 with its own server on Pebble's httpPort,
// each with an EC P-256 key, each in its own folder. Used by the `acme import` tests (a
// certificate obtained by certbot) and the benchmark (the same order by each client).
//
// Both bind 127.0.0.1:httpPort while they run: run one client at a time per Pebble, and not while
// another responder (reissue's, a test's) holds that port.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pebble } from './pebble.js';

export interface ObtainedCert {
  /** The leaf alone (PEM). */
  certFile: string;
  /** The leaf's private key (PEM, EC P-256). */
  keyFile: string;
  /** The issuer chain the CA returned, without the leaf (PEM). */
  chainFile: string;
  /** Leaf followed by the chain (PEM). */
  fullchainFile: string;
  /** The client's output, for failure messages. */
  output: string;
}

export interface ClientOrder {
  /** Names for the certificate; the first is its main name. */
  domains: string[];
  /** The client's own folder (config, account, logs, certificates); calling again with the same folder reuses the account and obtains a new certificate. */
  dir: string;
  /** Account contact; certbot registers without one when absent. */
  email?: string;
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${out}`));
    });
  });
}

/** `certbot certonly --standalone`: http-01 on 127.0.0.1:httpPort, ECDSA secp256r1. */
export async function certbotCertonly(pebble: Pebble, order: ClientOrder): Promise<ObtainedCert> {
  const d = (sub: string) => {
    const p = join(order.dir, sub);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const config = d('config');
  const output = await run('certbot', [
    // --force-renewal: a second call in the same folder obtains a new certificate (a new order and
    // key) instead of keeping the one that is not yet due, as lego run does.
    'certonly', '--standalone', '--non-interactive', '--agree-tos', '--force-renewal',
    ...(order.email ? ['--email', order.email] : ['--register-unsafely-without-email']),
    '--server', pebble.directoryUrl,
    '--config-dir', config, '--work-dir', d('work'), '--logs-dir', d('logs'),
    '--http-01-address', '127.0.0.1', '--http-01-port', String(pebble.httpPort),
    '--key-type', 'ecdsa', '--elliptic-curve', 'secp256r1',
    ...order.domains.flatMap((name) => ['-d', name]),
  ], {
    // certbot trusts the TLS endpoint through python-requests' bundle variable.
    REQUESTS_CA_BUNDLE: pebble.caFile,
  });
  const live = join(config, 'live', order.domains[0]!);
  return { certFile: join(live, 'cert.pem'), keyFile: join(live, 'privkey.pem'), chainFile: join(live, 'chain.pem'), fullchainFile: join(live, 'fullchain.pem'), output };
}

/** `lego run`: http-01 on 127.0.0.1:httpPort, key type ec256. */
export async function legoRun(pebble: Pebble, order: ClientOrder): Promise<ObtainedCert> {
  const path = join(order.dir, 'lego');
  mkdirSync(path, { recursive: true });
  const output = await run('lego', [
    '--server', pebble.directoryUrl, '--accept-tos', '--email', order.email ?? 'lego@reissue.test',
    '--path', path, '--key-type', 'ec256',
    '--http', '--http.port', `127.0.0.1:${pebble.httpPort}`,
    ...order.domains.flatMap((name) => ['--domains', name]),
    'run',
  ], {
    LEGO_CA_CERTIFICATES: pebble.caFile,
  });
  // lego names the files after the main domain, a leading "*." as "_".
  const base = join(path, 'certificates', order.domains[0]!.replace(/^\*/, '_'));
  // NAME.crt is the leaf followed by its chain (lego's default bundle); the leaf alone is its
  // first block, written next to it so every client hands back the same four files.
  const fullchainFile = `${base}.crt`;
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(readFileSync(fullchainFile, 'utf8'))?.[0];
  if (!leaf) throw new Error(`lego wrote no certificate in ${fullchainFile}:\n${output}`);
  const certFile = `${base}.leaf.pem`;
  writeFileSync(certFile, leaf);
  return { certFile, keyFile: `${base}.key`, chainFile: `${base}.issuer.crt`, fullchainFile, output };
}
