// The one interface the wizard and the CLI use to reach a portal. Two implementations:
// LocalPortal (embedded, in-process, SQLite + sandbox CA) and HttpPortal (got → `reissue serve`).
// Both throw ReissueError (kind 'portal' for not-found / conflict / auth / network,
// kind 'input' for a CSR that fails the checks).
import type { CardEvidence, Certificate, CsrReport, KeySource, PendingRevocation, PortalEmail, ReissueRequest, ReissueResult, RevocationReason } from '../domain/types.js';

/** The documented range of a page (README, HTTP API): limit 1..MAX_PAGE_SIZE, offset 0..MAX_OFFSET. */
export const MAX_PAGE_SIZE = 1000;
export const MAX_OFFSET = 1_000_000_000;

export interface ListQuery {
  /** Matched case-insensitively against CN, domains, order id, serial and product. */
  text?: string;
  offset?: number;
  limit?: number;
  /**
   * Count every match for `total` (default true). False skips the count (a second pass over the
   * matches): `total` is then only a lower bound, the rows up to the end of this page (0 for an
   * empty page), exact when the first page or a non-empty page is shorter than the limit.
   * Use count() for the exact number later.
   */
  withTotal?: boolean;
}

export interface CertificatePage {
  items: Certificate[];
  total: number;
}

export interface CountQuery {
  /** The same filter as ListQuery.text. */
  text?: string;
}

export type DownloadFormat = 'pem' | 'der';

export interface PortalInfo {
  /** Shown in the wizard's header, e.g. "SANDBOX portal (local, ~/.local/share/reissue)". */
  name: string;
  sandbox: boolean;
  /** The portal's current time (REISSUE_NOW in the sandbox). */
  now: string;
}

export interface Portal {
  info(): Promise<PortalInfo>;
  list(query?: ListQuery): Promise<CertificatePage>;
  /** How many certificates list() would find for this filter in all (its page's `total`). */
  count(query?: CountQuery): Promise<number>;
  /** `id` is a certificate id or a serial number in hex. Unknown: ReissueError code 'not-found'. */
  get(id: string): Promise<Certificate>;
  /** PEM text as UTF-8 bytes, or DER. With `chain`, the CA certificate follows (PEM) . */
  download(id: string, format: DownloadFormat, chain?: boolean): Promise<Uint8Array>;
  /**
   * Runs every CSR check against this certificate's order, product and current key, and whether
   * the product takes a key pair made this way (`keySource`, 'csr' by default): the rule reissue
   * applies, for a card key with the card's evidence (`card`, checked as reissue checks it).
   */
  checkCsr(id: string, csr: Uint8Array, keySource?: KeySource, card?: CardEvidence): Promise<CsrReport>;
  /**
   * Issues the new copy in one transaction: same notAfter, subject and SANs from the order,
   * old copy's revocation scheduled 14 days later. The public key comes from the request's CSR
   * ('csr'; 'card' with the card's evidence, recorded with the new copy), or from a key pair the
   * portal generates in its own key store ('cloud'). Products allow some key sources only. The
   * same idempotency key returns the first result and issues nothing new. The "certificate
   * issued" e-mail is queued with the new copy.
   */
  reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult>;
  /** The e-mails the portal wrote about this copy (issued, reminders), oldest first. */
  emails(id: string): Promise<PortalEmail[]>;
  revoke(id: string, reason: RevocationReason): Promise<Certificate>;
  pendingRevocations(): Promise<PendingRevocation[]>;
  caCertificate(): Promise<string>;
  /** The current CRL, DER. */
  crl(): Promise<Uint8Array>;
  close(): Promise<void>;
}
