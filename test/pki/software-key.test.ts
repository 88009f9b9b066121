import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm, Certificate } from '../../src/domain/types.js';
import { checkCsr } from '../../src/pki/csr-check.js';
import { generateCsrWithNewKey, subjectForCertificate, writePrivateKey } from '../../src/pki/software-key.js';
import { Workdir, openssl } from './helpers.js';

const CERT: Certificate = {
  id: 'c1',
  serialNumber: '0a1b',
  commonName: 'assecodata.pl',
  domains: ['assecodata.pl', 'www.assecodata.pl'],
  state: 'valid',
  orderId: 'ORDER/0000123456/po',
  product: 'Trusted MultiDomain SSL 4 domains 365 days',
  productCategory: 'SSL',
  keySources: ['csr'],
  algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  replaces: null,
  replacedBy: null,
  revocationDate: null,
  revocationReason: null,
  subscriber: { name: 'Jan', lastName: 'Kowalski', email: 'jan@assecodata.pl', verificationMethod: 'e-mail' },
  organization: { name: 'Asseco Data Systems S.A.', verificationMethod: 'KRS 0000421310', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
  authorizationMethod: 'e-mail',
  account: 'demo',
};

let w: Workdir;
beforeAll(() => {
  w = new Workdir();
});
afterAll(() => w.cleanup());

describe('generateCsrWithNewKey', () => {
  const cases: { alg: Algorithm; passphrase?: string; text: RegExp }[] = [
    { alg: 'rsa-2048', text: /Public-Key: \(2048 bit\)/ },
    { alg: 'rsa-3072', passphrase: 'correct horse', text: /Public-Key: \(3072 bit\)/ },
    { alg: 'rsa-4096', text: /Public-Key: \(4096 bit\)/ },
    { alg: 'ec-p256', passphrase: 'zażółć gęślą', text: /NIST CURVE: P-256/ },
    { alg: 'ec-p384', text: /NIST CURVE: P-384/ },
  ];
  for (const c of cases) {
    it(`${c.alg}${c.passphrase ? ' (encrypted key)' : ''}: openssl verifies the CSR and loads the key`, async () => {
      const made = await generateCsrWithNewKey({ algorithm: c.alg, subject: subjectForCertificate(CERT), passphrase: c.passphrase });
      const csrPath = w.write(`${c.alg}.csr`, made.csrPem);
      const keyPath = w.path(`${c.alg}.key`);
      await writePrivateKey(keyPath, made.privateKeyPem);

      const verified = openssl(['req', '-in', csrPath, '-verify', '-noout', '-text']).toString();
      expect(verified).toMatch(c.text);
      expect(verified).toMatch(/CN *= *assecodata.pl/);
      expect(verified).toMatch(/O *= *Asseco Data Systems S.A./);
      expect(verified).toMatch(/DNS:assecodata.pl, DNS:www.assecodata.pl/);

      const pass = c.passphrase ? ['-passin', `pass:${c.passphrase}`] : [];
      if (c.passphrase) {
        expect(made.privateKeyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
        expect(() => openssl(['pkey', '-in', keyPath, '-noout', '-passin', 'pass:wrong'])).toThrow();
      } else {
        expect(made.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      }
      // The key loads, and it is the key of the CSR.
      const keyPub = openssl(['pkey', '-in', keyPath, '-pubout', ...pass]).toString();
      const csrPub = openssl(['req', '-in', csrPath, '-pubkey', '-noout']).toString();
      expect(keyPub).toBe(csrPub);

      const report = await checkCsr(new TextEncoder().encode(made.csrPem), { domains: CERT.domains, algorithms: CERT.algorithms });
      expect(report.problems).toEqual([]);
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    }, 60_000);
  }

  it('a code-signing subject (CN not a host name, no domains) gets no dNSName', async () => {
    const cert = { ...CERT, commonName: 'Asseco Data Systems S.A.', domains: [] };
    const made = await generateCsrWithNewKey({ algorithm: 'ec-p256', subject: subjectForCertificate(cert) });
    const text = openssl(['req', '-in', '-', '-verify', '-noout', '-text'], made.csrPem).toString();
    expect(text).not.toContain('DNS:');
    const report = await checkCsr(new TextEncoder().encode(made.csrPem), { domains: [], algorithms: ['ec-p256'], commonName: cert.commonName });
    expect(report.problems).toEqual([]);
  });

  it('each call makes a new key pair', async () => {
    const a = await generateCsrWithNewKey({ algorithm: 'ec-p256', subject: subjectForCertificate(CERT) });
    const b = await generateCsrWithNewKey({ algorithm: 'ec-p256', subject: subjectForCertificate(CERT) });
    expect(a.privateKeyPem).not.toBe(b.privateKeyPem);
  });
});

describe('writePrivateKey', () => {
  it('writes mode 0600 and never overwrites an existing file', async () => {
    const path = w.path('existing.key');
    writeFileSync(path, 'precious');
    await expect(writePrivateKey(path, '-----BEGIN PRIVATE KEY-----\n')).rejects.toMatchObject({ code: 'file-exists', kind: 'input' });
    expect(readFileSync(path, 'utf8')).toBe('precious');

    const fresh = w.path('fresh.key');
    await writePrivateKey(fresh, 'key');
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    await expect(writePrivateKey(fresh, 'other')).rejects.toMatchObject({ code: 'file-exists' });
    expect(readFileSync(fresh, 'utf8')).toBe('key');
  });
});

describe('subjectForCertificate', () => {
  it('takes CN, domains and organisation from the certificate', () => {
    expect(subjectForCertificate(CERT)).toEqual({
      commonName: 'assecodata.pl',
      domains: ['assecodata.pl', 'www.assecodata.pl'],
      organization: { name: 'Asseco Data Systems S.A.', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
    });
    expect(subjectForCertificate({ ...CERT, organization: null }).organization).toBeNull();
  });
});
