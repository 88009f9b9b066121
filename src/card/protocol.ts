// Messages between the main thread (service.ts) and the card worker (pkcs11/worker.ts). Requests travel
// without their onProgress callback; progress comes back as messages. Errors travel as plain data
// and are re-created as ReissueError on the main side.
import { ReissueError, type ErrorKind } from '../domain/errors.js';
import type { CardInventory, CardProgress, DeleteRequest, InventoryOptions, DeleteResult, InstallRequest, InstallResult, KeygenRequest, KeygenResult, KeyLocation, PinChangeRequest, PinResult, PinUnblockRequest, TokenSelector } from './card.js';

export interface WorkerConfig {
  modules: string[];
  /**
   * The stop flag (one Int32, 0 = run, 1 = stop), shared with the main thread. The worker's thread
   * is often blocked inside a synchronous PKCS#11 call (C_Login on a slow card or a PIN pad), when
   * no message can reach it; the main thread sets this flag at once on close(), and the worker
   * reads it at each step boundary, so a cancel during the login stops before the key generation.
   */
  stop: SharedArrayBuffer;
}

export type CallRequest =
  | { type: 'call'; id: number; op: 'inventory'; opts?: InventoryOptions }
  | { type: 'call'; id: number; op: 'generate'; req: Omit<KeygenRequest, 'onProgress'> }
  | { type: 'call'; id: number; op: 'install'; req: Omit<InstallRequest, 'onProgress'> }
  | { type: 'call'; id: number; op: 'findKeys'; spkis: Uint8Array[]; selector: TokenSelector }
  | { type: 'call'; id: number; op: 'deleteKey'; req: DeleteRequest }
  | { type: 'call'; id: number; op: 'changePin'; req: PinChangeRequest }
  | { type: 'call'; id: number; op: 'unblockPin'; req: PinUnblockRequest };

/** The first message: the worker may be started before the modules are known (startCardWorker). */
export type ToWorker = ({ type: 'init' } & WorkerConfig) | CallRequest | { type: 'close' };

export interface SerializedError {
  kind: ErrorKind;
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type FromWorker =
  | { type: 'progress'; id: number; event: CardProgress }
  | { type: 'result'; id: number; value: CardInventory | KeygenResult | InstallResult | KeyLocation[][] | DeleteResult | PinResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed' };

export function serializeError(e: ReissueError): SerializedError {
  return { kind: e.kind, code: e.code, message: e.message, hint: e.hint, details: e.details };
}

export function deserializeError(s: SerializedError): ReissueError {
  return new ReissueError(s.kind, s.code, s.message, s.hint, s.details);
}
