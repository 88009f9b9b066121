// The store's records: what is kept for accounts, certificates, e-mails and reissues, as plain
// values that no driver shapes. toCertificate turns a record into what every view shows.
import { certificateState } from '../../domain/policy.js';
import type { CardEvidence, Certificate, CloudKeyInfo, EmailKind, KeySource, Organization, Product, RevocationReason, Role, Subscriber } from '../../domain/types.js';

export interface AccountRecord {
  id: number;
  name: string;
  role: Role;
  partnerId: number | null;
}

/** What is stored for one copy; the product is referenced by id. */
export interface NewCertificate {
  id: string;
  serial: string;
  orderId: string;
  accountId: number;
  productId: number;
  commonName: string;
  domains: string[];
  subscriber: Subscriber;
  organization: Organization | null;
  authorizationMethod: string;
  notBefore: string;
  notAfter: string;
  der: Uint8Array;
  publicKeySha256: string;
  replaces: string | null;
  replacedBy: string | null;
  revocationDate: string | null;
  revoked: boolean;
  revocationReason: RevocationReason | null;
  issuedAt: string;
  /** How the key pair was made (null: not recorded, e.g. demo data). */
  keySource?: KeySource | null;
  cloudKey?: CloudKeyInfo | null;
  /** For a card key: the card's evidence as declared (null otherwise). */
  cardEvidence?: CardEvidence | null;
}

/** A stored copy with its product and account, as read back. */
export interface CertificateRecord extends NewCertificate {
  product: Product;
  account: string;
  keySource: KeySource | null;
  cloudKey: CloudKeyInfo | null;
  downloadedAt: string | null;
}

/** A message as queued: everything delivery needs, composed when it was queued. */
export interface OutgoingMessage {
  /** The Date header: the portal's time when it was queued (REISSUE_NOW in the sandbox). */
  date: string;
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: string; contentType: string }[];
}

export interface NewEmail {
  kind: EmailKind;
  certificateId: string;
  relatedId: string | null;
  message: OutgoingMessage;
  createdAt: string;
  /** Wall-clock time of the first delivery attempt. */
  nextAttemptAt: string;
}

export interface QueuedEmail {
  id: number;
  kind: EmailKind;
  certificateId: string;
  message: OutgoingMessage;
  attempts: number;
}

export interface IdempotencyRecord {
  requestSha256: string;
  certificateId: string;
  newCertificateId: string;
}

export interface RevokedEntry {
  serial: string;
  revocationDate: string;
  reason: RevocationReason;
}

/** The record as every view shows it, with its state at `now`. */
export function toCertificate(r: CertificateRecord, now: Date): Certificate {
  return {
    id: r.id,
    serialNumber: r.serial,
    commonName: r.commonName,
    domains: r.domains,
    state: certificateState({ notAfter: r.notAfter, revocationDate: r.revocationDate, revoked: r.revoked }, now),
    orderId: r.orderId,
    product: r.product.name,
    productCategory: r.product.category,
    keySources: r.product.keySources,
    algorithms: r.product.algorithms,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
    replaces: r.replaces,
    replacedBy: r.replacedBy,
    revocationDate: r.revocationDate,
    revocationReason: r.revocationReason,
    subscriber: r.subscriber,
    organization: r.organization,
    authorizationMethod: r.authorizationMethod,
    account: r.account,
    keySource: r.keySource,
    cloudKey: r.cloudKey,
    downloadedAt: r.downloadedAt,
    cardEvidence: r.cardEvidence ?? null,
  };
}
