// What a reissue with a card-generated key tells the portal about the card (placeholder shape;
// the card-evidence work fills in how the portal records and checks it).
import type { CardEvidence } from '../domain/types.js';
import type { KeygenResult } from './card.js';

export function cardEvidence(made: KeygenResult): CardEvidence {
  return { serial: made.token.serial, manufacturer: made.token.manufacturer, model: made.token.model, module: made.module ?? '', keyId: made.keyId };
}
