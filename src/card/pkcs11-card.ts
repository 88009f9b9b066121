// The card work itself, on one thread: inventory, key generation with a CSR signed on the card,
// and certificate installation. Each operation opens the module(s), works in one session and logs
// out, closes the session and finalizes in `finally`, whatever happens. Runs inside the worker
// (worker.ts); tests run it in-process with a pkcs11js object wrapped to inject faults.
import { randomBytes } from 'node:crypto';
import { algorithmLabel, algorithmSpec, isAlgorithm } from '../domain/algorithms.js';
import { cardError, inputError, isReissueError, ReissueError } from '../domain/errors.js';
import { buildCsr } from '../pki/csr-build.js';
import type { Template } from 'pkcs11js';
import type {
  CardInventory,
  DeleteRequest,
  DeleteResult,
  InventoryOptions,
  KeyLocation,
  CardPhase,
  CardProgress,
  InstallRequest,
  InstallResult,
  KeygenRequest,
  KeygenResult,
  ModuleInfo,
  TokenInfo,
  TokenSelector,
} from './card.js';
import { certificateFields } from './der.js';
import { algorithmUnsupported, isRemoval, noModule, toCardError } from './errors.js';
import { destroyById, findObjects, getAttr, keyPairTemplates, publicKeySpki } from './keys.js';
import { checkPinLength, checkPinState, loginUser } from './pin.js';
import { ck, loadPkcs11, openModule, trimPadded, type Handle, type Loader, type OpenModule, type Pkcs11 } from './pkcs11.js';
import { describeToken, pickToken, tokenMatches } from './select.js';
import { csrSubjectDer, findPublicKey, keyIdOf, keyPairLabel, listKeys, privateKeyById, publicKeySha256 } from './objects.js';
import { objectUri } from './uri.js';
import { decodePemBlocks } from '../pki/pem.js';
import { cardCsrCrypto } from './signer.js';
import { readSlots, readToken } from './token.js';

export interface Pkcs11CardOptions {
  /** Module paths to use, in order of preference (see modules.ts). */
  modules: string[];
  /** Loads a module; tests wrap the real one to inject faults. */
  load?: Loader;
}

/** Progress without ticks: the caller (service.ts) adds elapsed-time ticks on its own timer. */
type Emit = (p: CardProgress) => void;

interface Located {
  mod: OpenModule;
  slot: Handle;
  token: TokenInfo;
}

export class Pkcs11Card {
  private readonly load: Loader;
  private cancelled = false;

  constructor(private readonly opts: Pkcs11CardOptions) {
    this.load = opts.load ?? loadPkcs11;
  }

  /** Asks the running operation to stop at its next safe point (cleanup still runs). */
  cancel(): void {
    this.cancelled = true;
  }

  async inventory(opts: InventoryOptions = {}): Promise<CardInventory> {
    const inv: CardInventory = { modules: [], readers: [] };
    for (const path of this.opts.modules) {
      let mod: OpenModule;
      try {
        mod = openModule(path, this.load);
      } catch (e) {
        const reason = isReissueError(e) ? String(e.details?.reason ?? e.message) : String(e);
        inv.modules.push({ path, loaded: false, error: reason, manufacturer: null, description: null, remote: remoteAddress(path) });
        continue;
      }
      try {
        inv.modules.push(moduleInfo(mod));
        for (const { slot, reader } of readSlots(mod.p11, path)) {
          if (opts.keys && reader.token?.pin.initialized) reader.keys = this.readOnly(mod.p11, slot, (session) => listKeys(mod.p11, session, reader.token!), () => undefined);
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

  async generate(req: KeygenRequest): Promise<KeygenResult> {
    this.cancelled = false;
    if (!isAlgorithm(req.algorithm)) throw cardError('algorithm-unknown', `Unknown algorithm "${String(req.algorithm)}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
    const emit: Emit = req.onProgress ?? (() => {});
    const located = this.locate(req.token);
    const { mod, slot, token } = located;
    const p11 = mod.p11;
    try {
      checkPinState(token.pin, req.confirmFinalTry);
      checkPinLength(req.pin, token.pin);
      if (!token.algorithms.includes(req.algorithm)) {
        throw algorithmUnsupported(algorithmLabel(req.algorithm), { token: token.label, supported: token.algorithms });
      }
      return await this.withSession(p11, slot, async (session) => {
        await phase(emit, 'login', async () => loginUser(p11, slot, session, req.pin, token.pin));
        this.checkpoint();

        // A random CKA_ID goes into the templates so that a half-made pair can be found and removed;
        // once the public key is known the pair gets its real ID (SHA-1 of the key) and label.
        const tmpl = keyPairTemplates(req.algorithm, randomBytes(20), req.label);
        const idSent = tmpl.publicKey.find((a) => a.type === ck.CKA_ID)!.value as Buffer;
        let pair: { publicKey: Handle; privateKey: Handle };
        try {
          pair = await phase(emit, 'generate', () => p11.C_GenerateKeyPairAsync(session, { mechanism: tmpl.mechanism }, tmpl.publicKey, tmpl.privateKey));
        } catch (e) {
          throw this.afterFailure(e, 'generate', () => destroyById(p11, session, idSent), req.label);
        }

        try {
          this.checkpoint();
          const { spki } = publicKeySpki(p11, session, pair.publicKey);
          const wantId = keyIdOf(spki);
          setOnPair(p11, session, pair, [
            { type: ck.CKA_ID, value: wantId },
            { type: ck.CKA_LABEL, value: Buffer.from(keyPairLabel(req.label, wantId.toString('hex'), new Date()), 'utf8') },
          ]);
          // Some cards keep an ID or label of their own: read them back rather than trusting ours.
          const id = getAttr(p11, session, pair.privateKey, ck.CKA_ID);
          const label = getAttr(p11, session, pair.privateKey, ck.CKA_LABEL).toString('utf8');
          const spec = algorithmSpec(req.algorithm);
          const { keys, crypto } = cardCsrCrypto({ p11, session, privateKey: pair.privateKey, spec, spki, pin: req.pin });
          const csrPem = await phase(emit, 'sign', () =>
            buildCsr({ commonName: req.commonName, domains: req.domains, organization: req.organization ?? null }, keys, crypto),
          );
          setOnPair(p11, session, pair, [{ type: ck.CKA_SUBJECT, value: Buffer.from(csrSubjectDer(decodePemBlocks(csrPem)[0]!.der)) }]);
          this.checkpoint();
          const keyId = id.toString('hex');
          const after = readToken(p11, slot);
          return {
            csrPem,
            keyId,
            publicKeySpki: spki,
            token: after,
            module: mod.path,
            label,
            keyUri: objectUri(after, { id: keyId, label, type: 'private' }),
            publicKeySha256: publicKeySha256(spki),
          };
        } catch (e) {
          // No CSR, no use for the key pair: remove it so the card holds no orphan keys.
          throw this.afterFailure(e, 'sign', () => destroyPair(p11, session, pair, idSent), req.label);
        }
      }).catch((e) => {
        throw isReissueError(e) ? e : toCardError(e, 'login');
      });
    } finally {
      mod.release();
    }
  }

  async install(req: InstallRequest): Promise<InstallResult> {
    this.cancelled = false;
    const emit: Emit = req.onProgress ?? (() => {});
    const der = Buffer.from(req.certificateDer);
    let fields: ReturnType<typeof certificateFields>;
    try {
      fields = certificateFields(der);
    } catch {
      throw inputError('not-a-certificate', 'The file is not an X.509 certificate (PEM or DER).', 'Download the certificate with `reissue download ID --format der` and try again.');
    }
    const { mod, slot, token } = this.locate(req.token);
    const p11 = mod.p11;
    try {
      checkPinState(token.pin, req.confirmFinalTry);
      checkPinLength(req.pin, token.pin);
      return await this.withSession(p11, slot, async (session) => {
        await phase(emit, 'login', async () => loginUser(p11, slot, session, req.pin, token.pin));
        this.checkpoint();
        return await phase(emit, 'install', async () => {
          const key = matchingKey(p11, session, fields.spki);
          if (!key) {
            throw cardError(
              'no-matching-key',
              `No key on the card "${token.label}" matches this certificate's public key.`,
              'Install the certificate on the card that generated its key (without --token every card is searched), or check that it is the right certificate.',
              { card: token.label },
            );
          }
          const { id, label } = key;
          const result = (certificateUri: string, t: TokenInfo) => ({
            keyId: id.toString('hex'),
            token: t,
            module: mod.path,
            label,
            keyUri: objectUri(t, { id: id.toString('hex'), label, type: 'private' }),
            certificateUri,
          });
          const existing = findObjects(p11, session, [
            { type: ck.CKA_CLASS, value: ck.CKO_CERTIFICATE },
            { type: ck.CKA_ID, value: id },
          ]).find((h) => getAttr(p11, session, h, ck.CKA_VALUE).equals(der));
          if (existing) {
            const existingLabel = getAttr(p11, session, existing, ck.CKA_LABEL).toString('utf8');
            return { ...result(objectUri(token, { id: id.toString('hex'), label: existingLabel, type: 'cert' }), token), alreadyPresent: true };
          }
          this.checkpoint();
          const cert = p11.C_CreateObject(session, [
            { type: ck.CKA_CLASS, value: ck.CKO_CERTIFICATE },
            { type: ck.CKA_CERTIFICATE_TYPE, value: ck.CKC_X_509 },
            { type: ck.CKA_TOKEN, value: true },
            { type: ck.CKA_PRIVATE, value: false },
            { type: ck.CKA_ID, value: id },
            { type: ck.CKA_LABEL, value: label },
            { type: ck.CKA_SUBJECT, value: Buffer.from(fields.subject) },
            { type: ck.CKA_ISSUER, value: Buffer.from(fields.issuer) },
            { type: ck.CKA_SERIAL_NUMBER, value: Buffer.from(fields.serial) },
            { type: ck.CKA_VALUE, value: der },
          ]);
          await phase(emit, 'verify', async () => {
            const back = getAttr(p11, session, cert, ck.CKA_VALUE);
            const backId = getAttr(p11, session, cert, ck.CKA_ID);
            if (!back.equals(der) || !backId.equals(id)) {
              try {
                p11.C_DestroyObject(session, cert);
              } catch {
                /* reported below either way */
              }
              throw cardError('install-verify-failed', 'The certificate read back from the card differs from the one written; it was removed again.', 'Try again; if it keeps failing, the card may be faulty.');
            }
          });
          // The keys learn their subject from the certificate (the portal's, not the CSR's).
          const pair = { publicKey: findPublicKey(p11, session, fields.spki)?.handle, privateKey: privateKeyById(p11, session, id) };
          setOnPair(p11, session, pair, [{ type: ck.CKA_SUBJECT, value: Buffer.from(fields.subject) }]);
          const after = readToken(p11, slot);
          return result(objectUri(after, { id: id.toString('hex'), label, type: 'cert' }), after);
        });
      }).catch((e) => {
        throw isReissueError(e) ? e : toCardError(e, 'install');
      });
    } finally {
      mod.release();
    }
  }

  async findKeys(spkis: Uint8Array[], selector: TokenSelector): Promise<KeyLocation[][]> {
    const wanted = spkis.map((k) => publicKeySha256(k));
    const found: KeyLocation[][] = wanted.map(() => []);
    this.eachToken(selector, (mod, slot, token) => {
      const keys = this.readOnly(mod.p11, slot, (session) => listKeys(mod.p11, session, token), () => []);
      wanted.forEach((sha, i) => {
        for (const key of keys) if (key.publicKeySha256 === sha) found[i]!.push({ module: mod.path, token, key });
      });
    });
    return found;
  }

  async deleteKey(req: DeleteRequest): Promise<DeleteResult> {
    const keyId = req.uri.id;
    if (!keyId) throw inputError('uri-without-id', 'The URI names no key: it has no "id=" attribute.', 'Copy the key URI `reissue card list` prints for the key pair.');
    const { mod, slot, token } = this.locate({ uri: req.uri });
    const p11 = mod.p11;
    try {
      checkPinState(token.pin, req.confirmFinalTry);
      checkPinLength(req.pin, token.pin);
      return await this.withSession(p11, slot, async (session) => {
        loginUser(p11, slot, session, req.pin, token.pin);
        const id = Buffer.from(keyId, 'hex');
        const of = (cls: number) => {
          const all = findObjects(p11, session, [{ type: ck.CKA_CLASS, value: cls }, { type: ck.CKA_ID, value: id }]);
          // `object=` narrows to one label when the URI gives it (two pairs may share an ID).
          return req.uri.object === undefined || cls === ck.CKO_CERTIFICATE ? all : all.filter((h) => getAttr(p11, session, h, ck.CKA_LABEL).toString('utf8') === req.uri.object);
        };
        const privateKeys = of(ck.CKO_PRIVATE_KEY);
        const publicKeys = of(ck.CKO_PUBLIC_KEY);
        const certificates = of(ck.CKO_CERTIFICATE);
        if (!privateKeys.length && !publicKeys.length) {
          throw cardError('key-not-found', `No key pair with id ${keyId} is on the card ${describeToken(token)}.`, 'Check the URI with `reissue card list`.');
        }
        if (certificates.length && !req.force) {
          throw inputError('key-has-certificate', `The key pair ${keyId} on the card ${describeToken(token)} has a certificate installed with it; nothing was removed.`, 'Add --force to remove the certificate too (it cannot be used without its key).');
        }
        for (const h of [...(req.force ? certificates : []), ...privateKeys, ...publicKeys]) p11.C_DestroyObject(session, h);
        return { token, keyId, removed: { privateKeys: privateKeys.length, publicKeys: publicKeys.length, certificates: req.force ? certificates.length : 0 } };
      }).catch((e) => {
        throw isReissueError(e) ? e : toCardError(e, 'install');
      });
    } finally {
      mod.release();
    }
  }

  /** Every initialised token `selector` allows, on every module; each module is released after. */
  private eachToken(selector: TokenSelector, fn: (mod: OpenModule, slot: Handle, token: TokenInfo) => void): void {
    if (!this.opts.modules.length) throw noModule();
    for (const path of this.opts.modules) {
      let mod: OpenModule;
      try {
        mod = openModule(path, this.load);
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

  /** Runs `fn` in a read-only session without login; `fallback` when the card does not answer. */
  private readOnly<T>(p11: Pkcs11, slot: Handle, fn: (session: Handle) => T, fallback: () => T): T {
    let session: Handle;
    try {
      session = p11.C_OpenSession(slot, ck.CKF_SERIAL_SESSION);
    } catch {
      return fallback();
    }
    try {
      return fn(session);
    } catch {
      return fallback();
    } finally {
      try {
        p11.C_CloseSession(session);
      } catch {
        /* the card is gone */
      }
    }
  }

  /** Opens a session, runs `fn`, then logs out and closes the session on every path. */
  private async withSession<T>(p11: Pkcs11, slot: Handle, fn: (session: Handle) => Promise<T>): Promise<T> {
    let session: Handle;
    try {
      session = p11.C_OpenSession(slot, ck.CKF_SERIAL_SESSION | ck.CKF_RW_SESSION);
    } catch (e) {
      throw toCardError(e, 'login');
    }
    try {
      return await fn(session);
    } finally {
      try {
        p11.C_Logout(session);
      } catch {
        /* not logged in, or the card is gone */
      }
      try {
        p11.C_CloseSession(session);
      } catch {
        /* the card is gone */
      }
    }
  }

  /**
   * Finds the one token the selector names, across all modules. Keeps that module open (the
   * caller releases it) and releases every other. Without a selector exactly one initialised
   * token must be present.
   */
  private locate(selector: TokenSelector): Located {
    if (!this.opts.modules.length) throw noModule();
    const all: Located[] = [];
    const loadErrors: ReissueError[] = [];
    let chosen: Located | undefined;
    try {
      for (const path of this.opts.modules) {
        let mod: OpenModule;
        try {
          mod = openModule(path, this.load);
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

  private checkpoint(): void {
    if (this.cancelled) throw cardError('cancelled', 'The card operation was cancelled.', 'Run the command again when ready.');
  }

  /** Maps a failure during generation or signing, after removing the half-made key pair if possible. */
  private afterFailure(e: unknown, at: CardPhase, cleanup: () => boolean, label: string): ReissueError {
    const err = isReissueError(e) ? e : toCardError(e, at);
    const removal = !isReissueError(e) && isRemoval(e);
    const cleaned = cleanup();
    if (cleaned) return err;
    const extra = removal
      ? ` If the card now holds a key pair labelled "${label}", remove it in the card manager.`
      : ` A key pair labelled "${label}" may be left on the card; remove it in the card manager.`;
    return cardError(err.code, err.message, (err.hint ?? '') + extra, { ...err.details, cleanup: 'failed' });
  }
}

/**
 * Sets attributes on both halves of a key pair, best effort: some cards refuse to change an ID or
 * label (CKR_ATTRIBUTE_READ_ONLY); the values read back afterwards are the truth either way.
 */
function setOnPair(p11: Pkcs11, session: Handle, pair: { publicKey?: Handle | null; privateKey?: Handle | null }, template: Template): void {
  for (const h of [pair.privateKey, pair.publicKey]) {
    if (!h) continue;
    for (const attr of template) {
      try {
        p11.C_SetAttributeValue(session, h, [attr]);
      } catch {
        /* kept as it was: see above */
      }
    }
  }
}

/** p11-kit's client module reaches cards on another machine (`p11-kit server`). */
export function remoteAddress(modulePath: string): string | null {
  return /p11-kit-client\.so/.test(modulePath) ? (process.env.P11_KIT_SERVER_ADDRESS ?? 'unknown address') : null;
}

function destroyPair(p11: Pkcs11, session: Handle, pair: { publicKey: Handle; privateKey: Handle }, id: Buffer): boolean {
  try {
    p11.C_DestroyObject(session, pair.privateKey);
    p11.C_DestroyObject(session, pair.publicKey);
    return true;
  } catch {
    return destroyById(p11, session, id) && findObjects(p11, session, [{ type: ck.CKA_ID, value: id }]).length === 0;
  }
}

/** CKA_ID and label of the key pair whose public key equals `spki` (with a private key), or null. */
function matchingKey(p11: Pkcs11, session: Handle, spki: Uint8Array): { id: Buffer; label: string } | null {
  const want = Buffer.from(spki);
  const privateIds = new Set(findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY }]).map((h) => getAttr(p11, session, h, ck.CKA_ID).toString('hex')));
  const candidates = [
    ...findObjects(p11, session, [{ type: ck.CKA_CLASS, value: ck.CKO_PUBLIC_KEY }]),
    // An RSA private key carries its modulus: it matches even without a public key object.
    ...findObjects(p11, session, [
      { type: ck.CKA_CLASS, value: ck.CKO_PRIVATE_KEY },
      { type: ck.CKA_KEY_TYPE, value: ck.CKK_RSA },
    ]),
  ];
  for (const h of candidates) {
    let id: Buffer;
    let key: Uint8Array;
    try {
      id = getAttr(p11, session, h, ck.CKA_ID);
      key = publicKeySpki(p11, session, h).spki;
    } catch {
      continue; // a key type we do not handle
    }
    if (privateIds.has(id.toString('hex')) && want.equals(Buffer.from(key))) return { id, label: getAttr(p11, session, h, ck.CKA_LABEL).toString('utf8') };
  }
  return null;
}

function moduleInfo(mod: OpenModule): ModuleInfo {
  try {
    const i = mod.p11.C_GetInfo();
    return { path: mod.path, loaded: true, error: null, manufacturer: trimPadded(i.manufacturerID), description: trimPadded(i.libraryDescription), remote: remoteAddress(mod.path) };
  } catch {
    return { path: mod.path, loaded: true, error: null, manufacturer: null, description: null, remote: remoteAddress(mod.path) };
  }
}

/** Runs one phase with started / finished / failed events. */
async function phase<T>(emit: Emit, name: CardPhase, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  emit({ type: 'started', phase: name });
  try {
    const v = await fn();
    emit({ type: 'finished', phase: name, elapsedMs: Date.now() - t0 });
    return v;
  } catch (e) {
    const code = isReissueError(e) ? e.code : toCardError(e, name).code;
    emit({ type: 'failed', phase: name, elapsedMs: Date.now() - t0, code });
    throw e;
  }
}
