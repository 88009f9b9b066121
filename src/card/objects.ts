// The key pairs and certificates on a token as other tools see them: CKA_ID = SHA-1 of the public
// key (RFC 5280 key identifier, method 1, as OpenSC and p11tool make it), one label per key pair
// shared by its certificate, and the PKCS#11 URI of each. Listing and matching use only public
// objects (public keys, certificates): no PIN is needed to find which card holds a key.
import { createHash } from 'node:crypto';
import { algorithmOf } from '../domain/algorithms.js';
import type { Algorithm } from '../domain/types.js';
import { bitStringBytes, children, readTlv } from '../pki/der.js';
import type { TokenInfo } from './card.js';
import { findObjects, getAttr, publicKeySpki } from './keys.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';
import { objectUri } from './uri.js';

/** A key pair on a card, seen through its public key object. */
export interface CardKey {
  /** CKA_ID, hex. */
  id: string;
  label: string;
  /** Null for a key type or size reissue does not make. */
  algorithm: Algorithm | null;
  keyType: string;
  bits: number | null;
  /** SHA-256 of the SubjectPublicKeyInfo, hex (what a manifest line records). */
  publicKeySha256: string;
  /** URI of the private key (what signing tools take). */
  uri: string;
  /** The certificate stored with the same CKA_ID, if any. */
  certificate: { label: string; uri: string } | null;
}

/** SubjectPublicKeyInfo → the SHA-1 of its subjectPublicKey bits (the usual Subject Key Identifier). */
export function keyIdOf(spki: Uint8Array): Buffer {
  const outer = readTlv(spki, 0);
  const [, key] = children(spki, outer);
  if (!key) throw new Error('SubjectPublicKeyInfo without a key');
  return createHash('sha1').update(bitStringBytes(spki, key, 'the public key')).digest();
}

export const publicKeySha256 = (spki: Uint8Array) => createHash('sha256').update(spki).digest('hex');

/**
 * The label a new key pair and, later, its certificate share: what it is for, when it was made and
 * the start of its key id, so two reissues on one card never share a label.
 */
export function keyPairLabel(purpose: string, keyId: string, at: Date): string {
  return `${purpose} ${at.toISOString().slice(0, 10)} ${keyId.slice(0, 8)}`;
}

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

/** The subject Name (DER) of a CSR: CertificationRequest { info { version, subject, … } }. */
export function csrSubjectDer(csrDer: Uint8Array): Uint8Array {
  const info = children(csrDer, readTlv(csrDer, 0))[0];
  const subject = info && children(csrDer, info)[1];
  if (!subject) throw new Error('CSR without a subject');
  return csrDer.slice(subject.start, subject.end);
}
