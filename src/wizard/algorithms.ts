// Which algorithms and sizes the card path offers: what the product allows, narrowed to what the
// card(s) present can generate. Pure, so the rule is tested without a card.
import type { Algorithm } from '../domain/types.js';
import { ALGORITHMS } from '../domain/types.js';
import type { ReaderInfo } from '../card/card.js';

/**
 * The product's algorithms that at least one present token can generate, in the canonical order.
 * With no token present nothing is known yet: the product's list is offered and the reader
 * screen later refuses a card that cannot generate the choice.
 */
export function offeredAlgorithms(product: readonly Algorithm[], readers: readonly ReaderInfo[]): Algorithm[] {
  const tokens = readers.flatMap((r) => (r.tokenPresent && r.token ? [r.token] : []));
  const allowed = new Set(product);
  if (tokens.length === 0) return ALGORITHMS.filter((a) => allowed.has(a));
  const card = new Set(tokens.flatMap((t) => t.algorithms));
  return ALGORITHMS.filter((a) => allowed.has(a) && card.has(a));
}

/** True when this reader holds a card that can generate `alg`. */
export function readerCanGenerate(reader: ReaderInfo, alg: Algorithm): boolean {
  return reader.tokenPresent && reader.token !== null && reader.token.algorithms.includes(alg);
}
