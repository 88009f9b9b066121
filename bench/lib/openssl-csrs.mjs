// A set of openssl-made CSRs (RSA-2048 and EC P-256) for the CSR-check benchmark.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeOpensslCsrs(dir, perKind) {
  const kinds = [
    ['rsa-2048', ['-newkey', 'rsa:2048']],
    ['ec-p256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ];
  for (const [kind, keyArgs] of kinds) {
    for (let i = 0; i < perKind; i++) {
      const name = `${kind}-${i}`;
      const domain = `host${i}.${kind}.bench.example`;
      execFileSync('openssl', ['req', '-new', ...keyArgs, '-nodes', '-keyout', '/dev/null', '-sha256', '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`, '-out', join(dir, `${name}.csr`)], { stdio: ['ignore', 'ignore', 'pipe'] });
      writeFileSync(join(dir, `${name}.domain`), domain);
    }
  }
  // The key of "the certificate being replaced": a reissue must not reuse it.
  const spki = execFileSync('sh', ['-c', 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -outform DER']);
  writeFileSync(join(dir, 'other.spki.der'), spki);
}
