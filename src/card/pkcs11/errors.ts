// PKCS#11 failures in plain words with a next step. pkcs11js puts the CKR value in `code` (and the
// name in `message`); some calls throw plain Errors like "CKR_SESSION_HANDLE_INVALID:179", and
// unknown values arrive as "CKR_VENDOR_DEFINED" with the real code. A PIN never appears here.
import { cardError, isReissueError, type ReissueError } from '../../domain/errors.js';
import type { CardPhase } from '../card.js';
import { algorithmUnsupported, CARD_MANAGER, noCard, pinLocked, userPinNotSet } from '../messages.js';
import { ck } from './pkcs11.js';

export interface Ckr {
  name: string;
  code: number;
}

/** PKCS#11 3.0 value, newer than pkcs11js's constant table. */
const CKR_CURVE_NOT_SUPPORTED = 0x140;

const CKR_NAMES = new Map<number, string>([[CKR_CURVE_NOT_SUPPORTED, 'CKR_CURVE_NOT_SUPPORTED']]);
for (const [name, value] of Object.entries(ck)) {
  if (name.startsWith('CKR_') && typeof value === 'number' && !CKR_NAMES.has(value)) CKR_NAMES.set(value, name);
}

/** The CKR value behind an error, or null when it is not a PKCS#11 return value. */
export function ckrOf(e: unknown): Ckr | null {
  if (!(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'number' && code > 0 && (e.message.startsWith('CKR_') || CKR_NAMES.has(code))) {
    return { code, name: CKR_NAMES.get(code) ?? e.message };
  }
  const m = /(CKR_\w+):(\d+)/.exec(e.message);
  if (m) return { name: CKR_NAMES.get(Number(m[2])) ?? m[1]!, code: Number(m[2]) };
  return null;
}

export const isCkr = (e: unknown, ...codes: number[]) => {
  const c = ckrOf(e);
  return c !== null && codes.includes(c.code);
};

/** Errors that mean the card (or its session) went away under us. */
export const REMOVAL_CODES = [ck.CKR_DEVICE_REMOVED, ck.CKR_TOKEN_NOT_PRESENT, ck.CKR_SESSION_HANDLE_INVALID, ck.CKR_SESSION_CLOSED];

export const isRemoval = (e: unknown) => isCkr(e, ...REMOVAL_CODES);

const PHASE_WORDS: Record<CardPhase, string> = {
  login: 'while logging in',
  generate: 'during key generation',
  sign: 'while signing the request',
  install: 'while writing the certificate',
  verify: 'while checking the card',
};

/** Maps a failure from a PKCS#11 call to a card ReissueError (kind 'card', exit 4). */
export function toCardError(e: unknown, phase?: CardPhase): ReissueError {
  if (isReissueError(e)) return e;
  const ckr = ckrOf(e);
  if (!ckr) {
    const text = e instanceof Error ? e.message : String(e);
    return cardError('card-unexpected', `The card layer failed unexpectedly: ${text}`, 'Try again; if it keeps failing, run `reissue card list` and check the reader and module.', { text });
  }
  const details = { ckr: ckr.name, ckrCode: ckr.code, ...(phase ? { phase } : {}) };
  const err = (code: string, message: string, hint: string) => cardError(code, message, hint, details);
  switch (ckr.code) {
    case ck.CKR_PIN_INCORRECT:
      return err('pin-wrong', 'The PIN is wrong.', 'Type the user (common profile) PIN again; each wrong PIN uses up one of the card\'s tries.');
    case ck.CKR_PIN_INVALID:
      return err('pin-invalid', 'The card does not accept this PIN: it contains characters the card does not allow.', 'Type the PIN again, using only the characters it was set with.');
    case ck.CKR_PIN_LEN_RANGE:
      return err('pin-length', 'The PIN is too short or too long for this card.', 'Type the PIN again; `reissue card list` shows the length the card accepts.');
    case ck.CKR_PIN_EXPIRED:
      return err('pin-expired', 'The PIN has expired and must be changed before the card can be used.', `Change the PIN in ${CARD_MANAGER}, then try again.`);
    case ck.CKR_PIN_LOCKED:
      return pinLocked(details);
    case ck.CKR_USER_PIN_NOT_INITIALIZED:
      return userPinNotSet(details);
    case ck.CKR_USER_NOT_LOGGED_IN:
      return err('not-logged-in', 'The card refused the operation because no one is logged in.', 'Try again and type the PIN when asked.');
    case ck.CKR_FUNCTION_CANCELED:
      return err('cancelled', 'PIN entry was cancelled on the reader.', 'Try again and confirm the PIN on the reader\'s keypad.');
    case ck.CKR_DEVICE_REMOVED:
    case ck.CKR_TOKEN_NOT_PRESENT:
    case ck.CKR_SESSION_HANDLE_INVALID:
    case ck.CKR_SESSION_CLOSED:
      if (phase && phase !== 'login') {
        return err('card-removed', `The card was removed ${PHASE_WORDS[phase]}; nothing was submitted.`, 'Put the card back in the reader, leave it there until the operation ends, and try again.');
      }
      return noCard(details);
    case ck.CKR_TOKEN_NOT_RECOGNIZED:
      return err('card-not-recognized', 'The reader does not recognise the card.', 'Check that the card is inserted the right way round and that this module supports it (`reissue card list`).');
    case ck.CKR_DEVICE_ERROR:
      return err('card-device-error', `The reader or card reported a device error${phase ? ' ' + PHASE_WORDS[phase] : ''}.`, 'Re-insert the card (or reconnect the reader) and try again.');
    case ck.CKR_DEVICE_MEMORY:
      return err('card-memory-full', 'The card has no room left for new objects.', `Remove keys or certificates you no longer need in ${CARD_MANAGER}, then try again.`);
    case ck.CKR_TOKEN_WRITE_PROTECTED:
      return err('card-write-protected', 'The card is write-protected: nothing can be stored on it.', `Use another card, or remove the write protection in ${CARD_MANAGER}.`);
    case ck.CKR_OPERATION_ACTIVE:
      return err('card-busy', 'The card is busy with another operation.', 'Close other programs using the card and try again.');
    case ck.CKR_MECHANISM_INVALID:
    case ck.CKR_MECHANISM_PARAM_INVALID:
    case ck.CKR_KEY_SIZE_RANGE:
    case CKR_CURVE_NOT_SUPPORTED:
    case ck.CKR_DOMAIN_PARAMS_INVALID:
    case ck.CKR_TEMPLATE_INCONSISTENT:
    case ck.CKR_FUNCTION_NOT_SUPPORTED:
      return algorithmUnsupported(null, details);
    case ck.CKR_TEMPLATE_INCOMPLETE:
    case ck.CKR_ATTRIBUTE_VALUE_INVALID:
    case ck.CKR_ATTRIBUTE_TYPE_INVALID:
      return err('card-template-rejected', 'The card rejected the key or object description it was given.', 'This card may need another module: check `reissue card list`, or use a CSR made elsewhere.');
    case ck.CKR_GENERAL_ERROR:
      return err('card-general-error', `The card reported a general error${phase ? ' ' + PHASE_WORDS[phase] : ''}.`, 'Re-insert the card and try again; for RSA keys, check the card supports the key size.');
    default:
      return err('card-error', `The card answered ${ckr.name} (0x${ckr.code.toString(16)})${phase ? ' ' + PHASE_WORDS[phase] : ''}.`, 'Try again; if it keeps failing, check the card and module with `reissue card list`.');
  }
}

