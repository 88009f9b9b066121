// What the portal records about the card a key pair was generated on (CardEvidence): from what
// the card layer reports after generating the key, from the cards present (found by the public
// key, no PIN), or from the manifest `card keygen --manifest` wrote when the card is elsewhere.
import { cardError } from '../domain/errors.js';
import type { CardEvidence } from '../domain/types.js';
import type { CardService, TokenInfo } from './card.js';
import { manifestEvidence, type ManifestLine } from './manifest.js';
import { publicKeySha256 } from './key-ids.js';

export function cardEvidence(found: { token: Pick<TokenInfo, 'serial' | 'label' | 'manufacturer' | 'model'>; module: string; keyId: string }): CardEvidence {
  const { token, module, keyId } = found;
  return { serial: token.serial, token: token.label, manufacturer: token.manufacturer, model: token.model, module: module.split('/').pop() ?? module, keyId };
}

/** The evidence for a key pair given by its public key: manifest first (no card needed), then the cards present. */
export async function evidenceForKey(spki: Uint8Array, from: { manifest?: ManifestLine[]; card?: () => Promise<CardService> }): Promise<CardEvidence> {
  const sha = publicKeySha256(spki);
  const line = from.manifest?.find((l) => l.publicKeySha256 === sha);
  if (line) return manifestEvidence(line);
  if (from.card) {
    const [found = []] = await (await from.card()).findKeys([spki], {});
    if (found[0]) return cardEvidence({ token: found[0].token, module: found[0].module, keyId: found[0].key.id });
  }
  throw cardError(
    'card-key-not-found',
    from.manifest ? 'Neither the manifest nor any card present holds the key of this CSR.' : 'No card present holds the key of this CSR.',
    'Insert the card the key pair was generated on (it is found by its public key), or give the --manifest FILE that `reissue card keygen --manifest` wrote.',
  );
}
