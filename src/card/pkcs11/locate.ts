// Which card an operation works on, across every module: the one token a selector names (its
// module kept open for the caller), or each token a selector allows (each module released after).
import type { ReissueError } from '../../domain/errors.js';
import type { TokenInfo, TokenSelector } from '../card.js';
import { noModule } from '../messages.js';
import { pickToken, tokenMatches } from '../select.js';
import { toCardError } from './errors.js';
import { openModule, type OpenModule } from './module.js';
import type { Handle, Loader } from './pkcs11.js';
import { readSlots } from './token.js';

/** The modules an operation may open, in order of preference, and how a module is loaded. */
export interface ModuleSet {
  modules: string[];
  load: Loader;
}

export interface Located {
  mod: OpenModule;
  slot: Handle;
  token: TokenInfo;
}

/**
 * Finds the one token the selector names, across all modules. Keeps that module open (the
 * caller releases it) and releases every other. Without a selector exactly one initialised
 * token must be present.
 */
export function locate(set: ModuleSet, selector: TokenSelector): Located {
  if (!set.modules.length) throw noModule();
  const all: Located[] = [];
  const loadErrors: ReissueError[] = [];
  let chosen: Located | undefined;
  try {
    for (const path of set.modules) {
      let mod: OpenModule;
      try {
        mod = openModule(path, set.load);
      } catch (e) {
        loadErrors.push(toCardError(e));
        continue;
      }
      try {
        for (const { slot, reader } of readSlots(mod.p11, path)) if (reader.token) all.push({ mod, slot, token: reader.token });
      } catch (e) {
        loadErrors.push(toCardError(e));
      }
      if (!all.some((l) => l.mod === mod)) mod.release();
    }
    const pick = pickToken(all, selector);
    if ('chosen' in pick) return (chosen = pick.chosen);
    // Nothing seen at all because every module failed: that failure is the real story.
    if (loadErrors.length && !all.length) throw loadErrors[0]!;
    throw pick.error;
  } finally {
    // Every module but the chosen one's is released here; the caller releases that one.
    for (const l of all) if (l.mod !== chosen?.mod) l.mod.release();
  }
}

/** Every initialised token `selector` allows, on every module; each module is released after. */
export function eachToken(set: ModuleSet, selector: TokenSelector, fn: (mod: OpenModule, slot: Handle, token: TokenInfo) => void): void {
  if (!set.modules.length) throw noModule();
  for (const path of set.modules) {
    let mod: OpenModule;
    try {
      mod = openModule(path, set.load);
    } catch {
      continue; // `card list` reports modules that do not load
    }
    try {
      for (const { slot, reader } of readSlots(mod.p11, path)) {
        if (reader.token?.pin.initialized && tokenMatches(reader.token, selector)) fn(mod, slot, reader.token);
      }
    } finally {
      mod.release();
    }
  }
}
