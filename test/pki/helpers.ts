// Test fixtures made by the real openssl CLI in a temp dir, plus a tiny DER writer for crafting
// requests openssl refuses to make.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function openssl(args: string[], input?: string | Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export class Workdir {
  readonly dir = mkdtempSync(join(tmpdir(), 'reissue-pki-'));
  path(name: string): string {
    return join(this.dir, name);
  }
  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }
  write(name: string, data: string | Uint8Array): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type KeySpec = 'rsa:1024' | 'rsa:2048' | 'rsa:3072' | 'rsa:4096' | 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'ed25519';

/** A private key file made by openssl; returns its path. */
export function makeKey(w: Workdir, spec: KeySpec, name = `${spec.replace(':', '-')}.key`): string {
  const out = w.path(name);
  if (spec.startsWith('rsa:')) openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.slice(4)}`, '-out', out]);
  else if (spec === 'ed25519') openssl(['genpkey', '-algorithm', 'ED25519', '-out', out]);
  else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec}`, '-out', out]);
  return out;
}

export interface CsrOptions {
  subject?: string;
  sans?: string[];
  digest?: string;
  der?: boolean;
}

/** A CSR signed with `keyPath` by `openssl req`: PEM text or DER bytes. */
export function makeCsr(keyPath: string, opts: CsrOptions = {}): Buffer {
  const args = ['req', '-new', '-key', keyPath, '-subj', opts.subject ?? '/CN=assecodata.pl/O=Asseco Data Systems S.A./C=PL'];
  const sans = opts.sans ?? ['assecodata.pl', 'www.assecodata.pl'];
  if (sans.length) args.push('-addext', `subjectAltName=${sans.map((s) => (s.includes(':') ? s : `DNS:${s}`)).join(',')}`);
  if (opts.digest) args.push(`-${opts.digest}`);
  if (opts.der) args.push('-outform', 'DER');
  return openssl(args);
}

/** A self-signed certificate for `keyPath`, PEM. */
export function makeCert(keyPath: string, subject = '/CN=assecodata.pl', sans = ['assecodata.pl', 'www.assecodata.pl']): Buffer {
  return openssl([
    'req', '-x509', '-new', '-key', keyPath, '-subj', subject, '-days', '30',
    '-addext', `subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}`,
    '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
    '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
    '-addext', 'basicConstraints=critical,CA:FALSE',
  ]);
}

export function pemToDer(pem: Buffer | string): Buffer {
  const body = pem.toString().replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64');
}

// --- DER writing, for crafted requests -------------------------------------------------------

export function tlv(tag: number, content: Uint8Array): Buffer {
  const len = content.length;
  let header: number[];
  if (len < 0x80) header = [tag, len];
  else if (len < 0x100) header = [tag, 0x81, len];
  else if (len < 0x10000) header = [tag, 0x82, len >> 8, len & 0xff];
  else header = [tag, 0x83, len >> 16, (len >> 8) & 0xff, len & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** The parts of a DER CSR: [CertificationRequestInfo TLV, AlgorithmIdentifier TLV, signature BIT STRING TLV]. */
export function csrParts(der: Uint8Array): Buffer[] {
  const buf = Buffer.from(der);
  const parts: Buffer[] = [];
  let pos = headerLength(buf, 0);
  while (pos < buf.length) {
    const len = tlvLength(buf, pos);
    parts.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return parts;
}

function headerLength(buf: Buffer, pos: number): number {
  const l = buf[pos + 1]!;
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

export function tlvLength(buf: Buffer, pos: number): number {
  const l = buf[pos + 1]!;
  if (l < 0x80) return 2 + l;
  let n = 0;
  for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + buf[pos + 2 + i]!;
  return 2 + (l & 0x7f) + n;
}

/** A CSR from an info block, a signature algorithm OID and a signature. */
export function assembleCsr(info: Uint8Array, sigOid: string, signature: Uint8Array, withNull = true): Buffer {
  const algId = tlv(0x30, Buffer.concat([oid(sigOid), withNull ? Buffer.from([0x05, 0x00]) : Buffer.alloc(0)]));
  return tlv(0x30, Buffer.concat([info, algId, tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
}

/** Deterministic PRNG (mulberry32), so a fuzz failure can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of every TLV header in a DER buffer (descends into constructed elements and wrapped keys). */
export function headerOffsets(der: Buffer): number[] {
  const out: number[] = [];
  const walk = (pos: number, end: number) => {
    while (pos < end) {
      out.push(pos);
      const len = tlvLength(der, pos);
      const hdr = der[pos + 1]! < 0x80 ? 2 : 2 + (der[pos + 1]! & 0x7f);
      if (len > end - pos) return;
      if (der[pos]! & 0x20) walk(pos + hdr, pos + len);
      else if (der[pos] === 0x03 && der[pos + hdr] === 0 && der[pos + hdr + 1] === 0x30) walk(pos + hdr + 1, pos + len);
      else if (der[pos] === 0x04 && der[pos + hdr] === 0x30) walk(pos + hdr, pos + len);
      pos += len;
    }
  };
  walk(0, der.length);
  return out;
}
