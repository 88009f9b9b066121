// Opening a module = load + C_Initialize; releasing it = C_Finalize (unless someone else in this
// process initialised it first) + unload, on every path. Also what a module says about itself.
import type { ModuleInfo } from '../card.js';
import { moduleLoadError } from '../messages.js';
import { isCkr, toCardError } from './errors.js';
import { ck, trimPadded, type Loader, type Pkcs11 } from './pkcs11.js';

export interface OpenModule {
  path: string;
  p11: Pkcs11;
  /** Finalizes (if we initialised) and unloads. Never throws; safe to call twice. */
  release(): void;
}

export function openModule(path: string, load: Loader): OpenModule {
  let p11: Pkcs11;
  try {
    p11 = load(path);
  } catch (e) {
    throw moduleLoadError(path, e);
  }
  let initialisedHere = true;
  try {
    // OS locking: pkcs11js runs the *Async calls on libuv threads.
    p11.C_Initialize({ flags: ck.CKF_OS_LOCKING_OK });
  } catch (e) {
    if (isCkr(e, ck.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
      // Another owner in this process: use it, but leave finalizing to them.
      initialisedHere = false;
    } else {
      try {
        p11.close();
      } catch {
        /* unloading a module that failed to start */
      }
      const err = toCardError(e);
      throw moduleLoadError(path, new Error(`C_Initialize failed: ${err.message}`));
    }
  }
  let released = false;
  return {
    path,
    p11,
    release() {
      if (released) return;
      released = true;
      if (initialisedHere) {
        try {
          p11.C_Finalize();
        } catch {
          /* finalizing is best effort: the card may be gone */
        }
      }
      try {
        p11.close();
      } catch {
        /* as above */
      }
    },
  };
}

/** p11-kit's client module reaches cards on another machine (`p11-kit server`). */
export function remoteAddress(modulePath: string): string | null {
  return /p11-kit-client\.so/.test(modulePath) ? (process.env.P11_KIT_SERVER_ADDRESS ?? 'unknown address') : null;
}

/** A module that could not be opened, as `card list` reports it. */
export function unloadedModule(path: string, reason: string): ModuleInfo {
  return { path, loaded: false, error: reason, manufacturer: null, description: null, remote: remoteAddress(path) };
}

export function moduleInfo(mod: OpenModule): ModuleInfo {
  try {
    const i = mod.p11.C_GetInfo();
    return { path: mod.path, loaded: true, error: null, manufacturer: trimPadded(i.manufacturerID), description: trimPadded(i.libraryDescription), remote: remoteAddress(mod.path) };
  } catch {
    return { path: mod.path, loaded: true, error: null, manufacturer: null, description: null, remote: remoteAddress(mod.path) };
  }
}
