// The Partner API operations as the double carries them out: each takes the request the soap
// library parsed (credentials already checked) and returns the answer's body, or throws a
// Refusal that becomes responseHeader/errors. Answers are built in the WSDL's element order.
import { readCsr } from './csr.js';
import { E, refuse } from './errors.js';
import { normalSerial, x509 } from './test-ca.js';
import { DAY_MS, type Certificate, type CertumState, type HashAlgorithm, type Order, type PartnerUser, type RevocationReason } from './state.js';

type Args = Record<string, unknown>;
type Answer = Record<string, unknown>;

const HEX = /^[0-9a-fA-F]+$/;
const REASONS: RevocationReason[] = ['UNSPECIFIED', 'KEYCOMPROMISE', 'AFFILIATIONCHANGED', 'CESSATIONOFOPERATION', 'PRIVILEGEWITHDRAWN'];
const HASHES: HashAlgorithm[] = ['RSA-SHA1', 'RSA-SHA256', 'ECC-SHA256'];

/** A value the soap library parsed (string, number, boolean, Date or a nil object) as text. */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return undefined;
  return String(v);
}

function flag(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

function object(v: unknown): Args | undefined {
  return v && typeof v === 'object' && !(v instanceof Date) ? (v as Args) : undefined;
}

function iso(d: Date): string {
  return d.toISOString();
}

export function responseHeader(state: CertumState, extra: { currentPage?: number; pagesCount?: number; returnCount?: number } = {}, successCode = 0, errors: { errorCode: number; value?: string }[] = []): Answer {
  return {
    ...(extra.currentPage !== undefined ? { currentPage: extra.currentPage } : {}),
    ...(errors.length ? { errors: { Error: errors.map((e) => ({ errorCode: e.errorCode, ...(e.value !== undefined ? { value: e.value } : {}) })) } } : {}),
    ...(extra.pagesCount !== undefined ? { pagesCount: extra.pagesCount } : {}),
    ...(extra.returnCount !== undefined ? { returnCount: extra.returnCount } : {}),
    successCode,
    timestamp: iso(state.now()),
  };
}

export class Operations {
  constructor(private readonly state: CertumState) {}

  private ownOrder(user: PartnerUser, orderID: string | undefined): Order {
    const order = orderID ? this.state.orders.get(orderID) : undefined;
    if (!order || order.owner !== user.userName) refuse(E.orderNotFound, orderID ?? '');
    return order;
  }

  private certificateDetails(cert: Certificate): Answer {
    return {
      certificateStatus: cert.status,
      commonName: cert.commonName,
      ...(cert.dnsNames.length ? { DNSNames: cert.dnsNames.join(',') } : {}),
      endDate: iso(cert.endDate),
      ...(cert.revokedDate ? { revokedDate: iso(cert.revokedDate) } : {}),
      serialNumber: cert.serialNumber,
      startDate: iso(cert.startDate),
      subjectName: cert.subjectName,
      X509Cert: cert.pem,
    };
  }

  private orderAnswer(order: Order, option: Args | undefined): Answer {
    // Without orderOption the double answers the status only (the SDK: "not all fields are
    // available ... their availability depends on the options selected").
    const want = option ? { cert: flag(option.certificateDetails), details: flag(option.orderDetails), status: flag(option.orderStatus) } : { cert: false, details: false, status: true };
    const cert = order.serialNumber ? this.state.certificate(order.serialNumber) : undefined;
    return {
      attributes: { reissue: order.reissue ? 'true' : 'false' },
      ...(want.cert && cert ? { certificateDetails: this.certificateDetails(cert) } : {}),
      ...(want.details
        ? {
            orderDetails: {
              ...(order.organizationInfo ? { organizationInfo: { ...order.organizationInfo } } : {}),
              requestorInfo: { ...order.requestorInfo },
            },
          }
        : {}),
      ...(want.status
        ? {
            orderStatus: {
              customer: order.customer,
              orderDate: iso(order.orderDate),
              orderID: order.orderID,
              orderStatus: this.state.status(order),
              productCode: String(order.productCode),
              ...(order.serialNumber ? { serialNumber: order.serialNumber } : {}),
            },
          }
        : {}),
    };
  }

  private page<T>(items: T[], pageArg: unknown): { items: T[]; header: Answer } {
    const raw = text(pageArg);
    const pageNumber = raw === undefined ? 1 : Number(raw);
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > 100) refuse(E.pageOutOfRange, raw);
    const size = this.state.behaviour.pageSize;
    const pagesCount = Math.ceil(items.length / size);
    if (pageNumber > Math.max(1, pagesCount)) refuse(E.pageNotFound, String(pageNumber));
    const slice = items.slice((pageNumber - 1) * size, pageNumber * size);
    return { items: slice, header: responseHeader(this.state, { currentPage: pageNumber, pagesCount, returnCount: slice.length }) };
  }

  private range(args: Args): { from: Date; to: Date } {
    const from = new Date(text(args.fromDate) ?? '');
    if (Number.isNaN(from.getTime())) refuse(E.fromDateInvalid, text(args.fromDate));
    const to = new Date(text(args.toDate) ?? '');
    if (Number.isNaN(to.getTime())) refuse(E.toDateInvalid, text(args.toDate));
    if (to.getTime() < from.getTime()) refuse(E.toBeforeFrom);
    return { from, to };
  }

  private listOrders(user: PartnerUser, args: Args, when: (o: Order) => Date): Answer {
    const { from, to } = this.range(args);
    const matching = [...this.state.orders.values()]
      .filter((o) => o.owner === user.userName)
      .filter((o) => when(o).getTime() >= from.getTime() && when(o).getTime() <= to.getTime())
      .sort((a, b) => when(a).getTime() - when(b).getTime() || a.orderID.localeCompare(b.orderID));
    const { items, header } = this.page(matching, args.pageNumber);
    const option = object(args.orderOption);
    return { responseHeader: header, ...(items.length ? { orders: { Order: items.map((o) => this.orderAnswer(o, option)) } } : {}) };
  }

  getOrderByOrderID(user: PartnerUser, args: Args): Answer {
    const order = this.ownOrder(user, text(args.orderID));
    return { responseHeader: responseHeader(this.state), orders: { Order: [this.orderAnswer(order, object(args.orderOption))] } };
  }

  getOrdersByDateRange(user: PartnerUser, args: Args): Answer {
    return this.listOrders(user, args, (o) => o.orderDate);
  }

  getModifiedOrders(user: PartnerUser, args: Args): Answer {
    return this.listOrders(user, args, (o) => o.modifiedAt);
  }

  getExpiringCertificates(user: PartnerUser, args: Args): Answer {
    const raw = text(args.validityDaysLeft);
    const days = Number(raw);
    if (raw === undefined || !Number.isInteger(days) || days < 0) refuse(E.validityDaysLeftInvalid, raw);
    const now = this.state.now().getTime();
    const expiring = [...this.state.certificates.values()]
      .filter((c) => this.state.orders.get(c.orderID)?.owner === user.userName)
      .filter((c) => c.status === 'VALID' && !c.replacedBy)
      .filter((c) => c.endDate.getTime() > now && c.endDate.getTime() <= now + days * DAY_MS)
      .sort((a, b) => a.endDate.getTime() - b.endDate.getTime());
    const { items, header } = this.page(expiring, args.pageNumber);
    return {
      responseHeader: header,
      ...(items.length
        ? {
            expiringCertificates: items.map((c) => ({
              orderID: c.orderID,
              serialNumber: c.serialNumber,
              expiringDate: iso(c.endDate),
              validityDaysLeft: Math.floor((c.endDate.getTime() - now) / DAY_MS),
            })),
          }
        : {}),
    };
  }

  getCertificate(user: PartnerUser, args: Args): Answer {
    const orderID = text(args.orderID);
    const serial = text(args.serialNumber);
    if (orderID && serial) refuse(E.getCertificateBothGiven);
    if (!orderID && !serial) refuse(E.getCertificateNothingGiven);
    let cert: Certificate | undefined;
    if (orderID) {
      const order = this.ownOrder(user, orderID);
      cert = order.serialNumber ? this.state.certificate(order.serialNumber) : undefined;
      if (!cert) refuse(E.certificateNotFound, orderID);
    } else {
      if (!HEX.test(serial!)) refuse(E.serialNotHex, serial);
      cert = this.state.certificate(serial!);
      if (!cert || this.state.orders.get(cert.orderID)?.owner !== user.userName) refuse(E.certificateNotFound, serial);
    }
    return { responseHeader: responseHeader(this.state), certificateDetails: this.certificateDetails(cert), caBundle: { X509Cert: [this.state.ca.pem] } };
  }

  /** Answers the current status, then (poll-driven orders) moves the order one step on. */
  async getOrderState(user: PartnerUser, args: Args): Promise<Answer> {
    const order = this.ownOrder(user, text(args.orderID));
    const status = this.state.status(order);
    const expire = iso(new Date(order.orderDate.getTime() + 30 * DAY_MS));
    const domain = status === 'AWAITING' ? 'REQUIRED' : 'VERIFIED';
    const organization = status === 'REJECTED' ? 'FAILED' : status === 'ENROLLED' || status === 'ACCEPTED' ? 'VERIFIED' : 'REQUIRED';
    const answer = {
      responseHeader: responseHeader(this.state),
      verifications: {
        verification: [
          { type: 'DOMAIN', state: domain, expireDate: expire },
          { type: 'ORGANIZATION', state: organization, expireDate: expire },
        ],
      },
      lastUpdateDate: iso(order.modifiedAt),
      orderStatus: status,
    };
    await this.state.polled(order);
    return answer;
  }

  async reissueCertificate(user: PartnerUser, args: Args): Promise<Answer> {
    const serialArg = text(args.serialNumber);
    const pem = text(args.X509Cert);
    if (serialArg && pem) refuse(E.certificateAmbiguous);
    if (!serialArg && !pem) refuse(E.serialMissing);
    let serial: string;
    if (pem) {
      try {
        serial = new x509.X509Certificate(pem).serialNumber;
      } catch {
        refuse(E.certificateFormat);
      }
    } else {
      if (!HEX.test(serialArg!)) refuse(E.serialNotHex, serialArg);
      serial = serialArg!;
    }
    const cert = this.state.certificate(serial);
    if (!cert) refuse(E.certificateNotFound, serial);
    const order = this.state.orders.get(cert.orderID)!;
    if (order.owner !== user.userName) refuse(E.otherAccount, serial);
    const replacement = this.state.replacement(cert);
    if (replacement) refuse(E.notNewestCopy, replacement.serialNumber ?? replacement.orderID);
    if (cert.status === 'REVOKED') refuse(E.notReissuable, 'revoked');
    if (cert.endDate.getTime() <= this.state.now().getTime()) refuse(E.notReissuable, 'expired');
    const product = this.state.products.get(order.productCode)!;
    if (!product.reissueAvailable) refuse(E.reissueSimplySign, String(product.code));
    if (object(args.SANEntries)) refuse(E.notReissuable, 'SANEntries: adding domains is not modelled by this double');

    const hash = text(args.hashAlgorithm) as HashAlgorithm | undefined;
    if (hash !== undefined && (!HASHES.includes(hash) || !product.hashAlgorithms.includes(hash))) refuse(E.hashAlgorithmUnsupported, hash);
    const reading = await readCsr(text(args.CSR) ?? '');
    if (!reading.ok) refuse(reading.problem === 'signature' ? E.csrSignature : E.csrInvalid);
    const csr = reading.csr;
    const family = csr.key.kind === 'RSA' ? 'RSA-' : csr.key.kind === 'EC' ? 'ECC-' : null;
    if (!family || !product.hashAlgorithms.some((h) => h.startsWith(family)) || (hash && !hash.startsWith(family))) refuse(E.keyAlgorithmUnsupported, csr.key.kind);
    if (csr.key.kind === 'RSA' && csr.key.bits < 2048) refuse(E.keyTooShort, String(csr.key.bits));
    if (csr.key.kind === 'RSA' && csr.key.bits > 4096) refuse(E.keyTooLong, String(csr.key.bits));
    if (csr.key.kind === 'EC' && csr.key.curve !== 'prime256v1' && csr.key.curve !== 'secp384r1') refuse(E.keyAlgorithmUnsupported, csr.key.curve);

    // The subject and names are the order's: the CSR may leave them out, never change them.
    if (!csr.commonName) refuse(E.csrNoCommonName);
    if (csr.commonName.toLowerCase() !== order.subject.commonName.toLowerCase()) refuse(E.cnMismatch, csr.commonName);
    const attributes: [string, string | null, string | undefined][] = [
      ['O', csr.organization, order.subject.organization],
      ['L', csr.locality, order.subject.locality],
      ['ST', csr.state, order.subject.state],
      ['C', csr.country, order.subject.country],
    ];
    for (const [name, inCsr, inOrder] of attributes) {
      if (inCsr !== null && inCsr !== (inOrder ?? null)) refuse(E.notReissuable, `${name}=${inCsr}`);
    }
    const domains = new Set(order.domains.map((d) => d.toLowerCase()));
    const foreign = csr.dnsNames.find((d) => !domains.has(d));
    if (foreign) refuse(E.notReissuable, `DNS:${foreign}`);
    // A reissue needs a new key pair: a key any certificate here already has is refused.
    if ([...this.state.certificates.values()].some((c) => c.spkiHex === csr.spkiHex)) refuse(E.publicKeyUsed);

    const now = this.state.now();
    const reissueOrder: Order = {
      orderID: this.state.nextReissueOrderID(),
      owner: order.owner,
      customer: order.customer,
      productCode: order.productCode,
      orderDate: now,
      modifiedAt: now,
      plan: [...(this.state.behaviour.planFor[order.orderID] ?? this.state.behaviour.reissuePlan)],
      step: 0,
      advance: this.state.behaviour.reissueAdvance,
      subject: order.subject,
      domains: order.domains,
      requestorInfo: order.requestorInfo,
      organizationInfo: order.organizationInfo,
      reissue: true,
      replacesSerial: cert.serialNumber,
      pending: { spki: csr.spki, notAfter: cert.endDate },
    };
    this.state.orders.set(reissueOrder.orderID, reissueOrder);
    cert.replacedBy = reissueOrder.orderID;
    this.state.touch(order.orderID);
    await this.state.enter(reissueOrder, 0);
    return { responseHeader: responseHeader(this.state), orderID: reissueOrder.orderID };
  }

  revokeCertificate(user: PartnerUser, args: Args): Answer {
    const params = object(args.revokeCertificateParameters);
    if (!params) refuse(E.revokeParametersMissing);
    const serial = text(params.serialNumber);
    if (!serial) refuse(E.revokeSerialMissing);
    if (serial.length > 64) refuse(E.revokeSerialTooLong);
    if (!HEX.test(serial)) refuse(E.revokeSerialNotHex, serial);
    const reasonText = text(params.revocationReason) ?? 'UNSPECIFIED';
    if (!REASONS.includes(reasonText as RevocationReason)) refuse(E.revokeReasonInvalid, reasonText);
    const reason = reasonText as RevocationReason;
    const note = text(params.note);
    if (note && note.length > 200) refuse(E.revokeNoteTooLong);
    if (text(params.keyCompromitationDate) && reason !== 'KEYCOMPROMISE') refuse(E.keyCompromiseDateWithoutReason);
    const cert = this.state.certificate(serial);
    if (!cert) refuse(E.revokeNoCertificate, serial);
    if (this.state.orders.get(cert.orderID)?.owner !== user.userName) refuse(E.otherAccount, serial);
    if (cert.status === 'REVOKED') refuse(E.revokeAlreadyRevoked, normalSerial(serial));
    if (cert.status === 'REVOKING') refuse(E.revokeDuringRevocation, normalSerial(serial));
    const now = this.state.now();
    if (cert.endDate.getTime() <= now.getTime()) refuse(E.revokeExpired, normalSerial(serial));
    cert.status = 'REVOKED';
    cert.revokedDate = now;
    cert.revocationReason = reason;
    this.state.touch(cert.orderID);
    return { responseHeader: responseHeader(this.state) };
  }

  getProductList(_user: PartnerUser, args: Args): Answer {
    const withHashes = flag(args.hashAlgorithm);
    return {
      responseHeader: responseHeader(this.state),
      products: {
        product: [...this.state.products.values()].map((p) => ({
          code: p.code,
          type: p.type,
          validityPeriod: p.validityPeriod,
          certificateNotificationEnabled: true,
          ...(withHashes ? { supportedHashAlgorithms: { hashAlgorithm: [...p.hashAlgorithms] } } : {}),
        })),
      },
    };
  }
}

export const OPERATIONS = [
  'getOrderByOrderID',
  'getOrdersByDateRange',
  'getModifiedOrders',
  'getExpiringCertificates',
  'getCertificate',
  'getOrderState',
  'reissueCertificate',
  'revokeCertificate',
  'getProductList',
] as const;
export type OperationName = (typeof OPERATIONS)[number];
