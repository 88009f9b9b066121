// Portal model shared by every part. Dates are ISO 8601 strings so the same shapes travel
// unchanged through the embedded portal, the HTTP API and `--json` output.

export const ALGORITHMS = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

/** csr: a CSR from the user; card: generated on the user's card; cloud: generated in the portal's own key store. */
export const KEY_SOURCES = ['csr', 'card', 'cloud'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];
export type CertificateState = 'valid' | 'pending-revocation' | 'revoked' | 'expired';
export type Role = 'customer' | 'partner';

/** RFC 5280 CRLReason names. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface Product {
  name: string;
  category: string;
  keySources: KeySource[];
  algorithms: Algorithm[];
}

export interface Subscriber {
  name: string;
  lastName: string;
  email: string;
  verificationMethod: string;
}

export interface Organization {
  name: string;
  verificationMethod: string;
  country: string;
  stateOrProvince: string;
  locality: string;
}

/** One copy of a certificate as every view and `--json` shows it. */
export interface Certificate {
  id: string;
  /** Hex, lower case, no separators. */
  serialNumber: string;
  commonName: string;
  domains: string[];
  state: CertificateState;
  orderId: string;
  product: string;
  productCategory: string;
  keySources: KeySource[];
  algorithms: Algorithm[];
  notBefore: string;
  notAfter: string;
  replaces: string | null;
  replacedBy: string | null;
  /** Scheduled (pending-revocation) or done (revoked); null otherwise. */
  revocationDate: string | null;
  revocationReason: RevocationReason | null;
  subscriber: Subscriber;
  organization: Organization | null;
  /** "Subscriber's authorization" verification method. */
  authorizationMethod: string;
  account: string;
  // The next three are absent in answers from a portal that does not record them.
  /** How this copy's key pair was made, when the portal recorded it (null for older copies). */
  keySource?: KeySource | null;
  /** For a key generated in the portal's key store: where it is kept (the key never leaves it). */
  cloudKey?: CloudKeyInfo | null;
  /** When this copy was first downloaded (null: not yet). */
  downloadedAt?: string | null;
  /**
   * For a key generated on a card: the card and key, declared by the client and checked for
   * consistency, not attested (a PKCS#11 card cannot prove it); recorded for audit.
   */
  cardEvidence?: CardEvidence | null;
  /** A copy in an ACME portal's ledger: what only such a copy has (absent elsewhere). */
  acme?: AcmeCopyInfo | null;
}

/** What an ACME portal's ledger knows of a copy beyond the common fields. */
export interface AcmeCopyInfo {
  /** The ACME order this copy was issued under (null for a copy imported without it). */
  orderUrl: string | null;
  /** Obtained by this tool, or imported (obtained elsewhere, e.g. by certbot). */
  origin: 'issued' | 'imported';
  /** The key file's path, or the key's pkcs11: URI; null when not known (a CSR from elsewhere). */
  keyLocation: string | null;
  obtainedAt: string;
  /** What the CA answered to the revocation, once sent. */
  revocationAnswer: string | null;
  /** Why the last revocation attempt failed (it is retried). */
  revocationError: string | null;
  /** RFC 9773: the renewal window the CA suggests, when its directory offers renewalInfo. */
  renewalWindow: { start: string; end: string; explanationUrl: string | null } | null;
}

/** Where a cloud-generated key pair lives. */
export interface CloudKeyInfo {
  /** 'pkcs11': a token of the portal's server; 'sandbox': the sandbox's software store (not for production). */
  store: 'pkcs11' | 'sandbox';
  /** A readable description of the store, e.g. 'PKCS#11 token "portal-keys" (serial 1a2b…)'. */
  location: string;
  /** CKA_ID of the key pair (and of the certificate next to it), hex. */
  keyId: string;
  label: string;
}


/** One reissue: where the new key pair comes from, and what the portal needs for it. */
export type ReissueRequest =
  /** keyFile: where the CSR's private key was written, when this tool made it (recorded by a portal that keeps key locations). */
  | { keySource: 'csr'; csr: Uint8Array; keyFile?: string }
  | { keySource: 'card'; csr: Uint8Array; card: CardEvidence }
  | { keySource: 'cloud'; algorithm: Algorithm };

export type EmailKind = 'certificate-issued' | 'revocation-reminder';

/** A message the portal wrote about a certificate, as the details view lists it. */
export interface PortalEmail {
  id: number;
  kind: EmailKind;
  to: string;
  subject: string;
  createdAt: string;
  /** pending: waiting for (another) delivery attempt; sent: handed to SMTP or written as a file. */
  status: 'pending' | 'sent';
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  /** Where it went: the .eml file in the sandbox outbox, or "SMTP host:port". */
  deliveredTo: string | null;
}

/**
 * What a client says about the card its key pair was generated on: declared by the client and
 * checked for consistency, not attested (a PKCS#11 card cannot prove where a key was made). The
 * portal checks it against the key it certifies (src/card/evidence.ts) and records it, for audit.
 */
export interface CardEvidence {
  /** Token serial (card number) as the token reports it. */
  serial: string;
  /** Token label. */
  token: string;
  manufacturer: string;
  model: string;
  /** The PKCS#11 module the card was reached through (path or file name). */
  module: string;
  /** CKA_ID of the key pair on the card, hex: the SHA-1 of the public key (the portal checks it). */
  keyId: string;
  /** SHA-256 of the key's SubjectPublicKeyInfo, hex, as the manifest line or the card named it (checked too). */
  publicKeySha256?: string;
}

export interface PendingRevocation extends Certificate {
  daysLeft: number;
}

export interface ReissueResult {
  certificate: Certificate;
  replaced: Certificate;
}

/** A reissue the portal accepted but has not finished (a CA still validating the order). */
export interface PendingReissue {
  /** What resumeReissue() takes to ask again. */
  orderRef: string;
  /** When to ask again, at the earliest. */
  retryAfterMs: number;
  /** The CA's own name for the order's state (e.g. Certum's VERIFICATION), when it gives one. */
  state?: string;
  /** What the order waits for and what to do, in the user's language, when the CA's state says more than "pending". */
  message?: string;
}

/** A reissue's answer: the new copy, or an order still pending. */
export type ReissueOutcome = ReissueResult | { pending: PendingReissue };

export function isPendingReissue(outcome: ReissueOutcome): outcome is { pending: PendingReissue } {
  return 'pending' in outcome;
}

export interface CsrProblem {
  code: CsrProblemCode;
  /** In English (JSON output and the API keep it in every language). */
  message: string;
  /** The same as a catalog message and its values, for text output in the user's language. */
  text?: CsrProblemText;
}

export interface CsrProblemText {
  key: string;
  values?: Record<string, string | number>;
}

export type CsrProblemCode =
  | 'empty'
  | 'too-large'
  | 'not-pem-or-der'
  | 'truncated'
  | 'is-certificate'
  | 'is-private-key'
  | 'not-a-csr'
  | 'bad-signature'
  | 'weak-key'
  | 'unsupported-key'
  | 'key-not-allowed'
  | 'weak-hash'
  | 'domain-not-in-order'
  | 'no-common-name'
  | 'same-key'
  // Added by the PKI module: a CSR-shaped input with a damaged inner part; a signature algorithm
  // that cannot be checked; more than one CSR in one input.
  | 'malformed'
  | 'unsupported-signature'
  | 'multiple-csrs'
  // An AlgorithmIdentifier (key or signature) whose parameters are not what its RFC requires.
  | 'non-canonical-algorithm'
  // The product does not take a key pair made this way (e.g. a card-only product and a plain CSR).
  | 'key-source-not-allowed'
  // A card key's evidence: missing or malformed, or not consistent with the CSR's key (its key id
  // is not SHA-1 of the key, its key hash is another key's, the card key was recorded for another
  // key), or no card present nor manifest line holds the key.
  | 'card-evidence-missing'
  | 'card-evidence-invalid'
  | 'card-evidence-key-id'
  | 'card-evidence-other-key'
  | 'card-evidence-reused'
  | 'card-key-not-found'
  // A key with a known weakness (see src/pki/weak-key.ts), one code per weakness.
  | WeakKeyCode;

/** The weak-key rules' problems (src/pki/weak-key.ts): the CSR check and the CA refuse these keys. */
export type WeakKeyCode =
  | 'rsa-exponent-one'
  | 'rsa-exponent-even'
  | 'rsa-exponent-small'
  | 'rsa-exponent-large'
  | 'rsa-modulus-even'
  | 'rsa-small-factor'
  | 'rsa-prime-power'
  | 'rsa-close-primes'
  | 'rsa-roca'
  | 'ec-point-infinity'
  | 'ec-point-out-of-range'
  | 'ec-point-not-on-curve'
  | 'ec-point-malformed';

export interface CsrSummary {
  subject: string;
  commonName: string | null;
  sans: string[];
  keyType: 'RSA' | 'EC' | string;
  /** Modulus bits for RSA, curve size for EC. */
  keySize: number;
  curve: string | null;
  signatureAlgorithm: string;
}

export interface CsrReport {
  ok: boolean;
  problems: CsrProblem[];
  summary: CsrSummary | null;
}
