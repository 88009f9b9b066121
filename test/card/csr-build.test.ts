// The CSR builder the card signs through (and the software-key path too): its hand-written DER
// against @peculiar/x509's generator, which it replaced, and against openssl and node's verifier.
import { createPublicKey, verify, webcrypto } from 'node:crypto';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCsr, type CsrSubject } from '../../src/pki/csr-build.js';
import { children, readTlv, value } from '../../src/pki/der.js';
import { decodePemBlocks } from '../../src/pki/pem.js';
import { x509 } from '../../src/pki/x509.js';
import { openssl, tempDir } from './support.js';

const FULL: CsrSubject = {
  commonName: 'assecodata.pl',
  domains: ['assecodata.pl', 'www.assecodata.pl', '*.shop.assecodata.pl'],
  organization: { name: 'Asseco Data Systems S.A.', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
};
const CODE_SIGNING: CsrSubject = { commonName: 'Asseco Data Systems S.A.', domains: [] };
const HOST_ONLY: CsrSubject = { commonName: 'host.example', domains: [] };
// '*' is not a PrintableString character: this CN is a UTF8String.
const WILDCARD: CsrSubject = { commonName: '*.assecodata.pl', domains: ['*.assecodata.pl', 'assecodata.pl'] };

let t: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  t = await tempDir('reissue-csr-build-');
});
afterAll(() => t.cleanup());

/** What @peculiar/x509 made for the same request before (RSA PKCS#1 v1.5 signatures are deterministic). */
async function x509Csr(subject: CsrSubject, keys: CryptoKeyPair): Promise<string> {
  const o = subject.organization;
  const name: x509.JsonName = [{ CN: [subject.commonName] }];
  if (o) name.push({ O: [o.name] }, { L: [o.locality] }, { ST: [o.stateOrProvince] }, { C: ['PL'] });
  const domains = subject.domains.length ? subject.domains : subject.commonName.includes(' ') ? [] : [subject.commonName];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm,
    extensions: domains.length ? [new x509.SubjectAlternativeNameExtension(domains.map((d) => ({ type: 'dns' as const, value: d })))] : [],
  });
  return csr.toString('pem').replace(/\r\n/g, '\n') + '\n';
}

/** Node's own check of a CSR's signature over its CertificationRequestInfo. */
function nodeVerifies(pem: string): boolean {
  const der = decodePemBlocks(pem)[0]!.der;
  const [info, alg, sig] = children(der, readTlv(der, 0));
  const spki = children(der, info!)[2]!;
  const key = createPublicKey({ key: Buffer.from(der.subarray(spki.start, spki.end)), format: 'der', type: 'spki' });
  const hash = Buffer.from(value(der, alg!)).includes(Buffer.from('2a8648ce3d040303', 'hex')) ? 'sha384' : 'sha256';
  return verify(hash, der.subarray(info!.start, info!.end), key, value(der, sig!).subarray(1));
}

describe('buildCsr', () => {
  test('RSA: byte for byte what @peculiar/x509 made (subject string types, SAN, empty attributes)', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    for (const subject of [FULL, CODE_SIGNING, HOST_ONLY, WILDCARD]) {
      expect(await buildCsr(subject, keys)).toBe(await x509Csr(subject, keys));
    }
  });

  test.each(['P-256', 'P-384'] as const)('ECDSA %s: r and s as DER INTEGERs, whatever their leading bits (60 signatures)', async (curve) => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify'])) as CryptoKeyPair;
    for (let i = 0; i < 60; i++) {
      const pem = await buildCsr({ ...HOST_ONLY, commonName: `h${i}.example` }, keys);
      expect(nodeVerifies(pem)).toBe(true);
      expect(await new x509.Pkcs10CertificateRequest(pem).verify()).toBe(true);
    }
  });

  test('openssl reads and verifies it: subject, SAN, signature algorithm', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const file = join(t.dir, 'full.csr');
    await writeFile(file, await buildCsr(FULL, keys));
    const text = await openssl(['req', '-in', file, '-noout', '-verify', '-text', '-nameopt', 'oneline,-esc_msb']);
    expect(text).toContain('Subject: CN = assecodata.pl, O = Asseco Data Systems S.A., L = Gdańsk, ST = pomorskie, C = PL');
    expect(text).toContain('DNS:assecodata.pl, DNS:www.assecodata.pl, DNS:*.shop.assecodata.pl');
    expect(text).toContain('ecdsa-with-SHA384');
    const parse = await openssl(['asn1parse', '-in', file]);
    expect(parse).toMatch(/UTF8STRING\s+:Gda/);
    expect(parse).toMatch(/PRINTABLESTRING\s+:PL/);
  });
});
