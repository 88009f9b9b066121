// 3. CSR checks: checkCsr (in-process) against bare node:crypto verification of the same
// openssl-made CSRs' signatures, alternating short time slices in one process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryPath, runEntry } from './lib/env.mjs';
import { makeOpensslCsrs } from './lib/openssl-csrs.mjs';
import { median, summary } from './lib/stats.mjs';

export function benchCsrChecks({ rounds, sliceMs, perKind, entries, env, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'reissue-bench-csr-'));
  try {
    log('  making CSRs with openssl');
    makeOpensslCsrs(dir, perKind);
    log('  checkCsr vs crypto.verify');
    const r = runEntry(entryPath(entries, 'csr-checks'), [dir, rounds, sliceMs], { env });
    const out = {};
    for (const [kind, s] of Object.entries(r)) {
      out[kind] = {
        checksPerSecond: summary(s.checks),
        verifyPerSecond: summary(s.rawImport),
        verifyReadyKeyPerSecond: summary(s.raw),
        // Overhead: how many times longer a full check takes than verifying the CSR's signature.
        overhead: summary(s.checks.map((c, i) => s.rawImport[i] / c)),
        overheadVsReadyKey: summary(s.checks.map((c, i) => s.raw[i] / c)),
      };
      out[kind].overheadOfMedians = median(s.rawImport) / median(s.checks);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
