// `card pin change` and `card pin unblock`: a new user PIN set with the current one (C_SetPIN, in
// the user's session) or with the PUK (C_Login as the SO, then C_InitPIN, which also lifts the
// lock). Both log in through login.ts, so the tries, the final-try guard and the length rules are
// the same as for every other card operation. The new PIN's length is checked before the card is asked.
import { isReissueError } from '../../domain/errors.js';
import type { PinChangeRequest, PinResult, PinUnblockRequest, TokenSelector } from '../card.js';
import { checkNewPin } from '../pin-rules.js';
import { isCkr, toCardError } from './errors.js';
import { locate, type ModuleSet } from './locate.js';
import { withLogin, wrongPin, type Login } from './login.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';
import { readToken } from './token.js';

export function changePin(set: ModuleSet, req: PinChangeRequest): Promise<PinResult> {
  return withNewPin(set, req.token, req.newPin, { who: 'user', pin: req.pin, confirmFinalTry: req.confirmFinalTry }, (p11, slot, session) => {
    try {
      // In the user's session C_SetPIN changes the user PIN; on a PIN pad both are typed there.
      p11.C_SetPIN(session, req.pin, req.newPin);
    } catch (e) {
      throw isCkr(e, ck.CKR_PIN_INCORRECT) ? wrongPin(p11, slot, e) : toCardError(e, 'login');
    }
  });
}

export function unblockPin(set: ModuleSet, req: PinUnblockRequest): Promise<PinResult> {
  return withNewPin(set, req.token, req.newPin, { who: 'so', pin: req.puk, confirmFinalTry: req.confirmFinalTry }, (p11, _slot, session) => {
    try {
      p11.C_InitPIN(session, req.newPin);
    } catch (e) {
      throw toCardError(e, 'login');
    }
  });
}

/** The new PIN checked, a login as `login.who`, `act` done in that session; the card as it then reports itself. */
async function withNewPin(set: ModuleSet, selector: TokenSelector, newPin: string, login: Login, act: (p11: Pkcs11, slot: Handle, session: Handle) => void): Promise<PinResult> {
  const { mod, slot, token } = locate(set, selector);
  const p11 = mod.p11;
  try {
    checkNewPin(newPin, null, token.pin);
    await withLogin(p11, slot, token.pin, login, async (session) => act(p11, slot, session)).catch((e) => {
      throw isReissueError(e) ? e : toCardError(e, 'login');
    });
    return { token: readToken(p11, slot), module: mod.path };
  } finally {
    mod.release();
  }
}
