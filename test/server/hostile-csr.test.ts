// The CA signs only what it checked: hostile CSRs built in code are each refused with their own
// message and issue nothing; every certificate issued carries the canonical encoding of the
// CSR's key, byte for byte, as openssl reads it out of the certificate.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import type { Certificate } from '../../src/domain/types.js';
import type { AccountPortal } from '../../src/server/account-portal.js';
import { DEMO } from '../../src/server/seed.js';
import type { LocalPortalService } from '../../src/server/service.js';
import { openssl } from '../helpers/openssl.js';
import {
  ECDSA_SHA256,
  NULL,
  P256,
  RSASSA_PSS,
  SHA256_RSA,
  berLength,
  ecKey,
  hostileCsr,
  int,
  positive,
  rsaKey,
  seq,
  toPem,
  type TestKey,
} from '../helpers/hostile-csr.js';
import { oid, tlv } from '../pki/helpers.js';
import { seededService, testClock, writeTemp } from './helpers.js';
import { reissuable, startTestPortal } from '../http/helpers.js';

let service: LocalPortalService;
let cleanup: () => void;
let demo: AccountPortal;
let work: string;
let rsa: TestKey;
let ec: TestKey;

beforeEach(async () => {
  const s = await seededService(testClock('2026-06-01T10:00:00Z'));
  ({ service, cleanup } = s);
  work = join(s.dir, '..');
  demo = service.forAccount(DEMO.customer);
  rsa ??= rsaKey();
  ec ??= ecKey();
});
afterEach(() => cleanup());

async function current(): Promise<Certificate> {
  const items = (await demo.list({ text: DEMO.manualOrderId })).items.filter((c) => c.orderId === DEMO.manualOrderId);
  return items.find((c) => !c.replacedBy)!;
}

const count = () => (service.sqlite!.db.prepare('SELECT count(*) AS n FROM certificates').get() as { n: number }).n;

async function refusal(csr: Uint8Array, key = 'k'): Promise<ReissueError> {
  const cert = await current();
  const before = count();
  try {
    await demo.reissue(cert.id, { keySource: 'csr', csr: csr }, key);
  } catch (e) {
    expect(count(), 'nothing issued').toBe(before);
    if (isReissueError(e)) return e;
    throw e;
  }
  throw new Error('the CSR was accepted');
}

/** Replaces a DER element's short length header with the indefinite form (BER). */
const indefinite = (der: Buffer) => Buffer.concat([Buffer.from([0x30, 0x80]), der.subarray(der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2), Buffer.from([0, 0])]);
/** The outer length in a longer form than needed (BER, not DER). */
const longOuterLength = (der: Buffer) => {
  const body = der.subarray(der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2);
  return Buffer.concat([Buffer.from([0x30, 0x83, 0, body.length >> 8, body.length & 0xff]), body]);
};
/** Applies `edit` to the content of a SEQUENCE and re-wraps it. */
const inside = (der: Buffer, edit: (content: Buffer) => Buffer) => seq(edit(der.subarray(der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2)));

const HOSTILE: [string, () => Buffer, RegExp][] = [
  ['RSA key: UTF8String where NULL belongs', () => hostileCsr(rsa, { keyParams: tlv(0x0c, Buffer.from('hello')) }), /public key algorithm \(rsaEncryption\) carries a UTF8String/],
  ['RSA key: parameters absent', () => hostileCsr(rsa, { keyParams: Buffer.alloc(0) }), /rsaEncryption\) carries no parameters/],
  ['RSA key: NULL with content', () => hostileCsr(rsa, { keyParams: Buffer.from([0x05, 0x01, 0x00]) }), /rsaEncryption\) carries NULL with content/],
  ['RSA key: NULL and one more element', () => hostileCsr(rsa, { keyParams: Buffer.concat([NULL, NULL]) }), /rsaEncryption\) carries 2 elements/],
  ['EC key: NULL where the curve belongs', () => hostileCsr(ec, { keyParams: NULL }), /public key algorithm \(id-ecPublicKey\) carries NULL where RFC 5480 requires the named curve only/],
  ['EC key: explicit curve parameters', () => hostileCsr(ec, { keyParams: seq(int([1])) }), /EC key uses explicit curve parameters; only P-256 and P-384/],
  ['RSA key: an OID where NULL belongs', () => hostileCsr(rsa, { keyParams: oid(P256) }), /rsaEncryption\) carries an OBJECT IDENTIFIER where RFC 3279 requires NULL/],
  ['EC key: curve followed by NULL', () => hostileCsr(ec, { keyParams: Buffer.concat([oid(P256), NULL]) }), /id-ecPublicKey\) carries 2 elements/],
  ['RSA signature: BOOLEAN where NULL belongs', () => hostileCsr(rsa, { sigParams: Buffer.from([0x01, 0x01, 0x00]) }), /signature algorithm \(sha256WithRSAEncryption\) carries a BOOLEAN/],
  ['RSA signature: 01 00', () => hostileCsr(rsa, { sigParams: Buffer.from([0x01, 0x00]) }), /sha256WithRSAEncryption\) carries an empty BOOLEAN/],
  ['EC key: no curve at all', () => hostileCsr(ec, { keyParams: Buffer.alloc(0) }), /damaged in the public key: the EC public key names no curve/],
  ['RSA signature: NULL twice', () => hostileCsr(rsa, { sigParams: Buffer.concat([NULL, NULL]) }), /sha256WithRSAEncryption\) carries 2 elements/],
  ['RSA signature: an OID', () => hostileCsr(rsa, { sigParams: oid(SHA256_RSA) }), /sha256WithRSAEncryption\) carries an OBJECT IDENTIFIER/],
  ['ECDSA signature: NULL where nothing belongs', () => hostileCsr(ec, { sigParams: NULL }), /ecdsa-with-SHA256\) carries NULL where no parameters/],
  ['ECDSA signature: a SEQUENCE', () => hostileCsr(ec, { sigOid: ECDSA_SHA256, sigParams: seq(NULL) }), /ecdsa-with-SHA256\) carries a SEQUENCE/],
  ['RSASSA-PSS signature: NULL instead of the structure', () => hostileCsr(rsa, { sigOid: RSASSA_PSS, sigParams: NULL }), /rsassaPss\) carries NULL where the RSASSA-PSS parameter structure/],
  ['RSASSA-PSS signature: fields out of order', () => hostileCsr(rsa, { sigOid: RSASSA_PSS, pssSalt: 20, sigParams: seq(tlv(0xa2, int([20])), tlv(0xa0, seq(oid('2.16.840.1.101.3.4.2.1')))) }), /RSASSA-PSS parameters are malformed/],
  ['RSASSA-PSS signature: trailer field 2', () => hostileCsr(rsa, { sigOid: RSASSA_PSS, pssSalt: 20, sigParams: seq(tlv(0xa3, int([2]))) }), /trailer field is not 1/],
  ['RSA modulus with a superfluous 00', () => hostileCsr(rsa, { modulus: Buffer.concat([Buffer.from([0]), positive(rsa.n!)]) }), /RSA modulus is an integer with superfluous leading bytes/],
  ['RSA exponent with a superfluous 00', () => hostileCsr(rsa, { exponent: Buffer.concat([Buffer.from([0]), rsa.e!]) }), /RSA public exponent is an integer with superfluous leading bytes/],
  ['version 00 00', () => hostileCsr(ec, { version: Buffer.from([0, 0]) }), /the version is an integer with superfluous/],
  ['trailing bytes after the request', () => Buffer.concat([hostileCsr(ec), Buffer.from([0x05, 0x00])]), /extra bytes after the request/],
  ['BER: the outer length in long form', () => longOuterLength(hostileCsr(ec)), /length is not in minimal form/],
  ['BER: an inner length in long form', () => hostileCsr(ec, { editInfo: (info) => inside(info, (c) => berLength(c, 0)) }), /damaged in the request information: an element length is not in minimal form/],
  ['BER: indefinite outer length', () => indefinite(hostileCsr(ec)), /indefinite lengths are not DER/],
];

describe('hostile CSRs are refused, each with its own message, and nothing is issued', () => {
  it('every case', async () => {
    const messages = new Map<string, string>();
    for (const [name, build, expected] of HOSTILE) {
      const csr = build();
      for (const form of [csr, Buffer.from(toPem(csr))]) {
        const e = await refusal(form);
        expect(e, name).toMatchObject({ kind: 'input', code: 'csr-invalid', exitCode: 3 });
        expect(e.message, name).toMatch(expected);
        messages.set(name, e.message);
      }
    }
    // Each hostile CSR has its own message (no catch-all).
    const byMessage = new Map<string, string[]>();
    for (const [name, m] of messages) byMessage.set(m, [...(byMessage.get(m) ?? []), name]);
    expect([...byMessage.values()].filter((names) => names.length > 1)).toEqual([]);
  });

  it('a key of an earlier copy: k1 -> k2 -> k1 is refused, naming the copy that had it', async () => {
    const k2 = ecKey();
    const first = await current();
    const { certificate: second } = await demo.reissue(first.id, { keySource: 'csr', csr: hostileCsr(ec) }, 'to-k1');
    const { certificate: third } = await demo.reissue(second.id, { keySource: 'csr', csr: hostileCsr(k2) }, 'to-k2');
    const back = await refusal(hostileCsr(ec), 'back-to-k1');
    expect(back.message).toMatch(new RegExp(`key pair of an earlier copy of this certificate \\(${second.id}\\)`));
    // The current copy's key keeps its own message.
    const same = await refusal(hostileCsr(k2), 'same-as-k2');
    expect(same.message).toMatch(/same key pair as the certificate being replaced/);
    // Checking against the newest copy says the same.
    expect((await demo.checkCsr(third.id, hostileCsr(ec))).problems.map((p) => p.code)).toEqual(['same-key']);
  });
});

describe('through the HTTP API of a real server: 422, nothing issued', () => {
  it('each hostile CSR is a 422 csr-invalid problem carrying its own problem', async () => {
    const tp = await startTestPortal();
    try {
      const client = tp.client(tp.tokens.demo);
      const cert = reissuable((await client.list({ text: DEMO.manualOrderId })).items);
      const total = async () => (await client.list()).total;
      const before = await total();
      for (const [name, build, expected] of HOSTILE) {
        const res = await fetch(`${tp.url}/v1/certificates/${cert.id}/reissue`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tp.tokens.demo}`, 'content-type': 'application/json', 'idempotency-key': `hostile-${HOSTILE.findIndex(([n]) => n === name)}` },
          body: JSON.stringify({ csr: toPem(build()) }),
        });
        const body = (await res.json()) as { code: string; problems?: { message: string }[]; detail: string };
        expect({ name, status: res.status, code: body.code }).toEqual({ name, status: 422, code: 'csr-invalid' });
        expect(body.detail, name).toMatch(expected);
      }
      expect(await total()).toBe(before);
    } finally {
      await tp.close();
    }
  });
});

/** The SubjectPublicKeyInfo bytes exactly as they stand in the certificate, located by openssl asn1parse. */
function certificateSpkiBytes(der: Uint8Array): Buffer {
  const path = writeTemp(work, 'cert.der', der);
  const lines = openssl(['asn1parse', '-inform', 'DER', '-in', path]).split('\n');
  // depth 2 = the fields of the TBSCertificate: [0] version, serial, signature, issuer, validity, subject, SPKI.
  const fields = lines.filter((l) => /d=2/.test(l)).map((l) => l.match(/^\s*(\d+):d=2\s+hl=(\d+)\s+l=\s*(\d+)/)!);
  const spki = fields[6]!;
  const start = Number(spki[1]);
  return Buffer.from(der).subarray(start, start + Number(spki[2]) + Number(spki[3]));
}

describe('the CA certifies the canonical encoding of the checked key', () => {
  it('RSA, EC, a compressed EC point and RSA with absent signature parameters: SPKI byte for byte canonical', async () => {
    const compressed = ecKey();
    const p = compressed.point!;
    const cases: [string, TestKey, Buffer][] = [
      ['RSA 2048', rsa, hostileCsr(rsa)],
      ['EC P-256', ec, hostileCsr(ec)],
      ['EC P-256, compressed point', compressed, hostileCsr(compressed, { point: Buffer.concat([Buffer.from([2 + (p[64]! & 1)]), p.subarray(1, 33)]) })],
      ['RSA, signature parameters absent (RFC 4055 allows it)', rsaKey(), Buffer.alloc(0)],
    ];
    cases[3]![2] = hostileCsr(cases[3]![1], { sigParams: Buffer.alloc(0) });
    for (const [name, key, csr] of cases) {
      const cert = await current();
      const { certificate } = await demo.reissue(cert.id, { keySource: 'csr', csr: csr }, `canon-${name}`);
      const der = await demo.download(certificate.id, 'der');
      // The canonical encoding, from an independent encoder (OpenSSL through node:crypto).
      const canonical = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' });
      expect(certificateSpkiBytes(der).toString('hex'), name).toBe(canonical.toString('hex'));
      // And openssl agrees it is a certificate for that key.
      expect(openssl(['x509', '-inform', 'DER', '-in', writeTemp(work, 'c.der', der), '-noout', '-pubkey'])).toBe(
        createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' }),
      );
    }
  });
});
