// What the reducer asks the runner to do. A command exists only as the reducer's answer to an
// event it accepted; the runner (src/tui/actions.ts) carries it out and reports back with events.
// A PIN or passphrase travels in its command only: it is never part of the state.
import type { TokenInfo } from '../card/card.js';
import type { Algorithm, Certificate } from '../domain/types.js';
import type { PageRequest } from './list-window.js';
import type { WizardEvent, WizardState } from './state.js';

export type WizardCommand =
  | { type: 'check-csr'; cert: Certificate; csr: Uint8Array }
  | { type: 'check-csr-file'; cert: Certificate; path: string }
  | { type: 'check-key-path'; path: string }
  | { type: 'generate-csr'; cert: Certificate; algorithm: Algorithm; keyPath: string; passphrase: string }
  | { type: 'submit-csr'; cert: Certificate; csr: Uint8Array }
  /** "Stored in the cloud": the portal generates the key pair and issues the copy. */
  | { type: 'reissue-in-cloud'; cert: Certificate; algorithm: Algorithm }
  /** Ask again about a reissue the portal left pending. */
  | { type: 'resume-reissue'; orderRef: string; tokenSerial: string | null }
  | { type: 'generate-on-card'; cert: Certificate; algorithm: Algorithm; token: TokenInfo; pin: string; confirmFinalTry: boolean }
  | { type: 'install-on-card'; cert: Certificate; token: TokenInfo; pin: string; confirmFinalTry: boolean }
  | { type: 'change-pin'; token: TokenInfo; pin: string; newPin: string; confirmFinalTry: boolean }
  | { type: 'unblock-pin'; token: TokenInfo; puk: string; newPin: string; confirmFinalTry: boolean }
  | { type: 'download'; cert: Certificate; format: 'pem' | 'der'; path: string; overwrite: boolean }
  | { type: 'revoke'; cert: Certificate }
  /** dns-01 by hand: tell the waiting portal the records are published, or cancel its order. */
  | { type: 'answer-dns-records'; published: boolean }
  /** Ctrl+C before the key pair exists: close the card, which stops at its next safe point. */
  | { type: 'cancel-card' }
  /** Ctrl+C twice after it exists: keep its CSR in a file for a later `reissue submit`. */
  | { type: 'keep-for-later'; cert: Certificate; csrPem: string; keyId: string }
  // Loads: what a screen shows comes from the portal or the card through these too.
  | { type: 'load-info' }
  /** One page of rows, without the count (the count is a second pass over every match). */
  | { type: 'load-page'; request: PageRequest }
  /** The exact number of matches of a filter. */
  | { type: 'load-total'; text: string }
  | { type: 'load-pending' }
  | { type: 'load-preview'; cert: Certificate }
  /** The certificate and the e-mails the portal sent about it. */
  | { type: 'refresh-details'; id: string }
  | { type: 'scan-cards' }
  /** Hand `then` back to the reducer after `ms` (a pause in typing, the readers' next check): it decides again then. */
  | { type: 'wait'; ms: number; then: WizardEvent };

/** The reducer's answer: the next state and the commands to run (none, mostly). */
export interface Step {
  state: WizardState;
  commands: readonly WizardCommand[];
}

export const stay = (state: WizardState): Step => ({ state, commands: [] });
export const run = (state: WizardState, ...commands: WizardCommand[]): Step => ({ state, commands });
