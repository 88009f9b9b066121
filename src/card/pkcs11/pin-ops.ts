// `card pin change` and `card pin unblock`: a new user PIN set with the current one (C_SetPIN, in
// the user's session) or with the PUK (C_Login as the SO, then C_InitPIN, which also lifts the
// lock). Both log in through login.ts, so the tries, the final-try guard and the length rules are
// the same as for every other card operation. The new PIN's length is checked before the card is asked.
import { isReissueError } from '../../domain/errors.js';
import type { PinChangeRequest, PinResult, PinUnblockRequest } from '../card.js';
import { checkNewPin } from '../pin-rules.js';
import { isCkr, toCardError } from './errors.js';
import { locate, type ModuleSet } from './locate.js';
import { withLogin, wrongPin } from './login.js';
import { ck } from './pkcs11.js';
import { readToken } from './token.js';

export async function changePin(set: ModuleSet, req: PinChangeRequest): Promise<PinResult> {
  const { mod, slot, token } = locate(set, req.token);
  const p11 = mod.p11;
  try {
    checkNewPin(req.newPin, null, token.pin);
    await withLogin(p11, slot, token.pin, { who: 'user', pin: req.pin, confirmFinalTry: req.confirmFinalTry }, async (session) => {
      try {
        // In the user's session C_SetPIN changes the user PIN; on a PIN pad both are typed there.
        p11.C_SetPIN(session, req.pin, req.newPin);
      } catch (e) {
        if (isCkr(e, ck.CKR_PIN_INCORRECT)) throw wrongPin(p11, slot, e);
        throw toCardError(e, 'login');
      }
    }).catch((e) => {
      throw isReissueError(e) ? e : toCardError(e, 'login');
    });
    return { token: readToken(p11, slot), module: mod.path };
  } finally {
    mod.release();
  }
}

export async function unblockPin(set: ModuleSet, req: PinUnblockRequest): Promise<PinResult> {
  const { mod, slot, token } = locate(set, req.token);
  const p11 = mod.p11;
  try {
    checkNewPin(req.newPin, null, token.pin);
    await withLogin(p11, slot, token.pin, { who: 'so', pin: req.puk, confirmFinalTry: req.confirmFinalTry }, async (session) => {
      try {
        p11.C_InitPIN(session, req.newPin);
      } catch (e) {
        throw toCardError(e, 'login');
      }
    }).catch((e) => {
      throw isReissueError(e) ? e : toCardError(e, 'login');
    });
    return { token: readToken(p11, slot), module: mod.path };
  } finally {
    mod.release();
  }
}
