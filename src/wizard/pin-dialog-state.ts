// The PIN dialog's state and events: "Change PIN" from the card screen, "Unblock with the PUK" from
// a locked PIN. Kept apart from state.ts; the Screen and WizardEvent unions include them. As
// everywhere in the wizard, no PIN or PUK is part of the state: the screen holds what was typed
// until the last field, and only the command that goes to the card carries it.
import type { TokenInfo } from '../card/card.js';
import type { Screen } from './state.js';

export type PinDialogMode = 'change' | 'unblock';

export interface PinDialogScreen {
  kind: 'pin-dialog';
  mode: PinDialogMode;
  reader: { module: string; slotId: string };
  token: TokenInfo;
  /**
   * final-try: the y/n before the last try of the current PIN (change) or of the PUK (unblock);
   * secret: the current PIN or the PUK; new / again: the new PIN, twice; working: on the card
   * (on a PIN pad the reader asks for everything); done: the card took the new PIN.
   */
  stage: 'final-try' | 'secret' | 'new' | 'again' | 'working' | 'done';
  finalTryConfirmed: boolean;
  /** Why the last entry was refused (its length, a mismatch), in words; never the entry itself. */
  problem: string | null;
  /** The card screen it was opened from (the reader checklist). */
  back: Screen;
}

export type PinDialogEvent =
  /** `c` on the card screen (change), `u` on a locked PIN (unblock): for the reader in view. */
  | { type: 'pin-dialog-open'; mode: PinDialogMode }
  /** A field was entered: on to the next one, or `problem` says why not (the screen checks it). */
  | { type: 'pin-dialog-typed'; problem: string | null }
  /** The last field: the secrets go into the card command only. */
  | { type: 'pin-dialog-submit'; secret: string; newPin: string }
  | { type: 'pin-dialog-done'; token: TokenInfo };
