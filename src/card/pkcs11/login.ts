// The one way into a card: the PIN's state and length checked before the card sees it, then
// C_Login as the user or as the SO (the PUK). A wrong PIN is explained by what the token then
// reports about the tries left. Used by keygen, install, delete, change and unblock. The PIN itself
// never appears in an error.
import { cardError, type ReissueError } from '../../domain/errors.js';
import type { PinHolder, PinState } from '../card.js';
import { pinLocked, pukLocked } from '../messages.js';
import { checkLogin, triesLeftWords } from '../pin-rules.js';
import { isCkr, toCardError } from './errors.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';
import { phase, withSession, type Emit } from './session.js';
import { pinStateOf } from './token.js';

export interface Login {
  who: PinHolder;
  /** Empty on a PIN pad: the reader asks for it. */
  pin: string;
  /** The holder's PIN has one try left and the user accepted the risk. */
  confirmFinalTry?: boolean;
}

/**
 * The PIN rules checked (before any session: an uninitialised token opens none), then a session
 * logged in as `l.who` (as the phase 'login' when `emit` is given) for `fn`; logged out and closed
 * on every path.
 */
export async function withLogin<T>(p11: Pkcs11, slot: Handle, state: PinState, l: Login, fn: (session: Handle) => Promise<T>, emit?: Emit): Promise<T> {
  checkLogin(state, l.who, l.pin, l.confirmFinalTry);
  return withSession(p11, slot, async (session) => {
    if (emit) await phase(emit, 'login', async () => cLogin(p11, slot, session, l));
    else cLogin(p11, slot, session, l);
    return fn(session);
  });
}

/**
 * C_Login. Already logged in is fine. A PIN pad gets a zero-length PIN: pkcs11js 2.1.7 requires
 * the argument and cannot pass NULL, and OpenSC reads length 0 as "use the keypad".
 */
function cLogin(p11: Pkcs11, slot: Handle, session: Handle, l: Login): void {
  try {
    p11.C_Login(session, l.who === 'so' ? ck.CKU_SO : ck.CKU_USER, l.pin);
  } catch (e) {
    if (isCkr(e, ck.CKR_USER_ALREADY_LOGGED_IN)) return;
    if (isCkr(e, ck.CKR_PIN_INCORRECT)) throw wrongPin(p11, slot, e, l.who);
    if (l.who === 'so' && isCkr(e, ck.CKR_PIN_LOCKED)) throw pukLocked(toCardError(e, 'login').details);
    throw toCardError(e, 'login');
  }
}

/** The token's PIN state now, or null when it does not answer. */
export function pinStateNow(p11: Pkcs11, slot: Handle): PinState | null {
  try {
    const t = p11.C_GetTokenInfo(slot);
    return pinStateOf(t.flags, t.minPinLen, t.maxPinLen);
  } catch {
    return null;
  }
}

/** A wrong PIN (at C_Login or C_SetPIN), with the tries the token reports left. */
export function wrongPin(p11: Pkcs11, slot: Handle, cause: unknown, who: PinHolder = 'user'): ReissueError {
  const after = pinStateNow(p11, slot);
  const base = toCardError(cause, 'login');
  if (who === 'so') {
    if (after?.so?.locked) {
      const locked = pukLocked({ ...base.details, tries: 'locked' });
      return cardError(locked.code, 'The PUK is wrong, and the card has now locked it: the card can no longer be unblocked and is unusable.', locked.hint, locked.details);
    }
    const t = after ? triesLeftWords(after, 'so') : { words: 'The card does not say how many PUK tries are left.', tries: 'unknown' as const };
    return cardError('puk-wrong', `The PUK (SO PIN) is wrong. ${t.words}`, 'Type the PUK again; each wrong PUK uses up one of its tries, and a locked PUK makes the card unusable.', { ...base.details, tries: t.tries });
  }
  if (after?.locked) {
    const locked = pinLocked({ ...base.details, tries: 'locked' });
    return cardError(locked.code, 'The PIN is wrong, and the card has now locked it.', locked.hint, locked.details);
  }
  const t = after ? triesLeftWords(after) : { words: 'The card does not say how many tries are left.', tries: 'unknown' as const };
  return cardError('pin-wrong', `The PIN is wrong. ${t.words}`, base.hint, { ...base.details, tries: t.tries });
}
