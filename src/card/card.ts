// The card layer as the wizard and CLI see it: the contract, and every type that crosses the
// worker boundary. A leaf: it imports nothing else of src/card, so everything else may import it.
// The implementation runs PKCS#11 (pkcs11js, src/card/pkcs11/) in a worker thread; tests hand in
// fakes. Failures are ReissueError with kind 'card'.
import type { Algorithm } from '../domain/types.js';

export type ObjectType = 'private' | 'public' | 'cert';

/** The attributes a PKCS#11 URI (RFC 7512, parsed in uri.ts) may name; absent means "any". */
export interface Pkcs11Uri {
  token?: string;
  manufacturer?: string;
  serial?: string;
  model?: string;
  slotId?: string;
  object?: string;
  /** CKA_ID, lower-case hex. */
  id?: string;
  type?: ObjectType;
  libraryManufacturer?: string;
  libraryDescription?: string;
  modulePath?: string;
  moduleName?: string;
}

/** A key pair on a card, seen through its public key object. */
export interface CardKey {
  /** CKA_ID, hex. */
  id: string;
  label: string;
  /** Null for a key type or size reissue does not make. */
  algorithm: Algorithm | null;
  keyType: string;
  bits: number | null;
  /** SHA-256 of the SubjectPublicKeyInfo, hex (what a manifest line records). */
  publicKeySha256: string;
  /** URI of the private key (what signing tools take). */
  uri: string;
  /** The certificate stored with the same CKA_ID, if any. */
  certificate: { label: string; uri: string } | null;
}

export interface ModuleInfo {
  path: string;
  loaded: boolean;
  /** Why it failed to load (dlerror text), when it did. */
  error: string | null;
  manufacturer: string | null;
  description: string | null;
  /** p11-kit's client module: the cards are on another machine, reached at this server address. */
  remote: string | null;
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
  /** Its PKCS#11 URI (RFC 7512). */
  uri: string;
}

export interface ReaderInfo {
  module: string;
  slotId: string;
  /** Slot description: the reader name. */
  name: string;
  tokenPresent: boolean;
  token: TokenInfo | null;
  /** The key pairs (and their certificates) on the card; in the inventory only. */
  keys?: CardKey[];
}

export interface CardInventory {
  modules: ModuleInfo[];
  readers: ReaderInfo[];
}

/**
 * Which card to use: by token label, by serial (card number, any case, spaces allowed), by
 * either (`labelOrSerial`, what --token takes), or by a PKCS#11 URI's token attributes.
 */
export interface TokenSelector {
  label?: string;
  serial?: string;
  labelOrSerial?: string;
  uri?: Pkcs11Uri;
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
  /**
   * What the key pair is for, e.g. "reissue ORDER/0000123456/po": the start of its CKA_LABEL, which
   * then gets the date and the start of the key id (one label per key pair, shared by its certificate).
   */
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
  module: string;
  /** CKA_LABEL shared by the key pair (and, once installed, its certificate). */
  label: string;
  /** PKCS#11 URI of the private key. */
  keyUri: string;
  publicKeySha256: string;
}

export interface InstallRequest {
  /** The card holding the key (from findKeys). */
  token: TokenSelector;
  pin: string;
  certificateDer: Uint8Array;
  /** The token reports one PIN try left and the user explicitly accepted the risk. */
  confirmFinalTry?: boolean;
  onProgress?: (p: CardProgress) => void;
}

export interface InstallResult {
  keyId: string;
  token: TokenInfo;
  module: string;
  /** The key pair's label, now the certificate's too. */
  label: string;
  keyUri: string;
  certificateUri: string;
  /** The same certificate was already on the card next to its key: nothing was written. */
  alreadyPresent?: boolean;
}

export interface InventoryOptions {
  keys?: boolean;
}

/** Where a public key was found: which module, which card, which key pair. */
export interface KeyLocation {
  module: string;
  token: TokenInfo;
  key: CardKey;
}

export interface DeleteRequest {
  /** The key's URI: its token attributes choose the card, `id` (required) the key pair. */
  uri: Pkcs11Uri;
  pin: string;
  /** Also remove a certificate stored with the key. */
  force?: boolean;
  confirmFinalTry?: boolean;
}

export interface DeleteResult {
  token: TokenInfo;
  keyId: string;
  /** Objects removed: private key, public key, certificate. */
  removed: { privateKeys: number; publicKeys: number; certificates: number };
}

export interface CardService {
  /**
   * Modules, readers and cards. With `keys`, also every card's key pairs and certificates (a
   * session per card: real cards take their time, so only `card list` and `card delete` ask).
   */
  inventory(opts?: InventoryOptions): Promise<CardInventory>;
  generate(req: KeygenRequest): Promise<KeygenResult>;
  install(req: InstallRequest): Promise<InstallResult>;
  /**
   * For each public key (SubjectPublicKeyInfo), the cards holding it, searched on every card of
   * every module that `selector` allows. No PIN: only public objects are read.
   */
  findKeys(spkis: Uint8Array[], selector: TokenSelector): Promise<KeyLocation[][]>;
  deleteKey(req: DeleteRequest): Promise<DeleteResult>;
  /** Logs out, closes sessions, finalizes the module. Safe to call twice. */
  close(): Promise<void>;
}
