// Key material with a chosen weakness, for the weak-key tests: RSA keys built from primes the test
// picks (node's BigInt, then crypto.createPrivateKey from a JWK), CSRs for them signed by the
// project's own CSR builder, and EC requests whose point was changed after signing.
import { checkPrimeSync, createPrivateKey, createPublicKey, generatePrimeSync, randomBytes, webcrypto, type JsonWebKey } from 'node:crypto';
import { toBigInt } from '../../src/pki/weak-key.js';
import { buildCsr, type CsrSubject } from '../../src/pki/csr-build.js';
import { decodePemBlocks, encodePem } from '../../src/pki/pem.js';
import { readTlv, children } from '../../src/pki/der.js';

const b64u = (n: bigint) => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
};

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [((a % m) + m) % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('not invertible');
  return ((s0 % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b ? gcd(b, a % b) : a);

/** An RSA private key JWK for n = p·q with public exponent e. */
export function rsaJwk(p: bigint, q: bigint, e: bigint): JsonWebKey {
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = e === 1n ? 1n : modInverse(e, lambda);
  return {
    kty: 'RSA',
    n: b64u(p * q),
    e: b64u(e),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
}

export const SUBJECT: CsrSubject = { commonName: 'assecodata.pl', domains: ['assecodata.pl', 'www.assecodata.pl'] };

/** The DER SubjectPublicKeyInfo of n = p·q, e. */
export function rsaSpki(p: bigint, q: bigint, e: bigint): Uint8Array {
  return new Uint8Array(createPublicKey(createPrivateKey({ key: rsaJwk(p, q, e), format: 'jwk' })).export({ type: 'spki', format: 'der' }));
}

/** A PEM CSR for the key n = p·q, e, signed (SHA-256, PKCS#1 v1.5) by the project's CSR builder. */
export async function rsaCsr(p: bigint, q: bigint, e: bigint, subject: CsrSubject = SUBJECT): Promise<string> {
  const key = createPrivateKey({ key: rsaJwk(p, q, e), format: 'jwk' });
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, alg, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']);
  return buildCsr(subject, { privateKey, publicKey } as CryptoKeyPair);
}

/** A random prime of `bits` bits for which `accept` holds. */
export function primeWhere(bits: number, accept: (p: bigint) => boolean = () => true): bigint {
  for (;;) {
    const p = generatePrimeSync(bits, { bigint: true });
    if (accept(p)) return p;
  }
}

/** The next prime after n. */
export function nextPrime(n: bigint): bigint {
  let c = n % 2n === 0n ? n + 1n : n + 2n;
  while (!checkPrimeSync(c)) c += 2n;
  return c;
}

/** Two primes of a 2048-bit modulus next to each other: p, then the next prime after it. */
export function closePrimePair(bits = 1024): [bigint, bigint] {
  const p = primeWhere(bits, (x) => x % 65537n !== 1n);
  let q = nextPrime(p);
  while (q % 65537n === 1n) q = nextPrime(q);
  return [p, q];
}

/** Ordinary 1024-bit primes with gcd(e, p−1) = 1, for a 2048-bit key with exponent e. */
export function primesFor(e: bigint, bits = 1024): [bigint, bigint] {
  const ok = (x: bigint) => e === 1n || gcd(e, x - 1n) === 1n;
  return [primeWhere(bits, ok), primeWhere(bits, ok)];
}

// ROCA-structured primes made here: p = k·M + (65537^a mod M), M the product of the primes to 167;
// the top two bits set, so that two of them make a full 2048-bit modulus.
const PRIMORIAL = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167].reduce((a, p) => a * BigInt(p), 1n);
export function rocaPrime(bits: number): bigint {
  for (;;) {
    const k = toBigInt(randomBytes(bits / 8)) / PRIMORIAL | 1n;
    let g = 1n;
    let base = 65537n;
    for (let a = toBigInt(randomBytes(4)); a > 0n; a >>= 1n) {
      if (a & 1n) g = (g * base) % PRIMORIAL;
      base = (base * base) % PRIMORIAL;
    }
    const p = k * PRIMORIAL + g;
    if (p >> BigInt(bits - 2) === 3n && (p - 1n) % 65537n !== 0n && checkPrimeSync(p)) return p;
  }
}

/**
 * A CSR whose EC point was replaced after signing (the signature no longer matches; the check
 * must name the point, not only the signature). `edit` gets the SEC 1 point bytes and returns the
 * new point of the same length.
 */
export function withEcPoint(csrPem: string, edit: (point: Uint8Array) => Uint8Array): string {
  const der = new Uint8Array(decodePemBlocks(csrPem)[0]!.der);
  const outer = readTlv(der, 0);
  const info = children(der, outer)[0]!;
  const spki = children(der, info)[2]!;
  const bits = children(der, spki)[1]!;
  const start = bits.valueStart + 1; // after the unused-bits byte
  const point = der.slice(start, bits.end);
  const replaced = edit(point);
  if (replaced.length !== point.length) throw new Error('same length only');
  der.set(replaced, start);
  return encodePem('CERTIFICATE REQUEST', der);
}
