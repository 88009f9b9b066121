// openssl as the independent judge of what reissue produces.
import { execFileSync, spawnSync } from 'node:child_process';

export function openssl(args: string[], input?: string | Buffer): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs openssl and returns exit status and combined output, without throwing. */
export function opensslStatus(args: string[], input?: string | Buffer): { status: number; output: string } {
  const r = spawnSync('openssl', args, { input, encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** A new key and CSR made by openssl. `keyArgs` e.g. ['-newkey', 'rsa:2048'] or EC params. */
export function opensslCsr(dir: string, name: string, opts: { key: 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384' | 'rsa-1024'; cn: string; sans: string[]; md?: string }): { csrPath: string; keyPath: string } {
  const keyPath = `${dir}/${name}.key`;
  const csrPath = `${dir}/${name}.csr`;
  const keyArgs = opts.key.startsWith('rsa')
    ? ['-newkey', `rsa:${opts.key.slice(4)}`]
    : ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${opts.key === 'ec-p256' ? 'P-256' : 'P-384'}`];
  openssl([
    'req', '-new', ...keyArgs, '-nodes', '-keyout', keyPath, '-out', csrPath,
    '-subj', `/CN=${opts.cn}`,
    ...(opts.sans.length ? ['-addext', `subjectAltName=${opts.sans.map((s) => `DNS:${s}`).join(',')}`] : []),
    `-${opts.md ?? 'sha256'}`,
  ]);
  return { csrPath, keyPath };
}

/** SubjectPublicKeyInfo DER (hex) of a PEM certificate, CSR or key, as openssl sees it. */
export function publicKeyHex(path: string, kind: 'x509' | 'req'): string {
  const pem = openssl([kind, '-in', path, '-noout', '-pubkey']);
  return execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pem }).toString('hex');
}
