// What every use case gets and reports. The CLI and the wizard each hand in their own way to reach
// the portal, the card and files, and turn the events into lines or frames: the steps themselves
// live in this folder only.
import type { CardProgress, CardService, TokenInfo } from '../card/card.js';
import type { PendingReissue, ReissueResult } from '../domain/types.js';
import type { PortalCore } from '../portal/portal.js';

export interface FlowDeps {
  portal(): Promise<PortalCore>;
  card(): Promise<CardService>;
  /** A file (or stdin for "-" where the caller supports it), as bytes. */
  readFile(path: string): Promise<Uint8Array>;
}

export type FlowEvent =
  | { type: 'card-progress'; progress: CardProgress }
  /** The key pair exists on the card from here on: a cancel must not pretend nothing happened. */
  | { type: 'key-generated'; csrPem: string; keyId: string; token: TokenInfo; keyUri: string }
  | { type: 'csr-written'; path: string }
  | { type: 'submitting'; certificateId: string }
  | { type: 'issued'; result: ReissueResult }
  /** The portal accepted the reissue and is still working on it (a CA validating the order). */
  | { type: 'pending'; pending: PendingReissue };

export type OnFlowEvent = (event: FlowEvent) => void;

export const ignoreEvents: OnFlowEvent = () => undefined;
