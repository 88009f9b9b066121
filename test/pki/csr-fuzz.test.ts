// 10,000+ mutated CSRs: every one must end in a well-formed CsrReport, none may throw, and any
// input the checker calls correct must give the CA a key to certify from the same parse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsrReport } from '../../src/domain/types.js';
import { INTERNAL_ERROR_MESSAGE, inspectCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { WEAK_KEY_CODES } from '../../src/pki/weak-key-problem.js';
import { Workdir, headerOffsets, makeCsr, makeKey, rng } from './helpers.js';

const ORDER: CsrCheckContext = { domains: ['assecodata.pl', 'www.assecodata.pl'], algorithms: ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'] };

const KNOWN_CODES = new Set([
  'empty', 'too-large', 'not-pem-or-der', 'truncated', 'is-certificate', 'is-private-key', 'not-a-csr', 'bad-signature', 'weak-key',
  'unsupported-key', 'key-not-allowed', 'weak-hash', 'domain-not-in-order', 'no-common-name', 'same-key', 'malformed',
  'unsupported-signature', 'multiple-csrs', 'non-canonical-algorithm',
  // The weak-key rules (a mutated modulus often has a small factor).
  ...WEAK_KEY_CODES,
]);

type Mutator = (seed: Buffer, r: () => number) => Buffer;
const int = (r: () => number, n: number) => Math.floor(r() * n);

const MUTATORS: Record<string, Mutator> = {
  bitFlips(s, r) {
    const b = Buffer.from(s);
    for (let i = 0, n = 1 + int(r, 8); i < n; i++) b[int(r, b.length)]! ^= 1 << int(r, 8);
    return b;
  },
  truncate(s, r) {
    return s.subarray(0, int(r, s.length));
  },
  randomDer(_s, r) {
    const b = Buffer.alloc(int(r, 600));
    for (let i = 0; i < b.length; i++) b[i] = int(r, 256);
    if (b.length && r() < 0.7) b[0] = 0x30;
    if (b.length > 2 && r() < 0.5) b[1] = 0x82;
    return b;
  },
  wrongTag(s, r) {
    const b = Buffer.from(s);
    const offs = headerOffsets(b);
    b[offs[int(r, offs.length)]!] = [0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x30, 0x31, 0xa0, 0x82, 0x1f, int(r, 256)][int(r, 13)]!;
    return b;
  },
  lengthChange(s, r) {
    const b = Buffer.from(s);
    const offs = headerOffsets(b);
    const at = offs[int(r, offs.length)]! + 1;
    const choice = int(r, 5);
    if (choice === 0) b[at] = 0x80; // indefinite
    else if (choice === 1) b[at] = 0x84 + int(r, 4); // long-form with too many bytes
    else if (choice === 2) b[at] = (b[at]! + 1 + int(r, 3)) & 0xff;
    else if (choice === 3) b[at] = (b[at]! - 1 - int(r, 3)) & 0xff;
    else if (b[at]! & 0x80 && at + 1 < b.length) b[at + 1] = int(r, 256);
    else b[at] = int(r, 256);
    return b;
  },
  insertDelete(s, r) {
    const at = int(r, s.length);
    if (r() < 0.5) return Buffer.concat([s.subarray(0, at), Buffer.from([int(r, 256)]), s.subarray(at)]);
    return Buffer.concat([s.subarray(0, at), s.subarray(at + 1 + int(r, 4))]);
  },
  spliceSeeds(s, r) {
    const at = int(r, s.length);
    const other = SEEDS[int(r, SEEDS.length)]!;
    return Buffer.concat([s.subarray(0, at), other.subarray(int(r, other.length))]);
  },
  pemText(s, r) {
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${s.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE REQUEST-----\n`;
    const chars = pem.split('');
    for (let i = 0, n = 1 + int(r, 4); i < n; i++) chars[int(r, chars.length)] = 'A+/=\n-x '[int(r, 8)]!;
    const out = chars.join('');
    return Buffer.from(r() < 0.3 ? out.slice(0, int(r, out.length)) : out);
  },
};

let SEEDS: Buffer[] = [];
let w: Workdir;

beforeAll(() => {
  w = new Workdir();
  const rsa = makeKey(w, 'rsa:2048');
  const ec = makeKey(w, 'P-256');
  const ec384 = makeKey(w, 'P-384');
  SEEDS = [
    makeCsr(rsa, { der: true }),
    makeCsr(ec, { der: true }),
    makeCsr(ec384, { der: true, sans: ['assecodata.pl', 'IP:192.0.2.1', 'email:a@assecodata.pl'] }),
    makeCsr(ec, { der: true, subject: '/CN=assecodata.pl/OU=IT/L=Gdańsk', sans: [] }),
  ];
});
afterAll(() => w.cleanup());

function assertReport(r: CsrReport): void {
  expect(typeof r.ok).toBe('boolean');
  expect(Array.isArray(r.problems)).toBe(true);
  for (const p of r.problems) {
    expect(KNOWN_CODES.has(p.code), p.code).toBe(true);
    expect(p.message.length).toBeGreaterThan(10);
    // The checker's last-resort catch would hide a thrown bug: it must never be reached.
    expect(p.message).not.toBe(INTERNAL_ERROR_MESSAGE);
  }
  expect(r.ok).toBe(r.problems.length === 0 && r.summary !== null);
  if (r.ok) expect(r.summary).not.toBeNull();
}

describe('fuzzing checkCsr', () => {
  it('the seeds themselves are correct', async () => {
    for (const s of SEEDS) expect((await inspectCsr(s)).report.problems).toEqual([]);
  });

  it('12,000 mutated CSRs all end in a verdict and never throw', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261124);
    const r = rng(seed);
    const names = Object.keys(MUTATORS);
    const perMutator = new Map<string, number>();
    const verdicts = new Map<string, number>();
    let correct = 0;
    const N = 12_000;
    for (let i = 0; i < N; i++) {
      const name = names[i % names.length]!;
      const input = MUTATORS[name]!(SEEDS[int(r, SEEDS.length)]!, r);
      let report: CsrReport;
      let spki: Uint8Array | null;
      try {
        const pick = r();
        const ctx = pick < 0.4 ? ORDER : pick < 0.7 ? { ...ORDER, earlierKeys: [{ copy: 'c1', spki: MUTATORS.bitFlips!(input, r) }] } : undefined;
        ({ report, spki } = await inspectCsr(input, ctx));
      } catch (e) {
        throw new Error(`checkCsr threw on case ${i} (${name}, seed ${seed}): ${String(e)}; input ${input.toString('base64')}`);
      }
      assertReport(report);
      perMutator.set(name, (perMutator.get(name) ?? 0) + 1);
      for (const p of report.problems) verdicts.set(p.code, (verdicts.get(p.code) ?? 0) + 1);
      if (report.ok) {
        correct++;
        // Whatever the checker accepts, the CA must have a key to certify.
        expect(spki, `case ${i} (${name}) accepted without a key: ${input.toString('base64')}`).not.toBeNull();
      }
    }
    expect([...perMutator.values()].reduce((a, b) => a + b, 0)).toBe(N);
    // The mutations reach many different verdicts, not one catch-all.
    for (const code of ['truncated', 'bad-signature', 'malformed', 'not-a-csr', 'not-pem-or-der']) {
      expect(verdicts.get(code) ?? 0, code).toBeGreaterThan(10);
    }
    expect(correct).toBeLessThan(N / 4);
  }, 60_000);
});
