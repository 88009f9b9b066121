// The SANDBOX certificate authority of the embedded portal: one EC P-256 key (PKCS#8 PEM, mode
// 0600) and its self-signed certificate. It signs the demo certificates, every reissued copy and
// the CRL. It is labelled as a sandbox everywhere so nobody mistakes it for a real CA.
import { createHash, createPrivateKey, createPublicKey, KeyObject, sign } from 'node:crypto';
import { x509, softwareCrypto } from '../pki/x509.js';
import { decodePemBlocks, encodePem } from '../pki/pem.js';
import { countryCode } from '../pki/csr-build.js';
import { parseSpki } from '../pki/csr-parse.js';
import { weakKeyProblems } from '../pki/weak-key-problem.js';
import { inputError } from '../domain/errors.js';
import type { Organization, RevocationReason } from '../domain/types.js';
import { randomSerial, wholeSeconds, type LeafUsage } from './certificate-values.js';

export const SANDBOX_CA_NAME = 'reissue SANDBOX CA - not for production use';
const CA_KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LeafRequest {
  /** Hex, lower case (see randomSerial). */
  serialNumber: string;
  commonName: string;
  domains: string[];
  organization: Organization | null;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  publicKeySpki: Uint8Array;
  usage: LeafUsage;
}

export interface CrlEntry {
  serialNumber: string;
  revocationDate: Date;
  reason: RevocationReason;
}

export interface GeneratedCa {
  ca: SandboxCa;
  keyPem: string;
  certPem: string;
}

export class SandboxCa {
  private constructor(
    readonly certificate: x509.X509Certificate,
    private readonly signingKey: CryptoKey,
    private readonly keyId: string,
  ) {}

  /** A new CA whose validity covers the demo data and any REISSUE_NOW a walkthrough may use. */
  static async generate(now: Date): Promise<GeneratedCa> {
    const keys = (await softwareCrypto.subtle.generateKey(CA_KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = new Uint8Array(await softwareCrypto.subtle.exportKey('spki', keys.publicKey));
    const keyId = keyIdentifier(spki);
    const notBefore = wholeSeconds(new Date(now.getTime() - 10 * 365 * DAY_MS));
    const notAfter = wholeSeconds(new Date(now.getTime() + 20 * 365 * DAY_MS));
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: [{ CN: [SANDBOX_CA_NAME] }, { O: ['reissue sandbox (test data only)'] }],
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        new x509.SubjectKeyIdentifierExtension(keyId),
        new x509.AuthorityKeyIdentifierExtension(keyId),
      ],
    });
    const pkcs8 = new Uint8Array(await softwareCrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const signingKey = await importSigningKey(pkcs8);
    return {
      ca: new SandboxCa(certificate, signingKey, keyId),
      keyPem: encodePem('PRIVATE KEY', pkcs8),
      certPem: encodePem('CERTIFICATE', new Uint8Array(certificate.rawData)),
    };
  }

  /**
   * Loads a CA from its PEM files' contents. Throws a plain Error naming what is wrong; the caller
   * knows the file names and turns it into a ReissueError.
   */
  static async fromPem(keyPem: string, certPem: string): Promise<SandboxCa> {
    const certificate = new x509.X509Certificate(certPem);
    const pkcs8 = pemBody(keyPem, 'PRIVATE KEY');
    // The key file must belong to the certificate file, or every signature would be worthless.
    const keyPublic = new Uint8Array(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ type: 'spki', format: 'der' }));
    const certPublic = new Uint8Array(certificate.publicKey.rawData);
    if (!Buffer.from(keyPublic).equals(Buffer.from(certPublic))) throw new Error('the CA key does not match the CA certificate');
    return new SandboxCa(certificate, await importSigningKey(pkcs8), keyIdentifier(certPublic));
  }

  get certificatePem(): string {
    return encodePem('CERTIFICATE', this.certificateDer);
  }

  get certificateDer(): Uint8Array {
    return new Uint8Array(this.certificate.rawData);
  }

  /** SHA-256 of the CA certificate, hex: ties a data directory's CA files to its database. */
  get fingerprint(): string {
    return createHash('sha256').update(this.certificateDer).digest('hex');
  }

  async issue(req: LeafRequest): Promise<x509.X509Certificate> {
    refuseWeakKey(req.publicKeySpki);
    const ec = isEcKey(req.publicKeySpki);
    const usages =
      req.usage === 'tls-server' && !ec
        ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
        : x509.KeyUsageFlags.digitalSignature;
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usages, true),
      new x509.ExtendedKeyUsageExtension([req.usage === 'code-signing' ? x509.ExtendedKeyUsage.codeSigning : x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectKeyIdentifierExtension(keyIdentifier(req.publicKeySpki)),
      new x509.AuthorityKeyIdentifierExtension(this.keyId),
    ];
    if (req.domains.length) {
      extensions.push(new x509.SubjectAlternativeNameExtension(req.domains.map((d) => ({ type: 'dns' as const, value: d }))));
    }
    return x509.X509CertificateGenerator.create({
      serialNumber: req.serialNumber,
      subject: leafSubject(req.commonName, req.organization),
      issuer: this.certificate.subjectName,
      notBefore: wholeSeconds(req.notBefore),
      notAfter: wholeSeconds(req.notAfter),
      publicKey: new Uint8Array(req.publicKeySpki),
      signingKey: this.signingKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions,
    });
  }

  /**
   * Signs raw bytes (a TBSCertificate) with ecdsa-with-SHA256, DER signature, synchronously.
   * Only the bulk generator uses it, to sign thousands of templated certificates quickly.
   */
  signSync(data: Uint8Array): Uint8Array {
    return new Uint8Array(sign('sha256', data, KeyObject.from(this.signingKey)));
  }

  /** A CRL listing every entry with its reason and date; valid for one day from `now`. */
  async crl(entries: CrlEntry[], now: Date, crlNumber: number): Promise<x509.X509Crl> {
    const thisUpdate = wholeSeconds(now);
    return x509.X509CrlGenerator.create({
      issuer: this.certificate.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + DAY_MS),
      signingKey: this.signingKey,
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [new x509.AuthorityKeyIdentifierExtension(this.keyId), crlNumberExtension(crlNumber)],
      entries: entries.map((e) => ({
        serialNumber: e.serialNumber,
        revocationDate: wholeSeconds(e.revocationDate),
        reason: x509.X509CrlReason[e.reason],
      })),
    });
  }
}

function leafSubject(commonName: string, o: Organization | null): x509.JsonName {
  const name: x509.JsonName = [{ CN: [commonName] }];
  if (o) name.push({ O: [o.name] }, { L: [o.locality] }, { ST: [o.stateOrProvince] }, { C: [countryCode(o.country)] });
  return name;
}

// RFC 7093 method 1: the leftmost 160 bits of the SHA-256 of the whole SubjectPublicKeyInfo.
function keyIdentifier(spki: Uint8Array): string {
  return createHash('sha256').update(spki).digest('hex').slice(0, 40);
}

/**
 * The CA's own last check, whatever the key's source (a checked CSR, a card, the cloud key store):
 * a key with a known weakness is never certified, even if a caller skipped the CSR check.
 */
export function refuseWeakKey(spki: Uint8Array): void {
  const problems = weakKeyProblems(parseSpki(spki));
  if (!problems.length) return;
  throw inputError(
    'weak-key',
    `The CA refuses to certify this key: ${problems.map((p) => p.message).join(' ')}`,
    'Nothing was issued. Generate a new key pair and try again.',
    { problems },
  );
}

function isEcKey(spki: Uint8Array): boolean {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).asymmetricKeyType === 'ec';
}

async function importSigningKey(pkcs8: Uint8Array): Promise<CryptoKey> {
  return softwareCrypto.subtle.importKey('pkcs8', new Uint8Array(pkcs8), CA_KEY_ALGORITHM, false, ['sign']);
}

function pemBody(pem: string, label: string): Uint8Array {
  const block = decodePemBlocks(pem).find((b) => b.label === label);
  if (!block) throw new Error(`no "${label}" PEM block`);
  return block.der;
}

// cRLNumber (2.5.29.20): a DER INTEGER, positive and minimal.
function crlNumberExtension(n: number): x509.Extension {
  let hex = Math.max(0, Math.floor(n)).toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex;
  const body = Buffer.from(hex, 'hex');
  return new x509.Extension('2.5.29.20', false, Buffer.concat([Buffer.from([0x02, body.length]), body]));
}
