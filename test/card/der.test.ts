// The DER slices the card layer writes to the token, against openssl's view of the same bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { certificateFields, unwrapEcPoint } from '../../src/card/der.js';
import { readTlv } from '../../src/pki/der.js';
import { openssl, tempDir } from './support.js';

let t: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  t = await tempDir('reissue-der-');
});
afterAll(() => t.cleanup());

test('certificateFields: serial as a full DER INTEGER, issuer and subject as encoded', async () => {
  const key = join(t.dir, 'k.pem');
  const pem = join(t.dir, 'c.pem');
  const der = join(t.dir, 'c.der');
  // A UTF8String locality with a non-ASCII letter: the bytes must survive exactly.
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', pem, '-subj', '/CN=ca.example/L=Gdańsk', '-utf8', '-set_serial', '0x80aa', '-days', '1']);
  await openssl(['x509', '-in', pem, '-outform', 'DER', '-out', der]);
  const bytes = await readFile(der);
  const f = certificateFields(bytes);
  expect(Buffer.from(f.serial).toString('hex')).toBe('02030080aa');
  // Where openssl says the TBS's SEQUENCEs are: signature algorithm, issuer, validity, subject.
  const seqs = (await openssl(['asn1parse', '-inform', 'DER', '-in', der]))
    .split('\n')
    .map((l) => /^\s*(\d+):d=2\s+hl=(\d+)\s+l=\s*(\d+)\s+cons: SEQUENCE/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => bytes.subarray(Number(m[1]), Number(m[1]) + Number(m[2]) + Number(m[3])));
  expect(Buffer.from(f.issuer).equals(seqs[1]!)).toBe(true);
  expect(Buffer.from(f.subject).equals(seqs[3]!)).toBe(true);
  expect(Buffer.from(f.subject).toString('utf8')).toContain('Gdańsk');
  expect(readTlv(f.subject, 0).end).toBe(f.subject.length);
  // The public key (matched against the card's keys on install) as openssl exports it.
  const pub = join(t.dir, 'pub.der');
  await openssl(['x509', '-in', pem, '-pubkey', '-noout', '-out', join(t.dir, 'pub.pem')]);
  await openssl(['pkey', '-pubin', '-in', join(t.dir, 'pub.pem'), '-outform', 'DER', '-out', pub]);
  expect(Buffer.from(f.spki).equals(await readFile(pub))).toBe(true);
});

test('certificateFields refuses what is not a certificate', async () => {
  expect(() => certificateFields(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow(/not a certificate/);
  expect(() => certificateFields(new Uint8Array([0x30, 0x82]))).toThrow(/truncated/);
  // A CSR is a SEQUENCE of SEQUENCEs too, but not shaped like a certificate.
  const csr = join(t.dir, 'r.der');
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(t.dir, 'r.key'), '-subj', '/CN=r.example', '-outform', 'DER', '-out', csr]);
  const csrDer = await readFile(csr);
  expect(() => certificateFields(csrDer)).toThrow(/not a certificate/);
});

test('unwrapEcPoint: OCTET STRING (short and long form) or the raw point', () => {
  const p256 = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
  expect(Buffer.from(unwrapEcPoint(Buffer.concat([Buffer.from([0x04, 0x41]), p256]), 32)).equals(p256)).toBe(true);
  expect(Buffer.from(unwrapEcPoint(p256, 32)).equals(p256)).toBe(true);
  const p521 = Buffer.concat([Buffer.from([4]), Buffer.alloc(132, 9)]); // 133 bytes: long-form length
  expect(Buffer.from(unwrapEcPoint(Buffer.concat([Buffer.from([0x04, 0x81, 0x85]), p521]), 66)).equals(p521)).toBe(true);
  expect(() => unwrapEcPoint(Buffer.from([0x03, 0x01, 0x00]), 32)).toThrow();
});
