// What `card list` concludes from an inventory: the reason to exit 4 when no module loads or no
// card is present (a listing that only says "nothing here" must not look like success). Pure.
import type { ReissueError } from '../domain/errors.js';
import type { CardInventory } from './card.js';
import { moduleLoadError, noCard, noModule, tokenNotInitialized } from './messages.js';

export function inventoryFailure(inv: CardInventory): ReissueError | null {
  if (!inv.modules.length) return noModule();
  const loaded = inv.modules.filter((m) => m.loaded);
  if (!loaded.length) {
    const first = inv.modules[0]!;
    return moduleLoadError(first.path, new Error(first.error ?? 'unknown error'));
  }
  if (!inv.readers.some((r) => r.token)) return noCard({ modules: loaded.map((m) => m.path) });
  // Only blank cards (SoftHSM's free slot, a new card): nothing to generate on or install to.
  if (!inv.readers.some((r) => r.token?.pin.initialized)) return tokenNotInitialized();
  return null;
}
