// Differential test: mutated CSRs go through the checker and through `openssl req -verify`. A CSR
// the checker accepts must be one openssl can parse and verify. Most mutations change the request
// information and are then signed again with the real key, so a structure the checker wrongly
// tolerates (odd parameters, non-minimal integers, BER lengths) arrives correctly signed and only
// strictness can refuse it. openssl runs in two batched shell loops, not one process per CSR
// spawned from node, to keep the suite fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkCsr } from '../../src/pki/csr-check.js';
import { NULL, seq } from '../helpers/hostile-csr.js';
import { Workdir, csrParts, headerOffsets, makeCsr, makeKey, oid, rng, tlv, tlvLength, type KeySpec } from './helpers.js';

const run = promisify(execFile);
const N = 2_000;

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: () => number, n: number) => Math.floor(r() * n);

interface Seed {
  der: Buffer;
  key: KeyObject;
  /** node:crypto sign() options for this key's algorithm. */
  rsa: boolean;
}

/** Parameter encodings of every wrong (and right) kind. */
const PARAMS = [
  Buffer.alloc(0), NULL, Buffer.from([0x05, 0x01, 0x00]), Buffer.from([0x01, 0x00]), Buffer.from([0x01, 0x01, 0xff]),
  tlv(0x0c, Buffer.from('x')), oid('1.2.840.10045.3.1.7'), oid('1.3.132.0.34'), Buffer.concat([NULL, NULL]), seq(), seq(NULL),
  Buffer.from([0x02, 0x01, 0x00]), Buffer.from([0x05, 0x81, 0x00]),
];

/** Mutations of the request information (signed again afterwards). */
const INFO_MUTATORS: ((info: Buffer, r: () => number) => Buffer)[] = [
  // flip a bit in a header byte (tag or length)
  (info, r) => {
    const b = Buffer.from(info);
    const at = pick(r, headerOffsets(b)) + int(r, 2);
    b[at] = b[at]! ^ (1 << int(r, 8));
    return b;
  },
  // a length in long form (BER): content unchanged, lengths of the enclosing elements fixed up by rebuilding
  (info, r) => {
    const hs = headerOffsets(info).filter((h) => h > 0 && info[h + 1]! < 0x80);
    const at = pick(r, hs);
    return Buffer.concat([info.subarray(0, at + 1), Buffer.from([0x81, info[at + 1]!]), info.subarray(at + 2)]);
  },
  // a superfluous 00 in front of an INTEGER's content
  (info, r) => {
    const ints = headerOffsets(info).filter((h) => info[h] === 0x02 && info[h + 1]! < 0x7f);
    if (!ints.length) return info;
    const at = pick(r, ints);
    return Buffer.concat([info.subarray(0, at + 1), Buffer.from([info[at + 1]! + 1, 0]), info.subarray(at + 2)]);
  },
  // the key's algorithm parameters replaced
  (info, r) => replaceAlgorithmParams(info, headerOffsets(info).find((h) => info[h] === 0x06 && (isOid(info, h, '2a8648ce3d0201') || isOid(info, h, '2a864886f70d010101')))!, pick(r, PARAMS)),
  // a byte inserted or deleted anywhere
  (info, r) => {
    const at = int(r, info.length);
    return r() < 0.5 ? Buffer.concat([info.subarray(0, at), Buffer.from([int(r, 256)]), info.subarray(at)]) : Buffer.concat([info.subarray(0, at), info.subarray(at + 1)]);
  },
  // a harmless change: a letter of the subject's text (the request stays well formed)
  (info, r) => {
    const b = Buffer.from(info);
    const at = b.indexOf('assecodata');
    if (at >= 0) b[at + int(r, 10)] = 0x61 + int(r, 26);
    return b;
  },
  // an element's content bytes changed at random
  (info, r) => {
    const b = Buffer.from(info);
    for (let i = 0, n = 1 + int(r, 3); i < n; i++) b[int(r, b.length)] = int(r, 256);
    return b;
  },
];

function isOid(buf: Buffer, at: number, hex: string): boolean {
  return buf.subarray(at + 2, at + 2 + buf[at + 1]!).toString('hex') === hex;
}

/** Replaces whatever follows the OID at `oidAt` inside its AlgorithmIdentifier, fixing up lengths. */
function replaceAlgorithmParams(info: Buffer, oidAt: number | undefined, params: Buffer): Buffer {
  if (oidAt === undefined) return info;
  const algAt = headerOffsets(info).filter((h) => h < oidAt && info[h] === 0x30 && h + tlvLength(info, h) > oidAt).pop()!;
  const oidEnd = oidAt + 2 + info[oidAt + 1]!;
  const alg = seq(info.subarray(oidAt, oidEnd), params);
  return rebuild(info, algAt, tlvLength(info, algAt), alg);
}

/** Replaces the element at `at` (`len` bytes) by `with_` and re-encodes the lengths of every enclosing element. */
function rebuild(der: Buffer, at: number, len: number, with_: Buffer): Buffer {
  if (at === 0) return with_;
  const parent = headerOffsets(der).filter((h) => h < at && der[h]! & 0x20 && h + tlvLength(der, h) >= at + len).pop()!;
  const hdr = der[parent + 1]! < 0x80 ? 2 : 2 + (der[parent + 1]! & 0x7f);
  const content = Buffer.concat([der.subarray(parent + hdr, at), with_, der.subarray(at + len, parent + tlvLength(der, parent))]);
  return rebuild(der, parent, tlvLength(der, parent), tlv(der[parent]!, content));
}

function signInfo(seed: Seed, info: Buffer, sigAlg: Buffer): Buffer {
  const signature = sign('sha256', info, seed.rsa ? { key: seed.key, padding: constants.RSA_PKCS1_PADDING } : { key: seed.key, dsaEncoding: 'der' });
  return seq(info, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

function mutate(seed: Seed, r: () => number): { csr: Buffer; how: string } {
  const [info, sigAlg, sig] = csrParts(seed.der) as [Buffer, Buffer, Buffer];
  const choice = r();
  if (choice < 0.7) {
    const m = int(r, INFO_MUTATORS.length);
    return { csr: signInfo(seed, INFO_MUTATORS[m]!(info, r), sigAlg), how: `info-${m}` };
  }
  if (choice < 0.85) {
    // The signature algorithm's parameters (outside the signed part).
    const oidTlv = sigAlg.subarray(2, 2 + 2 + sigAlg[3]!);
    return { csr: seq(info, seq(oidTlv, pick(r, PARAMS)), sig), how: 'sig-params' };
  }
  if (choice < 0.93) {
    return { csr: Buffer.concat([seed.der, pick(r, [Buffer.from([0]), NULL, Buffer.from('\n')])]), how: 'trailing' };
  }
  const b = Buffer.from(seed.der);
  const at = int(r, b.length);
  b[at] = b[at]! ^ (1 << int(r, 8));
  return { csr: b, how: 'bit-flip' };
}

/** openssl's verdict on each file: true when it parses and verifies the self-signature. */
async function opensslVerifies(files: string[], dir: string): Promise<boolean[]> {
  // openssl 3.0's `req -verify` exits 0 even when the signature is bad: read what it says.
  const script = join(dir, 'verify.sh');
  writeFileSync(
    script,
    'export OPENSSL_CONF=/dev/null\nfor f; do out=$(openssl req -verify -noout -inform DER -in "$f" 2>&1); case "$out" in *"verify OK"*) echo 1;; *) echo 0;; esac; done\n',
  );
  const half = Math.ceil(files.length / 2);
  const batches = [files.slice(0, half), files.slice(half)].filter((b) => b.length);
  const outs = await Promise.all(batches.map((b) => run('sh', [script, ...b], { maxBuffer: 1 << 20 })));
  return outs.flatMap((o) => o.stdout.trim().split('\n').map((l) => l === '1'));
}

let w: Workdir;
let seeds: Seed[];

beforeAll(() => {
  w = new Workdir();
  seeds = (['rsa:2048', 'P-256', 'P-384'] as KeySpec[]).map((spec) => {
    const keyPath = makeKey(w, spec);
    return { der: makeCsr(keyPath, { der: true }), key: createPrivateKey(w.read(keyPath.split('/').pop()!)), rsa: spec.startsWith('rsa') };
  });
});
afterAll(() => w.cleanup());

describe('checker vs openssl req -verify', () => {
  it(`${N.toLocaleString('en')} mutated CSRs: none the checker accepts is one openssl cannot parse and verify`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261201);
    const r = rng(seed);
    const files: string[] = [];
    const accepted: boolean[] = [];
    const hows: string[] = [];
    for (let i = 0; i < N; i++) {
      const { csr, how } = mutate(pick(r, seeds), r);
      const file = w.path(`m${i}.der`);
      writeFileSync(file, csr);
      files.push(file);
      hows.push(how);
      accepted.push((await checkCsr(csr)).ok);
    }
    const openssl = await opensslVerifies(files, w.dir);
    expect(openssl).toHaveLength(N);

    const wronglyAccepted = files.flatMap((f, i) => (accepted[i] && !openssl[i] ? [`${f} (${hows[i]})`] : []));
    expect(wronglyAccepted, `seed ${seed}`).toEqual([]);
    // The run means something: both verdicts occur on both sides.
    const count = (a: boolean, o: boolean) => files.filter((_, i) => accepted[i] === a && openssl[i] === o).length;
    expect(count(true, true)).toBeGreaterThan(N / 20);
    expect(count(false, false)).toBeGreaterThan(N / 10);
    // And the stricter side is the checker: openssl tolerates BER and odd parameters it refuses.
    expect(count(false, true)).toBeGreaterThan(0);
  }, 120_000);
});
