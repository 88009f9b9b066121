// The key pairs and certificates on a token as other tools see them (named as key-ids.ts says),
// with the PKCS#11 URI of each. Listing and finding a public key use only public objects (public
// keys, certificates): no PIN is needed to find which card holds a key. Matching a certificate to
// its key pair for install looks at the private keys too, after login.
import { algorithmOf } from '../../domain/algorithms.js';
import type { Algorithm } from '../../domain/types.js';
import type { CardKey, TokenInfo } from '../card.js';
import { publicKeySha256 } from '../key-ids.js';
import { objectUri } from '../uri.js';
import { findObjects, getAttr, publicKeySpki } from './keys.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';

interface PublicKeyObject {
  handle: Handle;
  id: Buffer;
  label: string;
  spki: Uint8Array;
  algorithm: Algorithm | null;
  keyType: string;
  bits: number | null;
}

function publicKeys(p11: Pkcs11, session: Handle): PublicKeyObject[] {
  const out: PublicKeyObject[] = [];
  for (const h of findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PUBLIC_KEY }])) {
    try {
      const { spki, spec } = publicKeySpki(p11, session, h);
      out.push({
        handle: h,
        id: getAttr(p11, session, h, ck.CKA_ID),
        label: getAttr(p11, session, h, ck.CKA_LABEL).toString('utf8'),
        spki,
        algorithm: spec ? algorithmOf(spec.kind, spec.bits) : null,
        keyType: spec?.kind ?? 'other',
        bits: spec?.bits ?? null,
      });
    } catch {
      continue; // a key type we do not read
    }
  }
  return out;
}

function certificatesById(p11: Pkcs11, session: Handle): Map<string, { label: string }[]> {
  const out = new Map<string, { label: string }[]>();
  for (const h of findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_CERTIFICATE }])) {
    try {
      const id = getAttr(p11, session, h, ck.CKA_ID).toString('hex');
      const entry = { label: getAttr(p11, session, h, ck.CKA_LABEL).toString('utf8') };
      out.set(id, [...(out.get(id) ?? []), entry]);
    } catch {
      continue;
    }
  }
  return out;
}

/** Every key pair on the token that a public key object shows, with its certificate. */
export function listKeys(p11: Pkcs11, session: Handle, token: TokenInfo): CardKey[] {
  const certs = certificatesById(p11, session);
  return publicKeys(p11, session).map((k) => {
    const id = k.id.toString('hex');
    const cert = certs.get(id)?.[0] ?? null;
    return {
      id,
      label: k.label,
      algorithm: k.algorithm,
      keyType: k.keyType,
      bits: k.bits,
      publicKeySha256: publicKeySha256(k.spki),
      uri: objectUri(token, { id, label: k.label, type: 'private' }),
      certificate: cert ? { label: cert.label, uri: objectUri(token, { id, label: cert.label, type: 'cert' }) } : null,
    };
  });
}

/** The public key object whose key equals `spki`, if the token has one. */
export function findPublicKey(p11: Pkcs11, session: Handle, spki: Uint8Array): { handle: Handle; id: Buffer; label: string } | null {
  const want = Buffer.from(spki);
  const k = publicKeys(p11, session).find((o) => want.equals(Buffer.from(o.spki)));
  return k ? { handle: k.handle, id: k.id, label: k.label } : null;
}

/** The private key with this CKA_ID (needs a logged-in session), or null. */
export function privateKeyById(p11: Pkcs11, session: Handle, id: Buffer): Handle | null {
  return findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY }, { type: ck.CKA_ID, value: id }])[0] ?? null;
}

/** CKA_ID and label of the key pair whose public key equals `spki` (with a private key: needs a login), or null. */
export function matchingKey(p11: Pkcs11, session: Handle, spki: Uint8Array): { id: Buffer; label: string } | null {
  const want = Buffer.from(spki);
  const privateIds = new Set(findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY }]).map((h) => getAttr(p11, session, h, ck.CKA_ID).toString('hex')));
  const candidates = [
    ...findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PUBLIC_KEY }]),
    // An RSA private key carries its modulus: it matches even without a public key object.
    ...findObjects(p11, session, [
      { type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY },
      { type: ck.CKA_KEY_TYPE, value: ck.CKK_RSA },
    ]),
  ];
  for (const h of candidates) {
    let id: Buffer;
    let key: Uint8Array;
    try {
      id = getAttr(p11, session, h, ck.CKA_ID);
      key = publicKeySpki(p11, session, h).spki;
    } catch {
      continue; // a key type we do not handle
    }
    if (privateIds.has(id.toString('hex')) && want.equals(Buffer.from(key))) return { id, label: getAttr(p11, session, h, ck.CKA_LABEL).toString('utf8') };
  }
  return null;
}
