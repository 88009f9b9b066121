// Weak public keys, one rule per weakness (the shape of Let's Encrypt's boulder `goodkey`): pure
// BigInt arithmetic, no I/O. The CSR check runs them on every request and the CA runs them again
// on every key it certifies, whatever its source (CSR, card, cloud key store), so a key that any
// of them refuses is never issued. Each rule is bounded: the whole check of an RSA 4096 key takes
// ~90 µs on an idle core, about 1.5 signature verifications (measured in test/pki/weak-key.test.ts).

import type { WeakKeyCode } from '../domain/types.js';

export type { WeakKeyCode };

export interface WeakKeyFinding {
  code: WeakKeyCode;
  /** Values the message names (the exponent, the factor found). */
  values?: Record<string, string | number>;
}

/** CA/Browser Forum Baseline Requirements 6.1.6: the public exponent lies in [2^16+1, 2^256-1]. */
export const MIN_RSA_EXPONENT = 65537n;
export const MAX_RSA_EXPONENT = (1n << 256n) - 1n;
/** Fermat rounds: p and q closer than about 2^(bits/4 + 5) are found within these few steps. */
export const FERMAT_ROUNDS = 100;

/** Every weakness found in an RSA public key (n, e); empty when none. */
export function rsaWeaknesses(n: bigint, e: bigint): WeakKeyFinding[] {
  const found: WeakKeyFinding[] = [];
  const exponent = exponentWeakness(e);
  if (exponent) found.push(exponent);
  // Cheapest first; a modulus that fails one rule is not worth the later, costlier ones.
  const small = new SmallResidues(n);
  const modulus = evenModulus(n) ?? smallFactor(n, small) ?? rocaFingerprint(n, small) ?? primePower(n, small) ?? closePrimes(n);
  if (modulus) found.push(modulus);
  return found;
}

export function exponentWeakness(e: bigint): WeakKeyFinding | null {
  if (e === 1n) return { code: 'rsa-exponent-one' };
  if (e % 2n === 0n) return { code: 'rsa-exponent-even', values: { exponent: shortNumber(e) } };
  if (e < MIN_RSA_EXPONENT) return { code: 'rsa-exponent-small', values: { exponent: shortNumber(e) } };
  if (e > MAX_RSA_EXPONENT) return { code: 'rsa-exponent-large' };
  return null;
}

export function evenModulus(n: bigint): WeakKeyFinding | null {
  return n % 2n === 0n ? { code: 'rsa-modulus-even' } : null;
}

/**
 * n modulo small numbers: one BigInt division by a product of several small primes (below 2^53,
 * a single machine word for the divisor), then plain arithmetic prime by prime. Remainders by
 * each product are kept, so every rule that needs n mod a small prime shares them.
 */
export class SmallResidues {
  private readonly cache = new Map<number, number>();
  constructor(private readonly n: bigint) {}
  /** n mod m, for m < 2^53. */
  mod(m: number): number {
    let r = this.cache.get(m);
    if (r === undefined) {
      r = Number(this.n % BigInt(m));
      this.cache.set(m, r);
    }
    return r;
  }
}

/** Primes grouped so that each group's product stays below 2^53. */
function groupPrimes(primes: number[]): Array<{ product: number; primes: number[] }> {
  const groups: Array<{ product: number; primes: number[] }> = [];
  for (const p of primes) {
    const last = groups[groups.length - 1];
    if (last && last.product * p < 2 ** 53) {
      last.product *= p;
      last.primes.push(p);
    } else groups.push({ product: p, primes: [p] });
  }
  return groups;
}

/** n mod p for every prime of the groups, one BigInt division per group. */
function residuesOf(small: SmallResidues, groups: Array<{ product: number; primes: number[] }>): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of groups) {
    const r = small.mod(g.product);
    for (const p of g.primes) out.set(p, r % p);
  }
  return out;
}

// The primes below 752. Reducing n by each group's product and testing prime by prime is the same
// test as one gcd with the product of all of them, which in BigInt costs ~10x more.
const SMALL_PRIME_GROUPS = groupPrimes(primesBelow(752));

/** A factor below 752 (2 is caught first as an even modulus). */
export function smallFactor(n: bigint, small = new SmallResidues(n)): WeakKeyFinding | null {
  for (const [p, r] of residuesOf(small, SMALL_PRIME_GROUPS)) if (r === 0) return { code: 'rsa-small-factor', values: { factor: p } };
  return null;
}

/**
 * n = m^k for some k ≥ 2 (a prime power is one). Only prime k need testing (m^6 = (m^2)^3), and
 * with no factor below 752, m > 751, so k stays below bits / log2(752). Each k is first tested
 * modulo small primes q ≡ 1 (mod k), where only one residue in k is a k-th power (Euler's
 * criterion); the exact root is computed only for the rare n that passes them all.
 */
export function primePower(n: bigint, small = new SmallResidues(n)): WeakKeyFinding | null {
  const maxK = Math.floor(bitLength(n) / Math.log2(752));
  for (const k of primesBelow(maxK + 1)) {
    if (!mayBePower(small, k)) continue;
    const r = integerRoot(n, k);
    if (r ** BigInt(k) === n) return { code: 'rsa-prime-power', values: { power: k } };
  }
  return null;
}

const POWER_FILTERS = 8;
const filterPrimes = new Map<number, number[]>();

/** The first POWER_FILTERS primes q = 2kj + 1 (so q ≡ 1 mod k), below 2^24. */
function filterPrimesFor(k: number): number[] {
  const qs: number[] = [];
  for (let q = 2 * k + 1; qs.length < POWER_FILTERS && q < 1 << 24; q += 2 * k) if (isSmallPrime(q)) qs.push(q);
  return qs;
}

function isSmallPrime(q: number): boolean {
  if (q % 2 === 0) return q === 2;
  for (let d = 3; d * d <= q; d += 2) if (q % d === 0) return false;
  return q > 1;
}

/** False when some small prime q ≡ 1 (mod k) shows that n is not a k-th power. */
function mayBePower(small: SmallResidues, k: number): boolean {
  let qs = filterPrimes.get(k);
  if (!qs) {
    qs = filterPrimesFor(k);
    filterPrimes.set(k, qs);
  }
  for (const q of qs) {
    const x = small.mod(q);
    if (x !== 0 && powMod(x, (q - 1) / k, q) !== 1) return false;
  }
  return true;
}

/** x^e mod m for m < 2^24 (every product stays exact in a double). */
function powMod(x: number, e: number, m: number): number {
  let result = 1;
  let base = x % m;
  while (e > 0) {
    if (e & 1) result = (result * base) % m;
    base = (base * base) % m;
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * Fermat's method for a bounded number of rounds: n = a² − b² = (a − b)(a + b) is found within
 * FERMAT_ROUNDS steps from ⌈√n⌉ when the two primes are close (|p − q| small against n^¼). Each
 * round follows a and a² − n modulo SQUARE_MODULUS in plain numbers; only a value that is a square
 * modulo all of 64, 63, 65 and 11 (about 1 in 120) is tested exactly.
 */
export function closePrimes(n: bigint, rounds = FERMAT_ROUNDS): WeakKeyFinding | null {
  let a0 = integerRoot(n, 2);
  if (a0 * a0 < n) a0 += 1n;
  const M = BigInt(SQUARE_MODULUS);
  let am = Number(a0 % M);
  let bm = Number((a0 * a0 - n) % M);
  for (let i = 0; i < rounds; i++) {
    if (squareModuloFilters(bm)) {
      const a = a0 + BigInt(i);
      const b2 = a * a - n;
      const b = integerRoot(b2, 2);
      if (b * b === b2 && a - b > 1n) return { code: 'rsa-close-primes' };
    }
    // (a + 1)² − n = (a² − n) + 2a + 1
    bm = (bm + 2 * am + 1) % SQUARE_MODULUS;
    am = (am + 1) % SQUARE_MODULUS;
  }
  return null;
}

// ROCA (CVE-2017-15361, Infineon RSALib): its primes are k·M + (65537^a mod M), M a primorial,
// so n mod r lies in the subgroup generated by 65537 mod r for every small prime r dividing M.
// A random modulus passes that test for all of these primes with negligible probability.
const ROCA_PRIMES = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167];
const ROCA_GROUPS = groupPrimes(ROCA_PRIMES);
let rocaSubgroups: Array<{ prime: number; members: Set<number> }> | null = null;

export function rocaFingerprint(n: bigint, small = new SmallResidues(n)): WeakKeyFinding | null {
  rocaSubgroups ??= ROCA_PRIMES.map((prime) => {
    const g = 65537 % prime;
    const members = new Set<number>();
    for (let x = 1; !members.has(x); x = (x * g) % prime) members.add(x);
    return { prime, members };
  });
  const residues = residuesOf(small, ROCA_GROUPS);
  for (const { prime, members } of rocaSubgroups) if (!members.has(residues.get(prime)!)) return null;
  return { code: 'rsa-roca' };
}

// --- EC ----------------------------------------------------------------------------------------

interface Curve {
  p: bigint;
  a: bigint;
  b: bigint;
  /** Field element size in bytes. */
  size: number;
}

// SEC 2 / FIPS 186-4 domain parameters of the curves the portal certifies (both have cofactor 1,
// so a point on the curve other than the identity lies in the prime-order group).
const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    size: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    size: 48,
  },
};

/**
 * The weakness of an EC public point (SEC 1 encoding: 04‖x‖y, or compressed 02/03‖x) on a
 * curve the portal certifies; null when it is a valid point. Unknown curves are not judged here.
 */
export function ecPointWeakness(curveName: string, point: Uint8Array): WeakKeyFinding | null {
  const curve = CURVES[curveName];
  if (!curve) return null;
  if (point.length === 1 && point[0] === 0x00) return { code: 'ec-point-infinity' };
  const tag = point[0];
  const uncompressed = tag === 0x04 && point.length === 1 + 2 * curve.size;
  const compressed = (tag === 0x02 || tag === 0x03) && point.length === 1 + curve.size;
  if (!uncompressed && !compressed) return { code: 'ec-point-malformed' };
  const x = toBigInt(point.subarray(1, 1 + curve.size));
  if (x >= curve.p) return { code: 'ec-point-out-of-range' };
  const rhs = mod(x * x * x + curve.a * x + curve.b, curve.p);
  if (compressed) {
    // A compressed point names only x: it is on the curve when x³ + ax + b is a square mod p
    // (p ≡ 3 mod 4 for both curves, so the root is rhs^((p+1)/4)).
    const y = modPow(rhs, (curve.p + 1n) / 4n, curve.p);
    return (y * y) % curve.p === rhs ? null : { code: 'ec-point-not-on-curve' };
  }
  const y = toBigInt(point.subarray(1 + curve.size));
  if (y >= curve.p) return { code: 'ec-point-out-of-range' };
  return mod(y * y, curve.p) === rhs ? null : { code: 'ec-point-not-on-curve' };
}

// --- arithmetic --------------------------------------------------------------------------------

export function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length ? BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`) : 0n;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  base %= m;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % m;
    base = (base * base) % m;
    exp >>= 1n;
  }
  return result;
}

/**
 * ⌊n^(1/k)⌋ by Newton's method, started from a floating-point estimate (about 50 correct bits)
 * just above the root, so it converges in a few steps whatever k is.
 */
export function integerRoot(n: bigint, k: number): bigint {
  if (n < 2n) return n;
  const bits = bitLength(n);
  const shift = Math.max(0, bits - 64);
  const top = Number(n >> BigInt(shift));
  const log2 = (Math.log2(top) + shift) / k; // log2 of the root
  let x: bigint;
  if (log2 < 50) {
    x = BigInt(Math.ceil(2 ** log2 * (1 + 1e-9))) + 1n;
  } else {
    const whole = Math.floor(log2) - 52;
    x = (BigInt(Math.ceil(2 ** (log2 - whole) * (1 + 1e-12))) << BigInt(whole)) + 1n;
  }
  const K = BigInt(k);
  // Newton from above decreases monotonically to ⌊root⌋.
  for (;;) {
    const y = ((K - 1n) * x + n / x ** (K - 1n)) / K;
    if (y >= x) break;
    x = y;
  }
  while (x ** K > n) x -= 1n;
  while ((x + 1n) ** K <= n) x += 1n;
  return x;
}

// Quadratic residues modulo small numbers: most non-squares are rejected without a square root.
const SQUARE_MODULI = [64, 63, 65, 11];
const SQUARE_MODULUS = SQUARE_MODULI.reduce((a, m) => a * m, 1); // 2,882,880
const SQUARE_RESIDUES = SQUARE_MODULI.map((m) => {
  const residues = new Uint8Array(m);
  for (let i = 0; i < m; i++) residues[(i * i) % m] = 1;
  return { m, residues };
});

function squareModuloFilters(x: number): boolean {
  for (const { m, residues } of SQUARE_RESIDUES) if (!residues[x % m]) return false;
  return true;
}

function primesBelow(limit: number): number[] {
  const sieve = new Uint8Array(Math.max(limit, 2));
  const out: number[] = [];
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < limit; j += i) sieve[j] = 1;
  }
  return out;
}

/** An exponent as the message shows it: whole when short, else its size. */
function shortNumber(e: bigint): string {
  const s = e.toString();
  return s.length <= 20 ? s : `${bitLength(e)}-bit number`;
}
