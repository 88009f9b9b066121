// Card failures a user can meet, as ReissueError (kind 'card', exit 4) with a next step. Pure:
// the CLI and the wizard use these on the main thread without loading the PKCS#11 addon.
import { cardError, type ReissueError } from '../domain/errors.js';

export const CARD_MANAGER = 'the card manager (for Certum cards: proCertum CardManager)';

export function pinLocked(details?: Record<string, unknown>): ReissueError {
  return cardError(
    'pin-locked',
    'The PIN is locked: it was entered wrongly too many times.',
    'Unblock it with the PUK: `reissue card pin unblock` (or the card manager; for Certum cards: proCertum CardManager); then try again.',
    details,
  );
}

export function userPinNotSet(details?: Record<string, unknown>): ReissueError {
  return cardError('user-pin-not-set', 'The card has no user (common profile) PIN set yet.', `Set the user PIN in ${CARD_MANAGER} first.`, details);
}

export function tokenNotInitialized(details?: Record<string, unknown>): ReissueError {
  return cardError('token-not-initialized', 'The card is not initialised.', `Initialise it in ${CARD_MANAGER} (this sets the PINs), then try again.`, details);
}

export function noCard(details?: Record<string, unknown>): ReissueError {
  return cardError('no-card', 'No card was found in the reader.', 'Connect the reader, insert the card, and run `reissue card list` to check it is seen.', details);
}

export function algorithmUnsupported(what: string | null, details?: Record<string, unknown>): ReissueError {
  return cardError(
    'algorithm-unsupported',
    what ? `This card cannot generate ${what} keys.` : 'The card does not support this algorithm or key size.',
    'Choose another algorithm (`reissue card list` shows what the card can generate).',
    details,
  );
}

/** A module (.so) that could not be loaded: dlerror text and path, no stack. */
export function moduleLoadError(path: string, e: unknown): ReissueError {
  const reason = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return cardError('module-load-failed', `The PKCS#11 module ${path} could not be loaded: ${reason}`, 'Check the path (--module, REISSUE_PKCS11_MODULE or config) and that the card software is installed.', { module: path, reason });
}

export function noModule(): ReissueError {
  return cardError('module-missing', 'No PKCS#11 module was found for the card reader.', 'Install the card software (OpenSC, or proCertum SmartSign/CardManager for Certum cards) or name the module with --module PATH.');
}

export function finalTryNeedsConfirmation(): ReissueError {
  return cardError(
    'pin-final-try',
    'Only one PIN try is left: one more wrong PIN locks the card.',
    'Make sure of the PIN, then confirm the final try (on the command line: --force); or unblock with the PUK in the card manager first.',
  );
}

/** The SO PIN (PUK) is locked too: nothing this program (or any other) can do unblocks the card. */
export function pukLocked(details?: Record<string, unknown>): ReissueError {
  return cardError(
    'puk-locked',
    'The PUK (SO PIN) is locked: it was entered wrongly too many times, so the card can no longer be unblocked and is unusable.',
    'Ask the card\'s issuer for a new card (the keys on this one cannot be used again).',
    details,
  );
}

export function pukFinalTryNeedsConfirmation(): ReissueError {
  return cardError(
    'puk-final-try',
    'Only one PUK try is left: one more wrong PUK makes the card unusable for good.',
    'Make sure of the PUK (SO PIN), then confirm the final try (on the command line: --force).',
  );
}
