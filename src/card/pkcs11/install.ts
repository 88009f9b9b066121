// A certificate written onto the card next to its key pair (same CKA_ID and label), read back to
// check it, and the pair's subject set from it. The same certificate already there writes nothing.
import { cardError, inputError, isReissueError } from '../../domain/errors.js';
import type { InstallRequest, InstallResult, TokenInfo } from '../card.js';
import { certificateFields } from '../der.js';
import { objectUri } from '../uri.js';
import { toCardError } from './errors.js';
import { findObjects, getAttr, setOnPair } from './keys.js';
import { locate, type ModuleSet } from './locate.js';
import { withLogin } from './login.js';
import { findPublicKey, matchingKey, privateKeyById } from './objects.js';
import { ck } from './pkcs11.js';
import { phase, type Cancellation, type Emit } from './session.js';
import { readToken } from './token.js';

export async function install(set: ModuleSet, cancel: Cancellation, req: InstallRequest): Promise<InstallResult> {
  const emit: Emit = req.onProgress ?? (() => {});
  const der = Buffer.from(req.certificateDer);
  let fields: ReturnType<typeof certificateFields>;
  try {
    fields = certificateFields(der);
  } catch {
    throw inputError('not-a-certificate', 'The file is not an X.509 certificate (PEM or DER).', 'Download the certificate with `reissue download ID --format der` and try again.', { context: 'download' });
  }
  const { mod, slot, token } = locate(set, req.token);
  const p11 = mod.p11;
  try {
    cancel.checkpoint();
    return await withLogin(p11, slot, token.pin, { who: 'user', pin: req.pin, confirmFinalTry: req.confirmFinalTry }, async (session) => {
      cancel.checkpoint();
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
        cancel.checkpoint();
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
    }, emit).catch((e) => {
      throw isReissueError(e) ? e : toCardError(e, 'install');
    });
  } finally {
    mod.release();
  }
}
