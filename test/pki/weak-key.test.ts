// The weak-key rules one by one (each with a vector it must refuse and one it must pass), then the
// CSR check on requests built from chosen primes and signed by the project's own CSR builder, and
// the CA refusing such a key even when nobody ran the CSR check.
import { ECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { parseSpki } from '../../src/pki/csr-parse.js';
import {
  closePrimes,
  ecPointWeakness,
  evenModulus,
  exponentWeakness,
  integerRoot,
  primePower,
  rocaFingerprint,
  rsaWeaknesses,
  smallFactor,
  toBigInt,
} from '../../src/pki/weak-key.js';
import { weakKeyProblems } from '../../src/pki/weak-key-problem.js';
import { refuseWeakKey, SandboxCa } from '../../src/server/ca.js';
import { translator } from '../../src/i18n/i18n.js';
import { ReissueError } from '../../src/domain/errors.js';
import { closePrimePair, primeWhere, primesFor, rocaPrime, rsaCsr, rsaSpki, withEcPoint } from './weak-keys.js';
import { buildCsr } from '../../src/pki/csr-build.js';
import { softwareCrypto } from '../../src/pki/software-crypto.js';

const ORDER: CsrCheckContext = { domains: ['assecodata.pl', 'www.assecodata.pl'], algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] };
const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code);

// crocs-muni/roca, roca/tests/data/mod03.txt (MIT licence): a 2048-bit modulus from a vulnerable
// Infineon generator, listed as a positive vector in that folder's README.
const ROCA_MOD03 = BigInt(
  '0x9dcd7420e420c270a68060eb8b5aa7457a9f6648f86fafed2775cc1f79ae962f1e63f1b9e51c55f9ea6fdc7332e9b0058c9ff2eb1fc89855029cf6aafe21e689feb38ac9ffb12f1ce371bb5d0e9aae64161abce74b4244bf68f1edb4411f756a097c8929c14740245ea355f8332d1aa36bb50c7dcb4505da8de02e4e53d38f8df06097da7524df0df93db48eac8cc4af2d3a16257eb2b2adca6ba464e5974fa92550d31b1babf161e7692d00b86e3dd886ecab4abfbe1a8f8cc263ff4af55cdb45f4249a5193925f5e983d762f0b6800943eb0267b08f42ed311ce1f5c86eacbc8ce4d3cb7a2fee1ef5641423a1cf4114e5ecf50034a60a412523af9e6f4aa11',
);

function rsaNumbers(bits: number): { n: bigint; e: bigint } {
  const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' });
  return { n: toBigInt(Buffer.from(jwk.n!, 'base64url')), e: toBigInt(Buffer.from(jwk.e!, 'base64url')) };
}

describe('each weak-key rule refuses its vector and passes a good key', () => {
  const good = rsaNumbers(2048);

  it('public exponent: 1, even, below 65537, above 2^256-1 (CA/B Forum BR 6.1.6)', () => {
    expect(exponentWeakness(1n)?.code).toBe('rsa-exponent-one');
    expect(exponentWeakness(3n)).toEqual({ code: 'rsa-exponent-small', values: { exponent: '3' } });
    expect(exponentWeakness(65535n)?.code).toBe('rsa-exponent-small');
    expect(exponentWeakness(65538n)?.code).toBe('rsa-exponent-even');
    expect(exponentWeakness(1n << 256n)?.code).toBe('rsa-exponent-even');
    expect(exponentWeakness((1n << 256n) + 1n)?.code).toBe('rsa-exponent-large');
    expect(exponentWeakness(65537n)).toBeNull();
    expect(exponentWeakness((1n << 256n) - 1n)).toBeNull();
  });

  it('modulus: even', () => {
    expect(evenModulus(good.n * 2n)?.code).toBe('rsa-modulus-even');
    expect(evenModulus(good.n)).toBeNull();
  });

  it('modulus: a factor below 752 (one gcd), named; 757 is not below it', () => {
    const big = primeWhere(2040);
    expect(smallFactor(751n * big)).toEqual({ code: 'rsa-small-factor', values: { factor: 751 } });
    expect(smallFactor(3n * big)).toEqual({ code: 'rsa-small-factor', values: { factor: 3 } });
    expect(smallFactor(757n * big)).toBeNull();
    expect(smallFactor(good.n)).toBeNull();
  });

  it('modulus: a perfect power (p², p³, p⁵ of large primes)', () => {
    const p = primeWhere(1024);
    expect(primePower(p * p)).toEqual({ code: 'rsa-prime-power', values: { power: 2 } });
    expect(primePower(primeWhere(700) ** 3n)).toEqual({ code: 'rsa-prime-power', values: { power: 3 } });
    expect(primePower(primeWhere(420) ** 5n)).toEqual({ code: 'rsa-prime-power', values: { power: 5 } });
    expect(primePower(p * p + 2n)).toBeNull();
    expect(primePower(good.n)).toBeNull();
  });

  it('integer roots are exact around perfect powers', () => {
    const r = primeWhere(300);
    for (const k of [2, 3, 7]) {
      const n = r ** BigInt(k);
      expect(integerRoot(n, k)).toBe(r);
      expect(integerRoot(n - 1n, k)).toBe(r - 1n);
      expect(integerRoot(n + 1n, k)).toBe(r);
    }
  });

  it('modulus: close primes found by a bounded Fermat search; ordinary primes pass', () => {
    const [p, q] = closePrimePair();
    expect(closePrimes(p * q)).toEqual({ code: 'rsa-close-primes' });
    // Primes 2^600 apart are far beyond the bounded rounds.
    const far = primeWhere(1024, (x) => x > 1n << 1023n);
    const q2 = primeWhere(1024);
    expect(closePrimes(far * q2)).toBeNull();
    expect(closePrimes(good.n)).toBeNull();
  });

  it('ROCA fingerprint: a public vulnerable modulus and one built here; random moduli pass', () => {
    expect(rocaFingerprint(ROCA_MOD03)).toEqual({ code: 'rsa-roca' });
    expect(rsaWeaknesses(ROCA_MOD03, 65537n).map((f) => f.code)).toEqual(['rsa-roca']);
    expect(rocaFingerprint(rocaPrime(1024) * rocaPrime(1024))).toEqual({ code: 'rsa-roca' });
    expect(rocaFingerprint(rsaNumbers(2048).n)).toBeNull();
    // A random 2048-bit number passes the fingerprint with negligible probability.
    for (let i = 0; i < 200; i++) expect(rocaFingerprint(toBigInt(randomBytes(256)) | 1n)).toBeNull();
  });

  it('EC points: valid (uncompressed, compressed), off the curve, out of range, infinity, wrong length', () => {
    for (const [curve, size] of [['P-256', 32], ['P-384', 48]] as const) {
      const jwk = generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ format: 'jwk' });
      const x = Buffer.from(jwk.x!, 'base64url');
      const y = Buffer.from(jwk.y!, 'base64url');
      const point = Buffer.concat([Buffer.from([4]), x, y]);
      expect(ecPointWeakness(curve, point)).toBeNull();
      expect(ecPointWeakness(curve, Buffer.concat([Buffer.from([2 + (y[size - 1]! & 1)]), x]))).toBeNull();
      const offCurve = Buffer.from(point);
      offCurve[offCurve.length - 1]! ^= 1;
      expect(ecPointWeakness(curve, offCurve)?.code).toBe('ec-point-not-on-curve');
      const outOfRange = Buffer.concat([Buffer.from([4]), Buffer.alloc(size, 0xff), y]);
      expect(ecPointWeakness(curve, outOfRange)?.code).toBe('ec-point-out-of-range');
      expect(ecPointWeakness(curve, Buffer.from([0]))?.code).toBe('ec-point-infinity');
      expect(ecPointWeakness(curve, point.subarray(0, point.length - 1))?.code).toBe('ec-point-malformed');
    }
    // Compressed points name only x: whether x³ + ax + b has a square root decides. node's own
    // point decoder is the judge for the first x values.
    for (let x = 0; x < 24; x++) {
      const point = Buffer.concat([Buffer.from([2]), Buffer.alloc(31), Buffer.from([x])]);
      let nodeAccepts = true;
      try {
        ECDH.convertKey(point, 'prime256v1', undefined, undefined, 'uncompressed');
      } catch {
        nodeAccepts = false;
      }
      expect(ecPointWeakness('P-256', point)?.code ?? 'on the curve', `x = ${x}`).toBe(nodeAccepts ? 'on the curve' : 'ec-point-not-on-curve');
    }
  });

  it('good keys of every size pass every rule, and a 4096-bit key is checked in milliseconds', () => {
    for (const bits of [2048, 3072]) expect(rsaWeaknesses(rsaNumbers(bits).n, 65537n)).toEqual([]);
    const big = rsaNumbers(4096);
    expect(rsaWeaknesses(big.n, big.e)).toEqual([]);
    const runs = 50;
    for (let i = 0; i < 10; i++) rsaWeaknesses(big.n, big.e); // warm up the JIT first
    const start = performance.now();
    for (let i = 0; i < runs; i++) rsaWeaknesses(big.n, big.e);
    const perCheck = (performance.now() - start) / runs;
    console.log(`weak-key check of a 4096-bit RSA key: ${perCheck.toFixed(2)} ms (mean of ${runs})`);
    // Generous for a busy shared machine; a few ms is typical.
    expect(perCheck).toBeLessThan(100);
  });
});

describe('the CSR check refuses weak keys, each with its own code and message', () => {
  const en = translator('en');
  const pl = translator('pl');

  async function refused(csr: string, code: string): Promise<string> {
    const r = await checkCsr(Buffer.from(csr), ORDER);
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual([code]);
    const p = r.problems[0]!;
    expect(en(p.text!.key, p.text!.values)).toBe(p.message);
    expect(pl(p.text!.key, p.text!.values)).not.toBe(p.message);
    expect(pl(p.text!.key, p.text!.values)).not.toMatch(/\{\{|csrProblem\./);
    return p.message;
  }

  it('e = 1, e = 3, a factor 3, close primes, ROCA: refused, and the messages differ', async () => {
    const messages = new Set<string>();
    const [p1, q1] = primesFor(1n);
    messages.add(await refused(await rsaCsr(p1, q1, 1n), 'rsa-exponent-one'));
    const [p3, q3] = primesFor(3n);
    messages.add(await refused(await rsaCsr(p3, q3, 3n), 'rsa-exponent-small'));
    const big = primeWhere(2047, (x) => (x - 1n) % 65537n !== 0n);
    messages.add(await refused(await rsaCsr(3n, big, 65537n), 'rsa-small-factor'));
    const [pc, qc] = closePrimePair();
    messages.add(await refused(await rsaCsr(pc, qc, 65537n), 'rsa-close-primes'));
    messages.add(await refused(await rsaCsr(rocaPrime(1024), rocaPrime(1024), 65537n), 'rsa-roca'));
    expect(messages.size).toBe(5);
    expect([...messages].join('\n')).toMatch(/exponent is 1[^]*exponent is 3[^]*divisible by 3[^]*close[^]*ROCA/);
  }, 60_000);

  it('the same primes with e = 65537 and an ordinary distance pass: the key material itself is sound', async () => {
    const [p, q] = primesFor(65537n);
    const r = await checkCsr(Buffer.from(await rsaCsr(p, q, 65537n)), ORDER);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('an EC point moved off the curve after signing is named as such (not only as a bad signature)', async () => {
    const keys = (await softwareCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = await buildCsr({ commonName: 'assecodata.pl', domains: ['assecodata.pl'] }, keys);
    expect((await checkCsr(Buffer.from(csr), ORDER)).ok).toBe(true);
    const off = withEcPoint(csr, (pt) => {
      const out = Uint8Array.from(pt);
      out[out.length - 1]! ^= 1;
      return out;
    });
    await refused(off, 'ec-point-not-on-curve');
    const range = withEcPoint(csr, (pt) => Uint8Array.from([4, ...new Array(32).fill(0xff), ...pt.subarray(33)]));
    await refused(range, 'ec-point-out-of-range');
  });

  it('the public ROCA modulus in a request is refused for its fingerprint', () => {
    const spki = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' });
    const key = parseSpki(spki);
    key.rsa = { modulus: Buffer.from(ROCA_MOD03.toString(16), 'hex'), exponent: key.rsa!.exponent };
    expect(weakKeyProblems(key).map((p) => p.code)).toEqual(['rsa-roca']);
  });
});

describe('the CA refuses a weak key even when the CSR check was skipped', () => {
  it('SandboxCa.issue throws weak-key for e = 3 and issues nothing; a sound key is issued', async () => {
    const { ca } = await SandboxCa.generate(new Date());
    const [p, q] = primesFor(3n);
    const weakSpki = rsaSpki(p, q, 3n);
    const req = { serialNumber: '01', commonName: 'assecodata.pl', domains: ['assecodata.pl'], organization: null, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), usage: 'tls-server' as const };
    const err = await ca.issue({ ...req, publicKeySpki: weakSpki }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReissueError);
    expect((err as ReissueError).code).toBe('weak-key');
    expect((err as ReissueError).exitCode).toBe(3);
    expect(((err as ReissueError).details!.problems as { code: string }[]).map((x) => x.code)).toEqual(['rsa-exponent-small']);
    expect(() => refuseWeakKey(weakSpki)).toThrow(/at least 65537/);
    const sound = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect((await ca.issue({ ...req, publicKeySpki: new Uint8Array(sound) })).serialNumber).toBe('01');
  });
});
