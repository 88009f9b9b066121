// The certificate authority of the Certum double: a throw-away EC P-256 root made at start, which
// signs every certificate the double hands out (seeded ones and reissued copies). Built on
// @peculiar/x509 with Node's own WebCrypto passed in explicitly, so it shares nothing with the
// product's PKI code it is there to test.
import 'reflect-metadata';
import { createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

export const TEST_CA_NAME = 'Certum Partner API double - test CA (not Certum)';

export interface LeafSubject {
  commonName: string;
  organization?: string;
  locality?: string;
  state?: string;
  country?: string;
}

export interface IssuedLeaf {
  serialNumber: string;
  pem: string;
  subjectName: string;
  notBefore: Date;
  notAfter: Date;
}

/** A fresh serial: 16 random bytes, positive, hex lower case without leading zeros. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString('hex');
}

/** Serial numbers compared the way Certum's hex strings can be written: case and leading zeros ignored. */
export function sameSerial(a: string, b: string): boolean {
  return normalSerial(a) === normalSerial(b);
}

export function normalSerial(s: string): string {
  return s.trim().toLowerCase().replace(/^0+(?=.)/, '');
}

function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

export class TestCa {
  private constructor(
    readonly certificate: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
  ) {}

  static async create(now: Date): Promise<TestCa> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const certificate = await x509.X509CertificateGenerator.createSelfSigned(
      {
        serialNumber: randomSerial(),
        name: `CN=${TEST_CA_NAME}, O=reissue tests, C=PL`,
        notBefore: wholeSeconds(new Date(now.getTime() - 5 * 365 * DAY_MS)),
        notAfter: wholeSeconds(new Date(now.getTime() + 10 * 365 * DAY_MS)),
        keys,
        signingAlgorithm: SIGNING,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return new TestCa(certificate, keys);
  }

  get pem(): string {
    return this.certificate.toString('pem');
  }

  /** A TLS server (with `domains` as its SANs) or code-signing certificate over the given public key (SPKI DER). */
  async issue(opts: { serialNumber: string; subject: LeafSubject; domains: string[]; ips?: string[]; spki: Uint8Array; notBefore: Date; notAfter: Date; usage: 'tls' | 'code-signing' }): Promise<IssuedLeaf> {
    const names = [...opts.domains.map((d) => ({ type: 'dns' as const, value: d })), ...(opts.ips ?? []).map((ip) => ({ type: 'ip' as const, value: ip }))];
    const publicKey = new x509.PublicKey(new Uint8Array(opts.spki));
    const cert = await x509.X509CertificateGenerator.create(
      {
        serialNumber: opts.serialNumber.length % 2 ? `0${opts.serialNumber}` : opts.serialNumber,
        subject: distinguishedName(opts.subject),
        issuer: this.certificate.subject,
        notBefore: wholeSeconds(opts.notBefore),
        notAfter: wholeSeconds(opts.notAfter),
        publicKey,
        signingKey: this.keys.privateKey,
        signingAlgorithm: SIGNING,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([opts.usage === 'tls' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.codeSigning]),
          ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
          await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey, false, crypto),
        ],
      },
      crypto,
    );
    return { serialNumber: normalSerial(opts.serialNumber), pem: cert.toString('pem'), subjectName: cert.subject, notBefore: cert.notBefore, notAfter: cert.notAfter };
  }
}

export function distinguishedName(s: LeafSubject): string {
  const esc = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  const parts = [
    s.country ? `C=${esc(s.country)}` : '',
    s.state ? `ST=${esc(s.state)}` : '',
    s.locality ? `L=${esc(s.locality)}` : '',
    s.organization ? `O=${esc(s.organization)}` : '',
    `CN=${esc(s.commonName)}`,
  ].filter(Boolean);
  return parts.reverse().join(', ');
}

/** A TLS server key and certificate for the double itself on 127.0.0.1 (PEM), signed by `ca`. */
export async function serverIdentity(ca: TestCa, now: Date): Promise<{ keyPem: string; certPem: string }> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const leaf = await ca.issue({ serialNumber: randomSerial(), subject: { commonName: '127.0.0.1' }, domains: [], ips: ['127.0.0.1'], spki, notBefore: new Date(now.getTime() - DAY_MS), notAfter: new Date(now.getTime() + 30 * DAY_MS), usage: 'tls' });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { keyPem: `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`, certPem: leaf.pem };
}

/** A key pair for a seeded certificate (the double never needs its private half). */
export async function seedSpki(kind: 'rsa-2048' | 'ec-p256'): Promise<Uint8Array> {
  const keys = (kind === 'rsa-2048'
    ? await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
    : await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
}

/** What the double needs to know of a public key: its family and size. */
export function describeSpki(spki: Uint8Array): { kind: 'RSA' | 'EC' | 'other'; bits: number; curve?: string } {
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { kind: 'RSA', bits: d.modulusLength ?? 0 };
  if (key.asymmetricKeyType === 'ec') {
    const curve = d.namedCurve ?? '';
    const bits = curve === 'prime256v1' ? 256 : curve === 'secp384r1' ? 384 : curve === 'secp521r1' ? 521 : 0;
    return { kind: 'EC', bits, curve };
  }
  return { kind: 'other', bits: 0 };
}

export { x509, crypto as doubleCrypto };
