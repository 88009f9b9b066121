// What is there, without a PIN: modules, readers and cards (with each card's key pairs for
// `card list`), and which cards hold given public keys. Only public objects are read.
import { isReissueError } from '../../domain/errors.js';
import type { CardInventory, InventoryOptions, KeyLocation, TokenSelector } from '../card.js';
import { publicKeySha256 } from '../key-ids.js';
import { toCardError } from './errors.js';
import { eachToken, type ModuleSet } from './locate.js';
import { moduleInfo, openModule, unloadedModule, type OpenModule } from './module.js';
import { listKeys } from './objects.js';
import { readOnly } from './session.js';
import { readSlots } from './token.js';

export function inventory(set: ModuleSet, opts: InventoryOptions = {}): CardInventory {
  const inv: CardInventory = { modules: [], readers: [] };
  for (const path of set.modules) {
    let mod: OpenModule;
    try {
      mod = openModule(path, set.load);
    } catch (e) {
      inv.modules.push(unloadedModule(path, isReissueError(e) ? String(e.details?.reason ?? e.message) : String(e)));
      continue;
    }
    try {
      inv.modules.push(moduleInfo(mod));
      for (const { slot, reader } of readSlots(mod.p11, path)) {
        if (opts.keys && reader.token?.pin.initialized) reader.keys = readOnly(mod.p11, slot, (session) => listKeys(mod.p11, session, reader.token!), () => undefined);
        inv.readers.push(reader);
      }
    } catch (e) {
      const last = inv.modules[inv.modules.length - 1];
      if (last?.path === path) Object.assign(last, { error: toCardError(e).message });
    } finally {
      mod.release();
    }
  }
  return inv;
}

/** For each public key (SubjectPublicKeyInfo), the cards holding it, on every card `selector` allows. */
export function findKeys(set: ModuleSet, spkis: Uint8Array[], selector: TokenSelector): KeyLocation[][] {
  const wanted = spkis.map((k) => publicKeySha256(k));
  const found: KeyLocation[][] = wanted.map(() => []);
  eachToken(set, selector, (mod, slot, token) => {
    const keys = readOnly(mod.p11, slot, (session) => listKeys(mod.p11, session, token), () => []);
    wanted.forEach((sha, i) => {
      for (const key of keys) if (key.publicKeySha256 === sha) found[i]!.push({ module: mod.path, token, key });
    });
  });
  return found;
}
