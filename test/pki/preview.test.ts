import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatePublicKeySpki, describeCertificate } from '../../src/pki/preview.js';
import { Workdir, makeCert, makeKey, openssl, pemToDer } from './helpers.js';

let w: Workdir;
let certPem: Buffer;
let keyPath: string;
beforeAll(() => {
  w = new Workdir();
  keyPath = makeKey(w, 'P-256');
  certPem = makeCert(keyPath, '/CN=assecodata.pl/O=Asseco Data Systems S.A./C=PL', ['assecodata.pl', 'www.assecodata.pl']);
});
afterAll(() => w.cleanup());

describe('describeCertificate', () => {
  it('shows what openssl shows: subject, SANs, serial, fingerprint, key, usages', () => {
    for (const input of [certPem, pemToDer(certPem)]) {
      const text = describeCertificate(input);
      expect(text).toMatch(/^Subject: +CN=assecodata.pl, O=Asseco Data Systems S.A., C=PL$/m);
      expect(text).toMatch(/^Issuer: +CN=assecodata.pl/m);
      expect(text).toMatch(/^Alternative names: +assecodata.pl, www.assecodata.pl$/m);
      const serial = openssl(['x509', '-noout', '-serial'], certPem).toString().trim().split('=')[1]!.toLowerCase();
      expect(text).toContain(`Serial number:       ${serial}`);
      const fp = openssl(['x509', '-noout', '-fingerprint', '-sha256'], certPem).toString().trim().split('=')[1]!;
      expect(text).toContain(`SHA-256 fingerprint: ${fp}`);
      expect(text).toMatch(/^Public key: +EC P-256$/m);
      expect(text).toMatch(/^Signature algorithm: +ecdsa-with-SHA256$/m);
      expect(text).toMatch(/^Key usage: +Digital signature, Key encipherment$/m);
      expect(text).toMatch(/^Extended key usage: +TLS server authentication, TLS client authentication$/m);
      expect(text).toMatch(/^Basic constraints: +not a CA$/m);
      const notAfter = new Date(openssl(['x509', '-noout', '-enddate'], certPem).toString().trim().split('=')[1]!);
      expect(text).toContain(`Valid to:            ${notAfter.toISOString()}`);
    }
  });

  it('refuses what is not a certificate with an input error', () => {
    expect(() => describeCertificate(new TextEncoder().encode('nope'))).toThrowError(expect.objectContaining({ code: 'cert-invalid', kind: 'input' }));
    expect(() => describeCertificate(w.read('P-256.key'))).toThrowError(expect.objectContaining({ code: 'cert-invalid' }));
  });
});

describe('certificatePublicKeySpki', () => {
  it('equals the SPKI openssl extracts', () => {
    const expected = openssl(['x509', '-noout', '-pubkey'], certPem);
    expect(Buffer.from(certificatePublicKeySpki(pemToDer(certPem)))).toEqual(pemToDer(expected));
    expect(Buffer.from(certificatePublicKeySpki(certPem))).toEqual(pemToDer(expected));
  });
});
