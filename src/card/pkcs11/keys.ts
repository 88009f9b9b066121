// Key pair templates (every flag explicit: SoftHSM's defaults are not ours), reading a public key
// back as SubjectPublicKeyInfo, finding objects, setting attributes on both halves of a pair, and
// destroying a pair or everything with one CKA_ID.
import { createPublicKey } from 'node:crypto';
import type { Template } from 'pkcs11js';
import { algorithmSpec, type AlgorithmSpec } from '../../domain/algorithms.js';
import type { Algorithm } from '../../domain/types.js';
import { unwrapEcPoint } from '../der.js';
import { ck, ulongOf, type Handle, type Pkcs11 } from './pkcs11.js';

/** DER OIDs for CKA_EC_PARAMS. */
export const CURVE_OIDS = { 'P-256': '06082a8648ce3d030107', 'P-384': '06052b81040022' } as const;

export interface KeyPairTemplates {
  mechanism: number;
  publicKey: Template;
  privateKey: Template;
}

export function keyPairTemplates(alg: Algorithm, id: Buffer, label: string): KeyPairTemplates {
  const spec = algorithmSpec(alg);
  const common = [
    { type: ck.CKA_TOKEN, value: true },
    { type: ck.CKA_ID, value: id },
    { type: ck.CKA_LABEL, value: label },
  ];
  const publicKey: Template = [
    { type: ck.CKA_CLASS, value: ck.CKO_PUBLIC_KEY },
    ...common,
    { type: ck.CKA_PRIVATE, value: false },
    { type: ck.CKA_VERIFY, value: true },
    { type: ck.CKA_ENCRYPT, value: false },
    { type: ck.CKA_WRAP, value: false },
  ];
  const privateKey: Template = [
    { type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY },
    ...common,
    { type: ck.CKA_PRIVATE, value: true },
    { type: ck.CKA_SENSITIVE, value: true },
    { type: ck.CKA_EXTRACTABLE, value: false },
    { type: ck.CKA_SIGN, value: true },
    { type: ck.CKA_DECRYPT, value: false },
    { type: ck.CKA_UNWRAP, value: false },
    { type: ck.CKA_DERIVE, value: false },
  ];
  if (spec.kind === 'RSA') {
    publicKey.push({ type: ck.CKA_MODULUS_BITS, value: spec.bits }, { type: ck.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) });
    return { mechanism: ck.CKM_RSA_PKCS_KEY_PAIR_GEN, publicKey, privateKey };
  }
  publicKey.push({ type: ck.CKA_EC_PARAMS, value: Buffer.from(CURVE_OIDS[spec.curve], 'hex') });
  return { mechanism: ck.CKM_EC_KEY_PAIR_GEN, publicKey, privateKey };
}

export function getAttr(p11: Pkcs11, session: Handle, obj: Handle, type: number): Buffer {
  const [a] = p11.C_GetAttributeValue(session, obj, [{ type }]);
  if (!a) throw new Error(`attribute ${type} missing`);
  return a.value;
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const stripZeros = (b: Buffer) => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

/** The key's SubjectPublicKeyInfo (DER), from a public key object (or an RSA private key's modulus). */
export function publicKeySpki(p11: Pkcs11, session: Handle, obj: Handle): { spki: Uint8Array; spec: AlgorithmSpec | null } {
  const keyType = ulongOf(getAttr(p11, session, obj, ck.CKA_KEY_TYPE));
  if (keyType === ck.CKK_RSA) {
    // Unsigned big-endian; leading zeros would make node read a different modulus length.
    const n = stripZeros(getAttr(p11, session, obj, ck.CKA_MODULUS));
    const e = stripZeros(getAttr(p11, session, obj, ck.CKA_PUBLIC_EXPONENT));
    const spki = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const bits = n.length * 8;
    const spec = bits === 2048 || bits === 3072 || bits === 4096 ? ({ kind: 'RSA', bits } as const) : null;
    return { spki: new Uint8Array(spki), spec };
  }
  if (keyType === ck.CKK_EC) {
    const params = getAttr(p11, session, obj, ck.CKA_EC_PARAMS).toString('hex');
    const curve = (Object.keys(CURVE_OIDS) as (keyof typeof CURVE_OIDS)[]).find((c) => CURVE_OIDS[c] === params);
    if (!curve) throw new Error(`EC key on an unsupported curve (${params})`);
    const size = curve === 'P-256' ? 32 : 48;
    const point = unwrapEcPoint(getAttr(p11, session, obj, ck.CKA_EC_POINT), size);
    const x = point.subarray(1, 1 + size);
    const y = point.subarray(1 + size);
    const spki = createPublicKey({ key: { kty: 'EC', crv: curve, x: b64url(x), y: b64url(y) }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    return { spki: new Uint8Array(spki), spec: { kind: 'EC', curve, bits: curve === 'P-256' ? 256 : 384 } };
  }
  throw new Error(`unsupported key type ${keyType}`);
}

export function findObjects(p11: Pkcs11, session: Handle, template: Template): Handle[] {
  p11.C_FindObjectsInit(session, template);
  try {
    const out: Handle[] = [];
    for (;;) {
      const batch = p11.C_FindObjects(session, 32);
      if (!batch.length) return out;
      out.push(...batch);
    }
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

/** Best effort: removes every object carrying this CKA_ID. True when nothing is left. */
export function destroyById(p11: Pkcs11, session: Handle, id: Buffer): boolean {
  try {
    for (const h of findObjects(p11, session, [{ type: ck.CKA_ID, value: id }])) p11.C_DestroyObject(session, h);
    return true;
  } catch {
    return false;
  }
}

export interface KeyPairHandles {
  publicKey?: Handle | null;
  privateKey?: Handle | null;
}

/**
 * Sets attributes on both halves of a key pair, best effort: some cards refuse to change an ID or
 * label (CKR_ATTRIBUTE_READ_ONLY); the values read back afterwards are the truth either way.
 */
export function setOnPair(p11: Pkcs11, session: Handle, pair: KeyPairHandles, template: Template): void {
  for (const h of [pair.privateKey, pair.publicKey]) {
    if (!h) continue;
    for (const attr of template) {
      try {
        p11.C_SetAttributeValue(session, h, [attr]);
      } catch {
        /* kept as it was: see above */
      }
    }
  }
}

/** Removes a half-made key pair: its two handles, else everything with the CKA_ID it was made with. True when nothing is left. */
export function destroyPair(p11: Pkcs11, session: Handle, pair: { publicKey: Handle; privateKey: Handle }, id: Buffer): boolean {
  try {
    p11.C_DestroyObject(session, pair.privateKey);
    p11.C_DestroyObject(session, pair.publicKey);
    return true;
  } catch {
    return destroyById(p11, session, id) && findObjects(p11, session, [{ type: ck.CKA_ID, value: id }]).length === 0;
  }
}
