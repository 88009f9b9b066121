// node csr-checks.mjs CSR_DIR ROUNDS SLICE_MS: checkCsr (the portal's full CSR checks) against bare
// node:crypto signature verification of the same CSRs, in alternating time slices of SLICE_MS.
// CSR_DIR holds NAME.csr (PEM) and NAME.domain; other.spki.der is the "current" key a reissue
// must not reuse. Prints per key kind: checks/s, raw verifications/s (with a ready KeyObject, and
// importing the SPKI each time, as any verifier of an unknown CSR must).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { children, readTlv, whole, bitStringBytes } from '../../src/pki/der.js';
import { decodePemBlocks } from '../../src/pki/pem.js';

const [dir, roundsText = '5', sliceText = '400'] = process.argv.slice(2);
if (!dir) throw new Error('usage: csr-checks CSR_DIR [ROUNDS] [SLICE_MS]');
const rounds = Number(roundsText);
const sliceMs = Number(sliceText);
const other = new Uint8Array(readFileSync(join(dir, 'other.spki.der')));

interface Sample {
  pem: Uint8Array;
  ctx: CsrCheckContext;
  tbs: Buffer;
  sig: Buffer;
  hash: string;
  spki: Buffer;
  key: KeyObject;
}

function load(name: string): Sample {
  const pem = new Uint8Array(readFileSync(join(dir!, `${name}.csr`)));
  const domain = readFileSync(join(dir!, `${name}.domain`), 'utf8').trim();
  const der = decodePemBlocks(Buffer.from(pem).toString('latin1'))[0]!.der;
  const outer = readTlv(der, 0);
  const [info, , sigTlv] = children(der, outer);
  const [, , spkiTlv] = children(der, info!);
  const spki = Buffer.from(whole(der, spkiTlv!));
  return {
    pem,
    ctx: { domains: [domain], algorithms: ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'], earlierKeys: [{ spki: other, copy: 'bench-previous' }], commonName: domain, productName: 'Bench SSL' },
    tbs: Buffer.from(whole(der, info!)),
    sig: Buffer.from(bitStringBytes(der, sigTlv!, 'signature')),
    hash: 'sha256', // the CSRs are made with openssl req -sha256
    spki,
    key: createPublicKey({ key: spki, format: 'der', type: 'spki' }),
  };
}

type Op = (s: Sample) => Promise<void> | void;

async function rate(samples: Sample[], op: Op): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < sliceMs) {
    for (const s of samples) await op(s);
    n += samples.length;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

const check: Op = async (s) => {
  const r = await checkCsr(s.pem, s.ctx);
  if (!r.ok) throw new Error(`CSR unexpectedly rejected: ${JSON.stringify(r.problems)}`);
};
const rawVerify: Op = (s) => {
  if (!verify(s.hash, s.tbs, s.key, s.sig)) throw new Error('signature did not verify');
};
const rawVerifyWithImport: Op = (s) => {
  if (!verify(s.hash, s.tbs, { key: s.spki, format: 'der', type: 'spki' }, s.sig)) throw new Error('signature did not verify');
};

const names = readdirSync(dir).filter((f) => f.endsWith('.csr')).map((f) => f.slice(0, -4)).sort();
const groups: Record<string, Sample[]> = {};
for (const n of names) (groups[n.split('-').slice(0, 2).join('-')] ??= []).push(load(n));

const out: Record<string, { checks: number[]; raw: number[]; rawImport: number[] }> = {};
for (const [kind, samples] of Object.entries(groups)) {
  // Warm-up: JIT and lazy module initialisation are not what is measured.
  for (let i = 0; i < 50; i++) for (const s of samples) { await check(s); rawVerify(s); rawVerifyWithImport(s); }
  const r = (out[kind] = { checks: [] as number[], raw: [] as number[], rawImport: [] as number[] });
  for (let i = 0; i < rounds; i++) {
    r.checks.push(await rate(samples, check));
    r.raw.push(await rate(samples, rawVerify));
    r.rawImport.push(await rate(samples, rawVerifyWithImport));
  }
}
process.stdout.write(`\nBENCH_JSON ${JSON.stringify(out)}\n`);
