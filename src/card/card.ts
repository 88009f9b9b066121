// The card layer as the wizard and CLI see it. The implementation runs PKCS#11 (pkcs11js) in a
// worker thread; tests hand in fakes. Failures are ReissueError with kind 'card'.
import type { Algorithm } from '../domain/types.js';

export interface ModuleInfo {
  path: string;
  loaded: boolean;
  /** Why it failed to load (dlerror text), when it did. */
  error: string | null;
  manufacturer: string | null;
  description: string | null;
}

export interface PinState {
  initialized: boolean;
  userPinSet: boolean;
  countLow: boolean;
  finalTry: boolean;
  locked: boolean;
  toBeChanged: boolean;
  /** PIN pad: the PIN is typed on the reader, not here. */
  protectedAuthPath: boolean;
  minLength: number;
  maxLength: number;
}

export interface TokenInfo {
  label: string;
  /** The card number. */
  serial: string;
  manufacturer: string;
  model: string;
  pin: PinState;
  /** What this token can generate on-card (mechanism info, key sizes). */
  algorithms: Algorithm[];
}

export interface ReaderInfo {
  module: string;
  slotId: string;
  /** Slot description: the reader name. */
  name: string;
  tokenPresent: boolean;
  token: TokenInfo | null;
}

export interface CardInventory {
  modules: ModuleInfo[];
  readers: ReaderInfo[];
}

/** Which card to use: by token label or by serial (card number). */
export interface TokenSelector {
  label?: string;
  serial?: string;
}

export type CardPhase = 'login' | 'generate' | 'sign' | 'install' | 'verify';

export type CardProgress =
  | { type: 'started'; phase: CardPhase }
  | { type: 'tick'; phase: CardPhase; elapsedMs: number }
  | { type: 'finished'; phase: CardPhase; elapsedMs: number }
  | { type: 'failed'; phase: CardPhase; elapsedMs: number; code: string };

export interface KeygenRequest {
  token: TokenSelector;
  algorithm: Algorithm;
  /** Never logged, never put in an error. Empty with a PIN pad. */
  pin: string;
  /** Subject of the CSR: the certificate's CN and its order's domains. */
  commonName: string;
  domains: string[];
  /** CKA_LABEL for the key pair, e.g. "reissue ORDER/0000123456/po". */
  label: string;
  /** Optional O/L/ST/C for the CSR subject (the portal takes the subject from the order anyway). */
  organization?: { name: string; country: string; stateOrProvince: string; locality: string } | null;
  /** The token reports one PIN try left and the user explicitly accepted the risk. */
  confirmFinalTry?: boolean;
  onProgress?: (p: CardProgress) => void;
}

export interface KeygenResult {
  csrPem: string;
  /** CKA_ID shared by the key pair (hex). */
  keyId: string;
  /** SubjectPublicKeyInfo DER of the generated key. */
  publicKeySpki: Uint8Array;
  token: TokenInfo;
  /** The module that holds the card. */
  module?: string;
}

export interface InstallRequest {
  token: TokenSelector;
  pin: string;
  certificateDer: Uint8Array;
  label: string;
  /** The token reports one PIN try left and the user explicitly accepted the risk. */
  confirmFinalTry?: boolean;
  onProgress?: (p: CardProgress) => void;
}

export interface InstallResult {
  keyId: string;
  token: TokenInfo;
  /** The same certificate was already on the card next to its key: nothing was written. */
  alreadyPresent?: boolean;
}

export interface CardService {
  inventory(): Promise<CardInventory>;
  generate(req: KeygenRequest): Promise<KeygenResult>;
  install(req: InstallRequest): Promise<InstallResult>;
  /** Logs out, closes sessions, finalizes the module. Safe to call twice. */
  close(): Promise<void>;
}
