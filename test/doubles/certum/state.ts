// What the Certum double remembers: partner accounts, products, orders and certificates, one
// clock, and the rules that move them: an order's status walks its plan (per poll of
// getOrderState, or with time), a certificate is issued when its order reaches ENROLLED, and a
// reissued copy's predecessor goes REVOKING with its revocation 14 days later (Certum does that
// itself), then REVOKED once the clock passes that date.
import { normalSerial, randomSerial, type LeafSubject, type TestCa } from './test-ca.js';

export type OrderStatus = 'AWAITING' | 'VERIFICATION' | 'ACCEPTED' | 'REJECTED' | 'ENROLLED';
export type HashAlgorithm = 'RSA-SHA1' | 'RSA-SHA256' | 'ECC-SHA256';
export type CertificateStatus = 'VALID' | 'REVOKING' | 'REVOKED';
export type RevocationReason = 'UNSPECIFIED' | 'KEYCOMPROMISE' | 'AFFILIATIONCHANGED' | 'CESSATIONOFOPERATION' | 'PRIVILEGEWITHDRAWN';
/** How an order moves along its plan: one step per getOrderState call, or one step every N ms of the double's clock. */
export type Advance = { mode: 'poll' } | { mode: 'time'; everyMs: number };

export const DAY_MS = 86_400_000;
/** Certum revokes the replaced copy this long after the new one is issued. */
export const REVOCATION_DELAY_MS = 14 * DAY_MS;

export interface PartnerUser {
  userName: string;
  password: string;
}

export interface Product {
  code: number;
  /** Shown in Certum's `type` field; the double puts the product's name there. */
  type: string;
  validityPeriod: number;
  hashAlgorithms: HashAlgorithm[];
  /** SimplySign (cloud) products cannot be reissued through the API (errorCode 2122). */
  reissueAvailable: boolean;
  usage: 'tls' | 'code-signing';
}

export interface RequestorInfo {
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
}

export interface OrganizationInfo {
  organizationName?: string;
  taxIdentificationNumber: string;
}

export interface Order {
  orderID: string;
  /** The partner account (userName) that owns it; others get "order ID does not exist". */
  owner: string;
  customer: string;
  productCode: number;
  orderDate: Date;
  modifiedAt: Date;
  plan: OrderStatus[];
  step: number;
  advance: Advance;
  subject: LeafSubject;
  domains: string[];
  requestorInfo: RequestorInfo;
  organizationInfo?: OrganizationInfo;
  /** True for an order made by reissueCertificate. */
  reissue: boolean;
  /** For a reissue order: the serial of the copy it replaces. */
  replacesSerial?: string;
  /** The key and expiry the certificate will get when the order reaches ENROLLED. */
  pending?: { spki: Uint8Array; notAfter: Date };
  /** The certificate issued for this order, once ENROLLED. */
  serialNumber?: string;
}

export interface Certificate {
  serialNumber: string;
  orderID: string;
  pem: string;
  subjectName: string;
  commonName: string;
  dnsNames: string[];
  startDate: Date;
  endDate: Date;
  status: CertificateStatus;
  /** REVOKING: when Certum will revoke it; REVOKED: when it was. */
  revokedDate?: Date;
  revocationReason?: RevocationReason;
  spkiHex: string;
  /** The reissue order that replaces (or is about to replace) this copy. */
  replacedBy?: string;
}

export interface FaultBehaviour {
  /** Operations that answer with the fault; all when absent. */
  operations?: string[];
  faultcode?: string;
  faultstring?: string;
}

/**
 * Break answers on purpose (for a client's "malformed answer" tests): applied to the answer object
 * before the soap library writes it. `mutate` works in-process; `set` / `drop` (dotted paths such
 * as 'responseHeader.successCode' or 'orders.Order.0.orderStatus.orderDate') also over the
 * control URL of a spawned double.
 */
export interface CorruptBehaviour {
  /** Operations whose answers are broken; all when absent. */
  operations?: string[];
  mutate?: (answer: Record<string, unknown>) => Record<string, unknown>;
  set?: Record<string, unknown>;
  drop?: string[];
}

export interface Behaviour {
  /** Answers broken on purpose; off when null. */
  corrupt: CorruptBehaviour | null;
  /** Answer with a SOAP fault (HTTP 500) instead of doing the operation. */
  fault: FaultBehaviour | null;
  /** Wait this long before answering an operation (WSDL downloads are not delayed). */
  delayMs: number;
  /** The plan a new reissue order follows, unless `planFor` names its original order. */
  reissuePlan: OrderStatus[];
  /** Per original order ID (the order whose certificate is reissued): the reissue order's plan. */
  planFor: Record<string, OrderStatus[]>;
  reissueAdvance: Advance;
  /** Orders per page in getOrdersByDateRange / getModifiedOrders / getExpiringCertificates. */
  pageSize: number;
  /**
   * Check every request against the WSDL's schema with xmllint first and answer a SOAP fault
   * (soap:Client, xmllint's words) when it does not validate: stricter than Certum is known to be,
   * so a client's schema-invalid request fails every test that sends it.
   */
  schemaCheck: boolean;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  corrupt: null,
  fault: null,
  delayMs: 0,
  reissuePlan: ['AWAITING', 'VERIFICATION', 'ENROLLED'],
  planFor: {},
  reissueAdvance: { mode: 'poll' },
  pageSize: 5,
  schemaCheck: true,
};

export class CertumState {
  readonly orders = new Map<string, Order>();
  readonly certificates = new Map<string, Certificate>();
  readonly products = new Map<number, Product>();
  behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR, planFor: {} };
  private clockOffsetMs: number;
  private reissueCounter = 0;

  constructor(
    readonly ca: TestCa,
    readonly users: PartnerUser[],
    startAt?: Date,
  ) {
    this.clockOffsetMs = startAt ? startAt.getTime() - Date.now() : 0;
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  user(userName: string | undefined, password: string | undefined): PartnerUser | null {
    return this.users.find((u) => u.userName === userName && u.password === password) ?? null;
  }

  certificate(serial: string): Certificate | undefined {
    return this.certificates.get(normalSerial(serial));
  }

  status(order: Order): OrderStatus {
    return order.plan[order.step]!;
  }

  /** Time-driven orders to the step their age gives; due revocations carried out. Run before every answer. */
  async settle(): Promise<void> {
    const now = this.now();
    for (const order of this.orders.values()) {
      if (order.advance.mode !== 'time') continue;
      const due = Math.min(order.plan.length - 1, Math.floor((now.getTime() - order.orderDate.getTime()) / order.advance.everyMs));
      while (order.step < due) await this.enter(order, order.step + 1);
    }
    for (const cert of this.certificates.values()) {
      if (cert.status === 'REVOKING' && cert.revokedDate && cert.revokedDate.getTime() <= now.getTime()) {
        cert.status = 'REVOKED';
        cert.revocationReason = 'UNSPECIFIED';
        this.touch(cert.orderID);
      }
    }
  }

  /** One getOrderState poll of a poll-driven order: the caller answered with the current status; move on. */
  async polled(order: Order): Promise<void> {
    if (order.advance.mode === 'poll' && order.step < order.plan.length - 1) await this.enter(order, order.step + 1);
  }

  /** Puts `order` at `step` and does what reaching that status means. */
  async enter(order: Order, step: number): Promise<void> {
    order.step = step;
    order.modifiedAt = this.now();
    const status = this.status(order);
    if (status === 'ENROLLED' && !order.serialNumber && order.pending) await this.issueFor(order);
    if (status === 'REJECTED' && order.replacesSerial) {
      // A rejected reissue leaves the old copy as it was: it can be reissued again.
      const old = this.certificate(order.replacesSerial);
      if (old?.replacedBy === order.orderID) delete old.replacedBy;
    }
  }

  private async issueFor(order: Order): Promise<void> {
    const pending = order.pending!;
    const product = this.products.get(order.productCode)!;
    const now = this.now();
    const leaf = await this.ca.issue({
      serialNumber: randomSerial(),
      subject: order.subject,
      domains: order.domains,
      spki: pending.spki,
      notBefore: now,
      notAfter: pending.notAfter,
      usage: product.usage,
    });
    this.certificates.set(leaf.serialNumber, {
      serialNumber: leaf.serialNumber,
      orderID: order.orderID,
      pem: leaf.pem,
      subjectName: leaf.subjectName,
      commonName: order.subject.commonName,
      dnsNames: order.domains,
      startDate: leaf.notBefore,
      endDate: leaf.notAfter,
      status: 'VALID',
      spkiHex: Buffer.from(pending.spki).toString('hex'),
    });
    order.serialNumber = leaf.serialNumber;
    delete order.pending;
    if (order.replacesSerial) {
      const old = this.certificate(order.replacesSerial)!;
      old.status = 'REVOKING';
      old.revokedDate = new Date(leaf.notBefore.getTime() + REVOCATION_DELAY_MS);
      this.touch(old.orderID);
    }
  }

  touch(orderID: string): void {
    const order = this.orders.get(orderID);
    if (order) order.modifiedAt = this.now();
  }

  /** A new order ID for a reissue, in the style of the reference manual's order numbers. */
  nextReissueOrderID(): string {
    this.reissueCounter += 1;
    return `ORDER/${String(7_000_000_000 + this.reissueCounter).padStart(10, '0')}/re`;
  }

  /** Whether the certificate is the newest copy of its line (not replaced, no reissue under way). */
  replacement(cert: Certificate): Order | undefined {
    return cert.replacedBy ? this.orders.get(cert.replacedBy) : undefined;
  }
}
