// The portal's own key store for products whose keys are "stored in the cloud" (reference manual,
// step 1: "Key pair for certificates stored in the cloud will be generated automatically."). The
// portal generates the key pair there, issues the certificate for its public key and installs the
// certificate next to it; the private key never leaves the store. Two stores: a PKCS#11 token of
// the server (pkcs11-store.ts, through the card layer) and the sandbox's software store here.
import { createHash, KeyObject } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Algorithm, CloudKeyInfo } from '../../domain/types.js';
import { encodePem } from '../../pki/pem.js';
import { createFileAtomically } from '../datadir.js';

export interface CloudKeyRequest {
  algorithm: Algorithm;
  /** CKA_LABEL / file label for the key pair and, later, its certificate. */
  label: string;
  /** For stores that prove the key by signing a CSR (a card does): the certificate's names. */
  commonName: string;
  domains: string[];
}

export interface GeneratedCloudKey {
  /** SubjectPublicKeyInfo, DER: what the certificate is issued for. */
  publicKeySpki: Uint8Array;
  info: CloudKeyInfo;
}

export interface CloudKeyStore {
  readonly kind: CloudKeyInfo['store'];
  generate(req: CloudKeyRequest): Promise<GeneratedCloudKey>;
  /** Puts the issued certificate next to its key pair. */
  install(key: CloudKeyInfo, certificateDer: Uint8Array): Promise<void>;
  /** Removes a key pair whose certificate was never issued (the reissue lost a race). Best effort. */
  discard(key: CloudKeyInfo): Promise<void>;
  close(): Promise<void>;
}

/** The sandbox's folder of cloud keys inside the data directory. */
export const SANDBOX_KEY_DIR = 'cloud-keys';
export const SANDBOX_STORE_LOCATION = 'sandbox software store in the data directory (SANDBOX ONLY, not for production)';

/**
 * SANDBOX ONLY: key pairs as PKCS#8 files (mode 0600) in DATA_DIR/cloud-keys/, the certificate
 * beside each. It stands in for a real key store so the cloud flow can be walked through without
 * an HSM; a real portal runs `reissue serve --cloud-module`.
 */
export function sandboxKeyStore(dataDir: string): CloudKeyStore {
  const dir = join(dataDir, SANDBOX_KEY_DIR);
  const file = (keyId: string, ext: string) => join(dir, `${keyId}.${ext}`);
  return {
    kind: 'sandbox',
    async generate(req) {
      // Loaded on the first cloud key: opening a portal does not need the key generator.
      const { newSoftwareKeyPair } = await import('../../pki/software-key.js');
      const keys = await newSoftwareKeyPair(req.algorithm);
      const [privateKey, publicKey] = [KeyObject.from(keys.privateKey), KeyObject.from(keys.publicKey)];
      const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
      // CKA_ID convention of the card layer: SHA-1 of the public key.
      const keyId = createHash('sha1').update(spki).digest('hex');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      if (!createFileAtomically(file(keyId, 'key.pem'), pem, 0o600)) throw new Error(`a key file for ${keyId} already exists`);
      return { publicKeySpki: spki, info: { store: 'sandbox', location: SANDBOX_STORE_LOCATION, keyId, label: req.label } };
    },
    async install(key, certificateDer) {
      createFileAtomically(file(key.keyId, 'cert.pem'), encodePem('CERTIFICATE', certificateDer), 0o600);
    },
    async discard(key) {
      rmSync(file(key.keyId, 'key.pem'), { force: true });
      rmSync(file(key.keyId, 'cert.pem'), { force: true });
    },
    async close() {},
  };
}
