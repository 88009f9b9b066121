// Small statistics for noisy machines: medians, percentiles, min/max, and the ratio of medians.

export function sorted(xs) {
  return [...xs].sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** { median, min, max, n } of a list of samples. */
export function summary(xs) {
  const s = sorted(xs);
  return { median: median(s), min: s[0] ?? NaN, max: s.at(-1) ?? NaN, n: s.length };
}

/** Round to a few significant decimals for tables and JSON. */
export function round(x, digits = 2) {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Runs the two sides alternately (a, b, a, b, …) so that drifts in machine load hit both alike;
 * returns their samples and per-pair ratios (a / b).
 */
export async function interleave(runs, a, b) {
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const x = await a(i);
    const y = await b(i);
    as.push(x);
    bs.push(y);
    ratios.push(x / y);
  }
  return { a: summary(as), b: summary(bs), ratio: summary(ratios), ratioOfMedians: median(as) / median(bs) };
}
