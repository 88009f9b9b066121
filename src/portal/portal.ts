// The interfaces the wizard and the CLI use to reach a portal. Every portal kind (src/portal/<kind>/,
// chosen by src/portal/registry.ts) offers the core, PortalCore, and may offer capabilities that
// only some kinds have (the CA certificate, the CRL, the e-mail log, keys generated in the portal),
// announced in `capabilities` and in its info. `Portal` is our own service's account view
// (src/server implements it, `reissue serve` serves it): the core and every capability.
// All throw ReissueError (kind 'portal' for not-found / conflict / auth / network, kind 'input'
// for a CSR that fails the checks).
import type { CardEvidence, Certificate, CsrReport, KeySource, PendingRevocation, PortalEmail, ReissueOutcome, ReissueRequest, ReissueResult, RevocationReason } from '../domain/types.js';

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

/**
 * What a portal may offer beyond the core. caCertificate, crl, emails: the methods of the same
 * names; cloudKeys: reissue takes `{ keySource: 'cloud' }` (the portal makes the key pair in its
 * own key store).
 */
export const PORTAL_CAPABILITIES = ['caCertificate', 'crl', 'emails', 'cloudKeys'] as const;
export type PortalCapability = (typeof PORTAL_CAPABILITIES)[number];

export interface CaCertificateCapability {
  caCertificate(): Promise<string>;
}

export interface CrlCapability {
  /** The current CRL, DER. */
  crl(): Promise<Uint8Array>;
}

export interface EmailsCapability {
  /** The e-mails the portal wrote about this copy (issued, reminders), oldest first. */
  emails(id: string): Promise<PortalEmail[]>;
}

type CapabilityMethods = CaCertificateCapability & CrlCapability & EmailsCapability;

/** A portal's info as its kind announces it: which kind, and what it offers beyond the core. */
export interface KindInfo extends PortalInfo {
  /** The registry's name of the kind, e.g. 'local', 'http'. */
  kind: string;
  capabilities: PortalCapability[];
  /** What a reissue here promises, when it is not the manual's rule (same expiry, old copy revoked 14 days later). */
  terms?: ReissueTerms;
}

/**
 * What a reissue promises, for the texts that explain it before the user starts one: the expiry
 * kept by the portal's rule ('same') or set by the CA ('set-by-ca', the same one asked for), and
 * the days until the replaced copy is revoked (0 at once; null: never, by this tool).
 */
export interface ReissueTerms {
  expiry: 'same' | 'set-by-ca';
  revokeAfterDays: number | null;
}

/** The reference manual's rule: our own portal's and Certum's. */
export const MANUAL_TERMS: ReissueTerms = { expiry: 'same', revokeAfterDays: 14 };

/**
 * What a portal that works with a CA step by step reports while a reissue runs (the ACME kind: the
 * order, each authorization pending/valid/invalid, the finalize), for the CLI's lines and the wizard.
 */
export type PortalProgressEvent =
  | { type: 'order'; orderUrl: string; status: string }
  | { type: 'authorization'; identifier: string; challenge: string; status: 'pending' | 'valid' | 'invalid' }
  | { type: 'finalizing'; orderUrl: string };

/** What every portal kind offers. */
export interface PortalCore {
  info(): Promise<KindInfo>;
  /** The registry's name of its kind (as in info().kind). */
  readonly kind: string;
  /** The capabilities this portal has (the same list as info().capabilities, known without asking). */
  readonly capabilities: readonly PortalCapability[];
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
   * portal generates in its own key store ('cloud', for a portal with cloudKeys). Products allow some key sources only. The
   * same idempotency key returns the first result and issues nothing new. The "certificate
   * issued" e-mail is queued with the new copy. A CA that validates first answers
   * `{ pending: { orderRef, retryAfterMs } }` instead: resumeReissue(orderRef) asks again.
   */
  reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueOutcome>;
  /** The answer to a reissue left pending: the new copy, or still pending. Unknown order: ReissueError code 'order-not-found'. */
  resumeReissue(orderRef: string): Promise<ReissueOutcome>;
  revoke(id: string, reason: RevocationReason): Promise<Certificate>;
  pendingRevocations(): Promise<PendingRevocation[]>;
  close(): Promise<void>;
}

/** A portal of any kind, as the CLI and the wizard hold it: the core and the capability methods its kind has. */
export type AnyPortal = PortalCore & Partial<CapabilityMethods>;

/** Our own portal (the sandbox, `reissue serve` over HTTP) as a kind: the core and every capability; it issues at once. */
export type OwnPortal = Omit<PortalCore, 'reissue'> &
  CapabilityMethods & {
    reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult>;
  };

/** True (and typed so) when `portal` has `capability`. */
export function hasCapability<C extends keyof CapabilityMethods>(portal: AnyPortal, capability: C): portal is AnyPortal & Pick<CapabilityMethods, C> {
  return portal.capabilities.includes(capability) && typeof portal[capability] === 'function';
}

/** Our own service's account view (src/server): the core and every capability, its info as the service answers it. */
export interface Portal extends Omit<PortalCore, 'info' | 'kind' | 'capabilities' | 'reissue' | 'resumeReissue'>, CapabilityMethods {
  info(): Promise<PortalInfo>;
  /** As PortalCore's; the service issues at once (never pending). */
  reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult>;
}
