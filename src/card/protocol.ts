// Messages between the main thread (service.ts) and the card worker (pkcs11/worker.ts). Requests travel
// without their onProgress callback; progress comes back as messages. Errors travel as plain data
// and are re-created as ReissueError on the main side.
import { ReissueError, type ErrorKind } from '../domain/errors.js';
import type { CardInventory, CardProgress, DeleteRequest, InventoryOptions, DeleteResult, InstallRequest, InstallResult, KeygenRequest, KeygenResult, KeyLocation, TokenSelector } from './card.js';

export interface WorkerConfig {
  modules: string[];
}

export type CallRequest =
  | { type: 'call'; id: number; op: 'inventory'; opts?: InventoryOptions }
  | { type: 'call'; id: number; op: 'generate'; req: Omit<KeygenRequest, 'onProgress'> }
  | { type: 'call'; id: number; op: 'install'; req: Omit<InstallRequest, 'onProgress'> }
  | { type: 'call'; id: number; op: 'findKeys'; spkis: Uint8Array[]; selector: TokenSelector }
  | { type: 'call'; id: number; op: 'deleteKey'; req: DeleteRequest };

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
  | { type: 'result'; id: number; value: CardInventory | KeygenResult | InstallResult | KeyLocation[][] | DeleteResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'closed' };

export function serializeError(e: ReissueError): SerializedError {
  return { kind: e.kind, code: e.code, message: e.message, hint: e.hint, details: e.details };
}

export function deserializeError(s: SerializedError): ReissueError {
  return new ReissueError(s.kind, s.code, s.message, s.hint, s.details);
}
