// 7. ACME issuance: one certificate through ACME on one Pebble (real http-01 validation, EC P-256,
// a fresh order each time) by `reissue` against `certbot certonly` and `lego run`, as per-run
// ratios in one run (bench/entries/acme-issuance.ts does the runs; see bench/README.md).
import { BIN, entryPath, runEntry } from './lib/env.mjs';
import { median, summary } from './lib/stats.mjs';

export async function benchAcme({ runs, entries, env, log }) {
  log(`  ${runs} run(s) of certbot, lego and reissue against one Pebble`);
  const r = runEntry(entryPath(entries, 'acme-issuance'), [BIN, runs], { env, timeoutMs: 900_000 });
  const pair = (a, b) => (r.ms[a].length === r.ms[b].length ? r.ms[a].map((x, i) => x / r.ms[b][i]) : []);
  const out = {
    runs,
    certbot: summary(r.ms.certbot),
    lego: summary(r.ms.lego),
    legoVsCertbot: summary(pair('lego', 'certbot')),
    samples: r.ms,
  };
  if (r.reissueError || r.ms.reissue.length !== runs) {
    // The reference clients were measured; reissue's side is reported as not measured, with why.
    out.reissueError = r.reissueError ?? `reissue measured ${r.ms.reissue.length} of ${runs} runs`;
    return out;
  }
  out.reissue = summary(r.ms.reissue);
  out.reissueVsCertbot = summary(pair('reissue', 'certbot'));
  out.reissueVsLego = summary(pair('reissue', 'lego'));
  out.ratioOfMedians = { certbot: median(r.ms.reissue) / median(r.ms.certbot), lego: median(r.ms.reissue) / median(r.ms.lego) };
  return out;
}
