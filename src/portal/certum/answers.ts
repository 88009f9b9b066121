// Certum's answers, checked before use: every field the portal relies on is present and of its
// type, dates are dates, certificates parse. The soap library has already turned the XML into
// objects (ints to numbers, dateTimes to Dates); anything else is a malformed answer — a portal
// error naming the operation and the field, never a crash further on.
import { X509Certificate } from 'node:crypto';
import { portalError, type ReissueError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';

export const ORDER_STATES = ['AWAITING', 'VERIFICATION', 'ACCEPTED', 'REJECTED', 'ENROLLED'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const CERTIFICATE_STATUSES = ['VALID', 'REVOKING', 'REVOKED'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export interface CertumError {
  errorCode: number;
  value: string | null;
}

export interface ResponseHeader {
  successCode: number;
  errors: CertumError[];
  currentPage: number | null;
  pagesCount: number | null;
}

export interface CertificateDetails {
  status: CertificateStatus;
  commonName: string;
  /** Lower-case hex, no separators. */
  serialNumber: string;
  /** The serial as Certum wrote it, sent back as is. */
  certumSerial: string;
  revokedDate: string | null;
  /** The certificate itself, parsed. */
  certificate: X509Certificate;
  der: Uint8Array;
}

export interface OrderStatusPart {
  orderId: string;
  customer: string;
  orderDate: string;
  state: OrderState;
  productCode: string;
  serialNumber: string | null;
}

export interface RequestorPart {
  email: string;
  firstName: string;
  lastName: string;
}

export interface CertumOrder {
  /** The order is itself a reissue (the `reissue` attribute). */
  reissue: boolean;
  status: OrderStatusPart | null;
  certificate: CertificateDetails | null;
  requestor: RequestorPart | null;
}

export interface CertumProduct {
  code: string;
  type: string;
  validityMonths: number | null;
  hashAlgorithms: string[];
}

export interface OrderStateAnswer {
  state: OrderState;
  lastUpdate: string;
}

/** The error for an answer that is not what the WSDL promises. */
export function malformedAnswer(operation: string, field: string): ReissueError {
  return portalError('certum-bad-answer', t('certum.badAnswer', { operation, field }), t('certum.badAnswerHint'), { operation, field });
}

type Obj = Record<string, unknown>;

class Reader {
  constructor(
    readonly operation: string,
    readonly path: string,
    readonly value: Obj,
  ) {}
  static of(operation: string, value: unknown, path = ''): Reader {
    if (!isObj(value)) throw malformedAnswer(operation, path || '(body)');
    return new Reader(operation, path, value);
  }
  private name(field: string): string {
    return this.path ? `${this.path}/${field}` : field;
  }
  has(field: string): boolean {
    const v = this.value[field];
    return v !== undefined && v !== null;
  }
  child(field: string): Reader {
    return Reader.of(this.operation, this.value[field], this.name(field));
  }
  optChild(field: string): Reader | null {
    return this.has(field) ? this.child(field) : null;
  }
  /** A repeated element: the library gives one object, or an array for several. */
  list(field: string): Reader[] {
    const v = this.value[field];
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]).map((x, i) => Reader.of(this.operation, x, `${this.name(field)}[${i}]`));
  }
  string(field: string): string {
    const v = this.value[field];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw malformedAnswer(this.operation, this.name(field));
  }
  optString(field: string): string | null {
    return this.has(field) && this.value[field] !== '' ? this.string(field) : null;
  }
  strings(field: string): string[] {
    const v = this.value[field];
    if (v === undefined || v === null) return [];
    const all = Array.isArray(v) ? v : [v];
    return all.map((x, i) => {
      if (typeof x !== 'string' || !x.trim()) throw malformedAnswer(this.operation, `${this.name(field)}[${i}]`);
      return x.trim();
    });
  }
  int(field: string): number {
    const v = this.value[field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw malformedAnswer(this.operation, this.name(field));
    return n;
  }
  optInt(field: string): number | null {
    return this.has(field) ? this.int(field) : null;
  }
  date(field: string): string {
    const v = this.value[field];
    const d = v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(v) : null;
    if (!d || Number.isNaN(d.getTime())) throw malformedAnswer(this.operation, this.name(field));
    return d.toISOString();
  }
  optDate(field: string): string | null {
    return this.has(field) && this.value[field] !== '' ? this.date(field) : null;
  }
  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const v = this.string(field);
    if (!(values as readonly string[]).includes(v)) throw malformedAnswer(this.operation, this.name(field));
    return v as T;
  }
  /** An XML attribute (the library puts them under "attributes"). */
  attribute(name: string): string | null {
    const attrs = this.value.attributes;
    if (!isObj(attrs)) return null;
    const v = attrs[name];
    return typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : null;
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Every answer's responseHeader: successCode 0 is success; otherwise its errors say why. */
export function responseHeader(operation: string, body: unknown): ResponseHeader {
  const h = Reader.of(operation, body).child('responseHeader');
  const errors = h.optChild('errors')?.list('Error') ?? [];
  return {
    successCode: h.int('successCode'),
    errors: errors.map((e) => ({ errorCode: e.int('errorCode'), value: e.optString('value') })),
    currentPage: h.optInt('currentPage'),
    pagesCount: h.optInt('pagesCount'),
  };
}

/** Orders of getOrderByOrderID, getOrdersByDateRange, getModifiedOrders. */
export function ordersOf(operation: string, body: unknown): CertumOrder[] {
  const orders = Reader.of(operation, body).optChild('orders');
  return (orders?.list('Order') ?? []).map((o) => orderOf(o));
}

function orderOf(o: Reader): CertumOrder {
  const s = o.optChild('orderStatus');
  const c = o.optChild('certificateDetails');
  const r = o.optChild('orderDetails')?.optChild('requestorInfo') ?? null;
  return {
    reissue: o.attribute('reissue') === 'true',
    status: s
      ? {
          orderId: s.string('orderID'),
          customer: s.string('customer'),
          orderDate: s.date('orderDate'),
          state: s.oneOf('orderStatus', ORDER_STATES),
          productCode: s.string('productCode'),
          serialNumber: s.optString('serialNumber'),
        }
      : null,
    certificate: c ? certificateDetailsOf(c) : null,
    requestor: r ? { email: r.string('email'), firstName: r.string('firstName'), lastName: r.string('lastName') } : null,
  };
}

/** certificateDetails: its fields, and the certificate parsed and matching them. */
export function certificateDetailsOf(c: Reader): CertificateDetails {
  const certumSerial = c.string('serialNumber');
  const serialNumber = hexSerial(certumSerial);
  if (!serialNumber) throw malformedAnswer(c.operation, `${c.path}/serialNumber`);
  const { certificate, der } = parseCertificate(c.operation, `${c.path}/X509Cert`, c.string('X509Cert'));
  // The fields Certum lists must be the certificate's own: a mismatch means a mixed-up answer.
  if (hexSerial(certificate.serialNumber) !== serialNumber) throw malformedAnswer(c.operation, `${c.path}/serialNumber`);
  c.date('startDate');
  c.date('endDate');
  return {
    status: c.oneOf('certificateStatus', CERTIFICATE_STATUSES),
    commonName: c.string('commonName'),
    serialNumber,
    certumSerial,
    revokedDate: c.optDate('revokedDate'),
    certificate,
    der,
  };
}

/** getCertificate: the certificate details and the CA bundle (PEM). */
export function certificateAnswer(operation: string, body: unknown): { details: CertificateDetails; caBundle: string[] } {
  const r = Reader.of(operation, body);
  const details = certificateDetailsOf(r.child('certificateDetails'));
  const bundle = r.optChild('caBundle');
  const caBundle = (bundle?.strings('X509Cert') ?? []).map((pem, i) => {
    const { certificate } = parseCertificate(operation, `caBundle/X509Cert[${i}]`, pem);
    return certificate.toString();
  });
  return { details, caBundle };
}

export function productsOf(operation: string, body: unknown): CertumProduct[] {
  const products = Reader.of(operation, body).optChild('products');
  return (products?.list('product') ?? []).map((p) => ({
    code: p.string('code'),
    type: p.optString('type') ?? p.string('code'),
    validityMonths: p.optInt('validityPeriod'),
    hashAlgorithms: p.optChild('supportedHashAlgorithms')?.strings('hashAlgorithm') ?? [],
  }));
}

export function orderStateOf(operation: string, body: unknown): OrderStateAnswer {
  const r = Reader.of(operation, body);
  return { state: r.oneOf('orderStatus', ORDER_STATES), lastUpdate: r.date('lastUpdateDate') };
}

export function reissuedOrderId(operation: string, body: unknown): string {
  return Reader.of(operation, body).string('orderID');
}

/** A serial as hex, lower case, no separators or leading zeros beyond one byte; null if it is not hex. */
export function hexSerial(serial: string): string | null {
  const s = serial.trim().replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(s)) return null;
  const bare = s.replace(/^0+/, '') || '0';
  return bare.length % 2 ? `0${bare}` : bare;
}

/** A certificate as PEM (or bare base64 DER, as some services send it), parsed. */
export function parseCertificate(operation: string, field: string, text: string): { certificate: X509Certificate; der: Uint8Array } {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body)) throw malformedAnswer(operation, field);
  const der = new Uint8Array(Buffer.from(body, 'base64'));
  try {
    return { certificate: new X509Certificate(der), der };
  } catch {
    throw malformedAnswer(operation, field);
  }
}
