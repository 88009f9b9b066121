// A WebCrypto-shaped object whose key lives on the card, for buildCsr(), which calls only
// exportKey('spki') and sign(). The hash is computed here and the card signs it raw:
// RSA → CKM_RSA_PKCS over DigestInfo(SHA-256) (works on tokens that only do raw RSA);
// EC → CKM_ECDSA over SHA-256 / SHA-384, returning r‖s (as WebCrypto does), which buildCsr turns into DER.
import { createHash } from 'node:crypto';
import type { AlgorithmSpec } from '../../domain/algorithms.js';
import { getAttr } from './keys.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export interface SigningKey {
  p11: Pkcs11;
  session: Handle;
  privateKey: Handle;
  spec: AlgorithmSpec;
  spki: Uint8Array;
  /** For keys with CKA_ALWAYS_AUTHENTICATE (context-specific login before each signature). */
  pin: string;
}

/** Signs `data` on the card, as the CSR's signature algorithm needs. */
export async function signOnCard(key: SigningKey, data: Uint8Array): Promise<Uint8Array> {
  const { p11, session, privateKey, spec } = key;
  let input: Buffer;
  let mechanism: number;
  if (spec.kind === 'RSA') {
    input = Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(data).digest()]);
    mechanism = ck.CKM_RSA_PKCS;
  } else {
    input = createHash(spec.curve === 'P-384' ? 'sha384' : 'sha256').update(data).digest();
    mechanism = ck.CKM_ECDSA;
  }
  p11.C_SignInit(session, { mechanism }, privateKey);
  if (alwaysAuthenticate(p11, session, privateKey)) p11.C_Login(session, ck.CKU_CONTEXT_SPECIFIC, key.pin || undefined);
  // Both buffers stay referenced here until the async call settles (pkcs11js #121).
  const out = Buffer.alloc(1024);
  const sig = await p11.C_SignAsync(session, input, out);
  return new Uint8Array(sig);
}

function alwaysAuthenticate(p11: Pkcs11, session: Handle, key: Handle): boolean {
  try {
    const v = getAttr(p11, session, key, ck.CKA_ALWAYS_AUTHENTICATE);
    return v.length > 0 && v[0] !== 0;
  } catch {
    return false; // not supported by the token: no context login needed
  }
}

const toArrayBuffer = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

/** The key pair and crypto object to hand to buildCsr(). */
export function cardCsrCrypto(key: SigningKey): { keys: CryptoKeyPair; crypto: Crypto } {
  const algorithm =
    key.spec.kind === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' }, modulusLength: key.spec.bits, publicExponent: new Uint8Array([1, 0, 1]) }
      : // buildCsr picks the signature algorithm by namedCurve: exactly 'P-256' / 'P-384'.
        { name: 'ECDSA', namedCurve: key.spec.curve };
  const make = (type: KeyType, usages: KeyUsage[]) => ({ type, algorithm, extractable: type === 'public', usages }) as unknown as CryptoKey;
  const keys = { publicKey: make('public', ['verify']), privateKey: make('private', ['sign']) } as CryptoKeyPair;
  const subtle = {
    async exportKey(format: string, k: CryptoKey) {
      if (format !== 'spki' || k !== keys.publicKey) throw new Error(`card keys export only their public key as SPKI, not ${format}`);
      return toArrayBuffer(key.spki);
    },
    async sign(_alg: unknown, k: CryptoKey, data: BufferSource) {
      if (k !== keys.privateKey) throw new Error('unknown key');
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      return toArrayBuffer(await signOnCard(key, bytes));
    },
  };
  return { keys, crypto: { subtle } as unknown as Crypto };
}
