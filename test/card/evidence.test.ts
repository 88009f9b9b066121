// The card evidence rule (src/card/evidence.ts), pure: the key id must be SHA-1 of the key the CA
// certifies, a declared key hash must be that key's, and a card serial + key id pair recorded for
// one key refuses any other. Key ids are worked out here from node's own key export, not from
// reissue's DER code. Loading the rule loads no PKCS#11 code.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardKeyId, evidenceRefusal } from '../../src/card/evidence.js';
import { publicKeySha256 as spkiSha256 } from '../../src/card/key-ids.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';
import { ROOT } from '../helpers/cli.js';

const spkiOf = (k: KeyObject) => new Uint8Array(k.export({ type: 'spki', format: 'der' }));
function subjectPublicKeySha1(k: KeyObject): string {
  if (k.asymmetricKeyType === 'rsa') return createHash('sha1').update(k.export({ type: 'pkcs1', format: 'der' })).digest('hex');
  const jwk = k.export({ format: 'jwk' });
  return createHash('sha1').update(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')])).digest('hex');
}

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const other = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
const card = { serial: 'c5a492db0e1f2a3b', token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so' };

describe('card evidence: declared by the client and checked for consistency, not attested', () => {
  it('names card keys as the card layer does: SHA-1 of the subjectPublicKey bits (RSA and EC)', () => {
    for (const k of [ec, other, rsa]) expect(cardKeyId(spkiOf(k))).toBe(subjectPublicKeySha1(k));
    expect(spkiSha256(spkiOf(ec))).toBe(createHash('sha256').update(spkiOf(ec)).digest('hex'));
    expect(cardKeyId(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('accepts evidence about the certified key, with or without its declared hash', () => {
    const evidence = { ...card, keyId: subjectPublicKeySha1(ec) };
    expect(evidenceRefusal(evidence, spkiOf(ec), null)).toBeNull();
    expect(evidenceRefusal({ ...evidence, publicKeySha256: spkiSha256(spkiOf(ec)) }, spkiOf(ec), null)).toBeNull();
    // Recorded before for this same key: still this key.
    expect(evidenceRefusal(evidence, spkiOf(ec), { publicKeySha256: spkiSha256(spkiOf(ec)), certificateId: 'crt-a' })).toBeNull();
  });

  it('refuses a key id that is not SHA-1 of the certified key, saying both ids (in Polish too)', () => {
    const e = evidenceRefusal({ ...card, keyId: subjectPublicKeySha1(other) }, spkiOf(ec), null)!;
    expect(e).toMatchObject({ kind: 'input', code: 'card-evidence-key-id', details: { keyId: subjectPublicKeySha1(other), expected: subjectPublicKeySha1(ec) } });
    expect(e.message).toContain(subjectPublicKeySha1(ec));
    expect(localizedError(e, translator('pl')).message).toContain(`Dane karty podają id klucza ${subjectPublicKeySha1(other)}`);
  });

  it('refuses a declared key hash of another key (a manifest line edited for this CSR)', () => {
    const e = evidenceRefusal({ ...card, keyId: subjectPublicKeySha1(ec), publicKeySha256: spkiSha256(spkiOf(other)) }, spkiOf(ec), null)!;
    expect(e).toMatchObject({ code: 'card-evidence-other-key', details: { declared: spkiSha256(spkiOf(other)), expected: spkiSha256(spkiOf(ec)) } });
  });

  it('refuses a card serial + key id pair recorded for another key, naming the copy', () => {
    const e = evidenceRefusal({ ...card, keyId: subjectPublicKeySha1(ec) }, spkiOf(ec), { publicKeySha256: spkiSha256(spkiOf(other)), certificateId: 'crt-first' })!;
    expect(e).toMatchObject({ code: 'card-evidence-reused', details: { serial: card.serial, certificate: 'crt-first' } });
    expect(localizedError(e, translator('pl')).message).toContain('crt-first');
  });

  it('is pure: no pkcs11js or card worker import (key-ids.ts is the card layer\'s pure naming)', () => {
    const source = readFileSync(join(ROOT, 'src/card/evidence.ts'), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].filter((m) => !/^import type /.test(m[0])).map((m) => m[1]);
    expect(imports).toEqual(['../domain/errors.js', './key-ids.js', './manifest.js']);
  });
});
