// `card delete`: a key pair removed by its URI (`id=` chooses the pair, `object=` narrows to one
// label), and its certificate only with --force.
import { cardError, inputError, isReissueError } from '../../domain/errors.js';
import type { DeleteRequest, DeleteResult } from '../card.js';
import { checkPinLength, checkPinState } from '../pin-rules.js';
import { describeToken } from '../select.js';
import { toCardError } from './errors.js';
import { findObjects, getAttr } from './keys.js';
import { locate, type ModuleSet } from './locate.js';
import { loginUser } from './login.js';
import { ck } from './pkcs11.js';
import { withSession } from './session.js';

export async function deleteKey(set: ModuleSet, req: DeleteRequest): Promise<DeleteResult> {
  const keyId = req.uri.id;
  if (!keyId) throw inputError('uri-without-id', 'The URI names no key: it has no "id=" attribute.', 'Copy the key URI `reissue card list` prints for the key pair.');
  const { mod, slot, token } = locate(set, { uri: req.uri });
  const p11 = mod.p11;
  try {
    checkPinState(token.pin, req.confirmFinalTry);
    checkPinLength(req.pin, token.pin);
    return await withSession(p11, slot, async (session) => {
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
