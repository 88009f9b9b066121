// What the portal records about the card a key pair was generated on (CardEvidence): from what
// the card layer reports after generating the key, from the cards present (found by the public
// key, no PIN), or from the manifest `card keygen --manifest` wrote when the card is elsewhere.
// Without hardware attestation a PKCS#11 card cannot prove where a key was made: the evidence is
// declared by the client and checked for consistency, not attested. evidenceRefusal() is that
// check, the one rule behind `csr check --key-source card`, `submit` and the portal's reissue.
// Pure (key-ids.ts: node:crypto and DER slicing): the portal runs it without loading the PKCS#11 addon.
import { cardError, inputError, type ReissueError } from '../domain/errors.js';
import type { CardEvidence } from '../domain/types.js';
import type { CardService, TokenInfo } from './card.js';
import { keyIdOf, publicKeySha256 } from './key-ids.js';
import { manifestEvidence, type ManifestLine } from './manifest.js';

/**
 * The CKA_ID reissue gives a key pair it makes on a card (keyIdOf: SHA-1 of the subjectPublicKey
 * bits), hex. Null when `spki` is not a SubjectPublicKeyInfo.
 */
export function cardKeyId(spki: Uint8Array): string | null {
  try {
    return keyIdOf(spki).toString('hex');
  } catch {
    return null;
  }
}

/** The key a card serial + key id pair was first recorded for. */
export interface RecordedCardKey {
  publicKeySha256: string;
  certificateId: string;
}

/**
 * Why the declared `evidence` cannot stand for the key the CA certifies (`spki`, from the portal's
 * own parse of the CSR), or null when it is consistent: the key id is SHA-1 of that key, the key
 * hash the client declared (manifest line, card) is that key's, and the card serial + key id pair
 * was never recorded for another key (`recorded`: what the portal holds for the pair).
 */
export function evidenceRefusal(evidence: CardEvidence, spki: Uint8Array, recorded: RecordedCardKey | null): ReissueError | null {
  const keyId = cardKeyId(spki);
  const sha = publicKeySha256(spki);
  if (evidence.keyId !== keyId) {
    return inputError(
      'card-evidence-key-id',
      `The card evidence names the key id ${evidence.keyId}, but the CSR's public key has the key id ${keyId ?? '?'} (SHA-1 of the public key, as reissue names the keys it makes on a card): the evidence is not about this key.`,
      'Submit the CSR with the evidence of the card that holds its key: insert that card (it is found by the public key), or give the manifest line `card keygen --manifest` wrote for this key.',
      { keyId: evidence.keyId, expected: keyId ?? '?' },
    );
  }
  if (evidence.publicKeySha256 !== undefined && evidence.publicKeySha256 !== sha) {
    return inputError(
      'card-evidence-other-key',
      `The card evidence is about the key with SHA-256 ${evidence.publicKeySha256}, but the CSR's public key has SHA-256 ${sha}.`,
      'Give the manifest line `card keygen --manifest` wrote for this CSR\'s key, or insert the card that holds it.',
      { declared: evidence.publicKeySha256, expected: sha },
    );
  }
  if (recorded && recorded.publicKeySha256 !== sha) {
    return inputError(
      'card-evidence-reused',
      `The card ${evidence.serial} and key id ${evidence.keyId} were already recorded for another key (certificate ${recorded.certificateId}); one card key id stands for one key.`,
      'Generate a new key pair on the card with `reissue card keygen` and submit its CSR.',
      { serial: evidence.serial, keyId: evidence.keyId, certificate: recorded.certificateId },
    );
  }
  return null;
}

export function cardEvidence(found: { token: Pick<TokenInfo, 'serial' | 'label' | 'manufacturer' | 'model'>; module: string; keyId: string; publicKeySha256?: string }): CardEvidence {
  const { token, module, keyId } = found;
  return {
    serial: token.serial,
    token: token.label,
    manufacturer: token.manufacturer,
    model: token.model,
    module: module.split('/').pop() ?? module,
    keyId,
    ...(found.publicKeySha256 ? { publicKeySha256: found.publicKeySha256 } : {}),
  };
}

/** The evidence for a key pair given by its public key: manifest first (no card needed), then the cards present. */
export async function evidenceForKey(spki: Uint8Array, from: { manifest?: ManifestLine[]; card?: () => Promise<CardService> }): Promise<CardEvidence> {
  const sha = publicKeySha256(spki);
  const line = from.manifest?.find((l) => l.publicKeySha256 === sha);
  if (line) return manifestEvidence(line);
  if (from.card) {
    const [found = []] = await (await from.card()).findKeys([spki], {});
    if (found[0]) return cardEvidence({ token: found[0].token, module: found[0].module, keyId: found[0].key.id, publicKeySha256: found[0].key.publicKeySha256 });
  }
  throw cardError(
    'card-key-not-found',
    from.manifest ? 'Neither the manifest nor any card present holds the key of this CSR.' : 'No card present holds the key of this CSR.',
    'Insert the card the key pair was generated on (it is found by the public key), or give the --manifest FILE that `reissue card keygen --manifest` wrote.',
    // The catalogs' variant (i18next context) for a search that included a manifest.
    from.manifest ? { context: 'manifest' } : {},
  );
}
