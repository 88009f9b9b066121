// The card work itself, on one thread: inventory, key generation with a CSR signed on the card,
// certificate installation, key deletion and PIN change / unblock (one file per job, here side by side). Each operation
// opens the module(s), works in one session and logs out, closes the session and finalizes in
// `finally`, whatever happens. Runs inside the worker (worker.ts); tests run it in-process with a
// pkcs11js object wrapped to inject faults.
import type {
  CardInventory,
  DeleteRequest,
  DeleteResult,
  InstallRequest,
  InstallResult,
  InventoryOptions,
  KeygenRequest,
  KeygenResult,
  KeyLocation,
  PinChangeRequest,
  PinResult,
  PinUnblockRequest,
  TokenSelector,
} from '../card.js';
import { deleteKey } from './delete-key.js';
import { install } from './install.js';
import { changePin, unblockPin } from './pin-ops.js';
import { generate } from './keygen.js';
import type { ModuleSet } from './locate.js';
import { loadPkcs11, type Loader } from './pkcs11.js';
import { findKeys, inventory } from './scan.js';
import { Cancellation } from './session.js';

export interface Pkcs11CardOptions {
  /** Module paths to use, in order of preference (see ../modules.ts). */
  modules: string[];
  /** Loads a module; tests wrap the real one to inject faults. */
  load?: Loader;
  /** The stop flag shared with the main thread (protocol.ts, WorkerConfig.stop). */
  stop?: SharedArrayBuffer;
}

export class Pkcs11Card {
  private readonly set: ModuleSet;
  private readonly cancellation: Cancellation;

  constructor(opts: Pkcs11CardOptions) {
    this.set = { modules: opts.modules, load: opts.load ?? loadPkcs11 };
    this.cancellation = new Cancellation(opts.stop);
  }

  /** Asks the running operation to stop at its next safe point (cleanup still runs). */
  cancel(): void {
    this.cancellation.request();
  }

  async inventory(opts: InventoryOptions = {}): Promise<CardInventory> {
    return inventory(this.set, opts);
  }

  async generate(req: KeygenRequest): Promise<KeygenResult> {
    this.cancellation.reset();
    return generate(this.set, this.cancellation, req);
  }

  async install(req: InstallRequest): Promise<InstallResult> {
    this.cancellation.reset();
    return install(this.set, this.cancellation, req);
  }

  async findKeys(spkis: Uint8Array[], selector: TokenSelector): Promise<KeyLocation[][]> {
    return findKeys(this.set, spkis, selector);
  }

  async deleteKey(req: DeleteRequest): Promise<DeleteResult> {
    return deleteKey(this.set, req);
  }

  async changePin(req: PinChangeRequest): Promise<PinResult> {
    return changePin(this.set, req);
  }

  async unblockPin(req: PinUnblockRequest): Promise<PinResult> {
    return unblockPin(this.set, req);
  }
}
