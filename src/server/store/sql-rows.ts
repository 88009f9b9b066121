// How a certificate and an outbox row come back from an SQL driver (the same columns in SQLite
// and PostgreSQL), and turned back into records.
import type { Algorithm, CloudKeyInfo, CardEvidence, EmailKind, KeySource, Organization, PortalEmail, RevocationReason, Subscriber } from '../../domain/types.js';
import type { CertificateRecord } from './records.js';

export interface CertificateRow {
  id: string;
  serial: string;
  order_id: string;
  account_id: number;
  product_id: number;
  common_name: string;
  domains: string;
  subscriber: string;
  organization: string | null;
  authorization_method: string;
  not_before: string;
  not_after: string;
  der: Buffer;
  public_key_sha256: string;
  replaces: string | null;
  replaced_by: string | null;
  revocation_date: string | null;
  revoked: number;
  revocation_reason: string | null;
  issued_at: string;
  key_source: string | null;
  cloud_key: string | null;
  downloaded_at: string | null;
  card_evidence: string | null;
  product_name: string;
  product_category: string;
  product_key_sources: string;
  product_algorithms: string;
  account_name: string;
}

export interface OutboxRow {
  id: number;
  kind: EmailKind;
  certificate_id: string;
  related_id: string | null;
  recipient: string;
  subject: string;
  message: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
  delivered_to: string | null;
}

export function toRecord(r: CertificateRow): CertificateRecord {
  return {
    id: r.id,
    serial: r.serial,
    orderId: r.order_id,
    accountId: r.account_id,
    productId: r.product_id,
    commonName: r.common_name,
    domains: JSON.parse(r.domains) as string[],
    subscriber: JSON.parse(r.subscriber) as Subscriber,
    organization: r.organization ? (JSON.parse(r.organization) as Organization) : null,
    authorizationMethod: r.authorization_method,
    notBefore: r.not_before,
    notAfter: r.not_after,
    der: new Uint8Array(r.der),
    publicKeySha256: r.public_key_sha256,
    replaces: r.replaces,
    replacedBy: r.replaced_by,
    revocationDate: r.revocation_date,
    revoked: r.revoked === 1,
    revocationReason: r.revocation_reason as RevocationReason | null,
    issuedAt: r.issued_at,
    keySource: r.key_source as KeySource | null,
    cloudKey: r.cloud_key ? (JSON.parse(r.cloud_key) as CloudKeyInfo) : null,
    downloadedAt: r.downloaded_at,
    cardEvidence: r.card_evidence ? (JSON.parse(r.card_evidence) as CardEvidence) : null,
    product: {
      name: r.product_name,
      category: r.product_category,
      keySources: JSON.parse(r.product_key_sources) as KeySource[],
      algorithms: JSON.parse(r.product_algorithms) as Algorithm[],
    },
    account: r.account_name,
  };
}

export function toEmail(r: OutboxRow): PortalEmail {
  return {
    id: r.id,
    kind: r.kind,
    to: r.recipient,
    subject: r.subject,
    createdAt: r.created_at,
    status: r.sent_at ? 'sent' : 'pending',
    sentAt: r.sent_at,
    attempts: r.attempts,
    lastError: r.last_error,
    deliveredTo: r.delivered_to,
  };
}
