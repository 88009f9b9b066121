// A key pair generated on the card and a CSR signed there. The pair is made under a random CKA_ID,
// then named after its public key (key-ids.ts); if anything fails before the CSR is ready, the
// half-made pair is removed, or the error says which label to remove by hand.
import { randomBytes } from 'node:crypto';
import { algorithmLabel, algorithmSpec, isAlgorithm } from '../../domain/algorithms.js';
import { cardError, isReissueError, type ReissueError } from '../../domain/errors.js';
import { decodePemBlocks } from '../../pki/pem.js';
import { buildCsr } from '../../pki/csr-build.js';
import type { CardPhase, KeygenRequest, KeygenResult } from '../card.js';
import { csrSubjectDer } from '../der.js';
import { keyIdOf, keyPairLabel, publicKeySha256 } from '../key-ids.js';
import { algorithmUnsupported } from '../messages.js';
import { objectUri } from '../uri.js';
import { isRemoval, toCardError } from './errors.js';
import { destroyById, destroyPair, getAttr, keyPairTemplates, publicKeySpki, setOnPair } from './keys.js';
import { locate, type ModuleSet } from './locate.js';
import { withLogin } from './login.js';
import { ck, type Handle } from './pkcs11.js';
import { phase, type Cancellation, type Emit } from './session.js';
import { cardCsrCrypto } from './signer.js';
import { readToken } from './token.js';

export async function generate(set: ModuleSet, cancel: Cancellation, req: KeygenRequest): Promise<KeygenResult> {
  if (!isAlgorithm(req.algorithm)) throw cardError('algorithm-unknown', `Unknown algorithm "${String(req.algorithm)}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
  const emit: Emit = req.onProgress ?? (() => {});
  const { mod, slot, token } = locate(set, req.token);
  const p11 = mod.p11;
  try {
    if (!token.algorithms.includes(req.algorithm)) {
      throw algorithmUnsupported(algorithmLabel(req.algorithm), { token: token.label, supported: token.algorithms });
    }
    // The safe points: before the login, after it (a cancel that came while C_Login blocked this
    // thread stops here, before any key exists), after the generation, before and after signing.
    cancel.checkpoint();
    return await withLogin(p11, slot, token.pin, { who: 'user', pin: req.pin, confirmFinalTry: req.confirmFinalTry }, async (session) => {
      cancel.checkpoint();

      // A random CKA_ID goes into the templates so that a half-made pair can be found and removed;
      // once the public key is known the pair gets its real ID (SHA-1 of the key) and label.
      const tmpl = keyPairTemplates(req.algorithm, randomBytes(20), req.label);
      const idSent = tmpl.publicKey.find((a) => a.type === ck.CKA_ID)!.value as Buffer;
      let pair: { publicKey: Handle; privateKey: Handle };
      try {
        pair = await phase(emit, 'generate', () => p11.C_GenerateKeyPairAsync(session, { mechanism: tmpl.mechanism }, tmpl.publicKey, tmpl.privateKey));
      } catch (e) {
        throw afterFailure(e, 'generate', () => destroyById(p11, session, idSent), req.label);
      }

      try {
        cancel.checkpoint();
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
        cancel.checkpoint();
        const csrPem = await phase(emit, 'sign', () => buildCsr({ commonName: req.commonName, domains: req.domains, organization: req.organization ?? null }, keys, crypto));
        setOnPair(p11, session, pair, [{ type: ck.CKA_SUBJECT, value: Buffer.from(csrSubjectDer(decodePemBlocks(csrPem)[0]!.der)) }]);
        cancel.checkpoint();
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
        throw afterFailure(e, 'sign', () => destroyPair(p11, session, pair, idSent), req.label);
      }
    }, emit).catch((e) => {
      throw isReissueError(e) ? e : toCardError(e, 'login');
    });
  } finally {
    mod.release();
  }
}

/** Maps a failure during generation or signing, after removing the half-made key pair if possible. */
function afterFailure(e: unknown, at: CardPhase, cleanup: () => boolean, label: string): ReissueError {
  const err = isReissueError(e) ? e : toCardError(e, at);
  const removal = !isReissueError(e) && isRemoval(e);
  const cleaned = cleanup();
  if (cleaned) return err;
  const extra = removal
    ? ` If the card now holds a key pair labelled "${label}", remove it in the card manager.`
    : ` A key pair labelled "${label}" may be left on the card; remove it in the card manager.`;
  return cardError(err.code, err.message, (err.hint ?? '') + extra, { ...err.details, cleanup: 'failed' });
}
