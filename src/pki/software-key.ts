// A CSR generator in software: a new key pair made with node's WebCrypto, the CSR built by
// buildCsr, the private key exported as PKCS#8 PEM (encrypted when a passphrase is given).
import { KeyObject } from 'node:crypto';
import { algorithmSpec } from '../domain/algorithms.js';
import type { Algorithm, Certificate } from '../domain/types.js';
import { writeNewFile } from '../util/files.js';
import { buildCsr, type CsrSubject } from './csr-build.js';
import { softwareCrypto } from './software-crypto.js';

export interface GeneratedCsr {
  csrPem: string;
  privateKeyPem: string;
}

export interface GenerateCsrOptions {
  algorithm: Algorithm;
  subject: CsrSubject;
  /** Encrypts the PKCS#8 key (AES-256-CBC, PBKDF2) when non-empty; '' or undefined: unencrypted. */
  passphrase?: string;
}

/** A new key pair for `algorithm` in software (extractable: its owner stores the private key). */
export async function newSoftwareKeyPair(algorithm: Algorithm): Promise<CryptoKeyPair> {
  const spec = algorithmSpec(algorithm);
  const params =
    spec.kind === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: spec.curve };
  return (await softwareCrypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function generateCsrWithNewKey(opts: GenerateCsrOptions): Promise<GeneratedCsr> {
  // The private key is handed to the user as a file (that is the point of this path).
  const keys = await newSoftwareKeyPair(opts.algorithm);
  const csrPem = await buildCsr(opts.subject, keys, softwareCrypto);
  const privateKey = KeyObject.from(keys.privateKey);
  const privateKeyPem = opts.passphrase
    ? (privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: opts.passphrase }) as string)
    : (privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  return { csrPem, privateKeyPem };
}

/** Writes a private key with mode 0600. Never replaces an existing file, whatever the caller asks. */
export async function writePrivateKey(path: string, pem: string): Promise<void> {
  await writeNewFile(path, pem, { mode: 0o600, existsHint: 'Choose another file name: a private key file is never replaced.' });
}

/** The subject and domains a new CSR for this certificate should carry (those of its order). */
export function subjectForCertificate(cert: Certificate): CsrSubject {
  const o = cert.organization;
  return {
    commonName: cert.commonName,
    domains: [...cert.domains],
    organization: o ? { name: o.name, country: o.country, stateOrProvince: o.stateOrProvince, locality: o.locality } : null,
  };
}
