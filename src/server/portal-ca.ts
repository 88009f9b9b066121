// The portal's sandbox CA as opening a portal needs it: its certificate, and proof that the key
// file belongs to it, checked with node:crypto (built in, fast). Signing (reissue, CRL, seeding)
// needs @peculiar/x509, a large module, so SandboxCa is loaded only on the first signature:
// opening a portal to list or show certificates never pays for it.
import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { decodePemBlocks, encodePem } from '../pki/pem.js';
import type { GeneratedCa, SandboxCa } from './ca.js';

export class PortalCa {
  private signer: Promise<SandboxCa> | null;

  private constructor(
    private readonly keyPem: string,
    /** The CA certificate, DER. */
    readonly certificateDer: Uint8Array,
    signer: SandboxCa | null,
  ) {
    this.signer = signer ? Promise.resolve(signer) : null;
  }

  /** A CA just generated: already able to sign. */
  static generated(g: GeneratedCa): PortalCa {
    return new PortalCa(g.keyPem, g.ca.certificateDer, g.ca);
  }

  /**
   * Checks a data directory's CA files without loading the signing code: the certificate parses
   * and the private key is the certificate's. Throws a plain Error naming what is wrong; the
   * caller knows the file names and turns it into a ReissueError.
   */
  static fromPem(keyPem: string, certPem: string): PortalCa {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(certPem);
    } catch (e) {
      throw new Error(`the CA certificate cannot be read (${(e as Error).message})`);
    }
    // The signing code reads a PKCS#8 EC P-256 key: anything else would fail only at the first reissue.
    const pkcs8 = decodePemBlocks(keyPem).find((b) => b.label === 'PRIVATE KEY');
    if (!pkcs8) throw new Error('no "PRIVATE KEY" PEM block');
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(pkcs8.der), format: 'der', type: 'pkcs8' });
    } catch (e) {
      throw new Error(`the CA key cannot be read (${(e as Error).message})`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the CA key is not an EC P-256 key');
    }
    // The key file must belong to the certificate file, or every signature would be worthless.
    if (certificate.publicKey.asymmetricKeyType !== 'ec' || !certificate.checkPrivateKey(key)) {
      throw new Error('the CA key does not match the CA certificate');
    }
    return new PortalCa(keyPem, new Uint8Array(certificate.raw), null);
  }

  get certificatePem(): string {
    return encodePem('CERTIFICATE', this.certificateDer);
  }

  /** SHA-256 of the CA certificate, hex: ties a data directory's CA files to its database. */
  get fingerprint(): string {
    return createHash('sha256').update(this.certificateDer).digest('hex');
  }

  /** The CA that signs; loads @peculiar/x509 the first time it is asked for. */
  signing(): Promise<SandboxCa> {
    if (!this.signer) {
      const loading = import('./ca.js').then(({ SandboxCa }) => SandboxCa.fromPem(this.keyPem, this.certificatePem));
      // A failed load is not kept: the next signature tries again.
      loading.catch(() => {
        if (this.signer === loading) this.signer = null;
      });
      this.signer = loading;
    }
    return this.signer;
  }
}
