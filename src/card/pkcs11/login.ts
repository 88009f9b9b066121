// Login as the user, with a wrong PIN explained by what the token then reports about the tries
// left. The PIN itself never appears in an error.
import { cardError, type ReissueError } from '../../domain/errors.js';
import type { PinState } from '../card.js';
import { pinLocked } from '../messages.js';
import { triesLeftWords } from '../pin-rules.js';
import { isCkr, toCardError } from './errors.js';
import { ck, type Handle, type Pkcs11 } from './pkcs11.js';
import { pinStateOf } from './token.js';

/** C_Login as the user. Already logged in is fine. A PIN pad gets no PIN from us. */
export function loginUser(p11: Pkcs11, slot: Handle, session: Handle, pin: string, state: PinState): void {
  try {
    if (state.protectedAuthPath && pin === '') p11.C_Login(session, ck.CKU_USER);
    else p11.C_Login(session, ck.CKU_USER, pin);
  } catch (e) {
    if (isCkr(e, ck.CKR_USER_ALREADY_LOGGED_IN)) return;
    if (isCkr(e, ck.CKR_PIN_INCORRECT)) throw wrongPin(p11, slot, e);
    throw toCardError(e, 'login');
  }
}

function wrongPin(p11: Pkcs11, slot: Handle, cause: unknown): ReissueError {
  let after: PinState | null = null;
  try {
    const t = p11.C_GetTokenInfo(slot);
    after = pinStateOf(t.flags, t.minPinLen, t.maxPinLen);
  } catch {
    after = null;
  }
  const base = toCardError(cause, 'login');
  if (after?.locked) {
    const locked = pinLocked({ ...base.details, tries: 'locked' });
    return cardError(locked.code, 'The PIN is wrong, and the card has now locked it.', locked.hint, locked.details);
  }
  const t = after ? triesLeftWords(after) : { words: 'The card does not say how many tries are left.', tries: 'unknown' as const };
  return cardError('pin-wrong', `The PIN is wrong. ${t.words}`, base.hint, { ...base.details, tries: t.tries });
}
