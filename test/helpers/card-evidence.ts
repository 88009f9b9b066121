// Card evidence as `card keygen` sends it, for tests that submit a CSR as a card key without a
// card: the key id is worked out here with openssl and node's own key export (not reissue's DER
// code), as SHA-1 of the subjectPublicKey bits — how reissue names the keys it makes on a card.
import { createHash, createPublicKey } from 'node:crypto';
import type { CardEvidence } from '../../src/domain/types.js';
import { openssl } from './openssl.js';

/** A SoftHSM2 card as the client declares it (serial, label, module). */
export const TEST_CARD = { serial: 'c5a492db0e1f2a3b', token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so' };

/** SHA-1 of the subjectPublicKey of a CSR's key (PEM), hex. */
export function cardKeyIdOfCsr(csrPem: Uint8Array | string): string {
  const key = createPublicKey(openssl(['req', '-noout', '-pubkey'], Buffer.from(csrPem)));
  let bits: Buffer;
  if (key.asymmetricKeyType === 'rsa') bits = key.export({ type: 'pkcs1', format: 'der' });
  else {
    const jwk = key.export({ format: 'jwk' });
    bits = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  }
  return createHash('sha1').update(bits).digest('hex');
}

/** The evidence a card holding this CSR's key would give. */
export function cardEvidenceFor(csrPem: Uint8Array | string, card: Omit<CardEvidence, 'keyId'> = TEST_CARD): CardEvidence {
  return { ...card, keyId: cardKeyIdOfCsr(csrPem) };
}
