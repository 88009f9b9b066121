// The double's starting data, modelled on the reference manual's example (order
// ORDER/0000123456/po, "Trusted MultiDomain SSL 4 domains 365 days", Asseco Data Systems S.A.,
// Gdańsk, assecodata.pl + www.assecodata.pl, serial 6a5d7ffef2f6c2ac3b0b4a43c2cb773), plus one
// order for each situation a client must handle. Dates are relative to the double's clock so the
// certificates are valid whenever the tests run.
import { seedSpki, type LeafSubject } from './test-ca.js';
import { DAY_MS, REVOCATION_DELAY_MS, type CertumState, type Order, type OrderStatus, type PartnerUser, type Product } from './state.js';

export const DEFAULT_USERS: PartnerUser[] = [
  // Characters XML must escape, so a client that does not escape them fails to log in.
  { userName: 'partner1', password: `S3cret&<partner1>"'` },
  { userName: 'partner2', password: 'other-partner-password' },
];

export const PRODUCTS: Product[] = [
  { code: 931, type: 'Trusted MultiDomain SSL 4 domains 365 days', validityPeriod: 365, hashAlgorithms: ['RSA-SHA256', 'ECC-SHA256'], reissueAvailable: true, usage: 'tls' },
  { code: 932, type: 'Trusted SSL ECC 365 days', validityPeriod: 365, hashAlgorithms: ['ECC-SHA256'], reissueAvailable: true, usage: 'tls' },
  { code: 933, type: 'Code Signing in the cloud (SimplySign) 365 days', validityPeriod: 365, hashAlgorithms: ['RSA-SHA256'], reissueAvailable: false, usage: 'code-signing' },
];

const ASSECO: LeafSubject = { commonName: 'assecodata.pl', organization: 'Asseco Data Systems S.A.', locality: 'Gdańsk', state: 'pomorskie', country: 'PL' };
const REQUESTOR = { email: 'jan.kowalski@assecodata.pl', firstName: 'Jan', lastName: 'Kowalski', phone: '+48 58 000 00 00' };
const ORGANIZATION = { organizationName: 'Asseco Data Systems S.A.', taxIdentificationNumber: 'KRS 0000421310' };

export interface SeededOrder {
  orderID: string;
  commonName: string;
  domains: string[];
  productCode: number;
  /** The certificate issued for the order, when it has one. */
  serialNumber?: string;
}

/** The seeded orders by the situation each stands for. */
export interface SeededOrders {
  /** The reference manual's example: ENROLLED, valid, RSA 2048, product 931 (RSA and ECC). */
  manual: SeededOrder;
  /** ENROLLED, valid, product 932 (ECC only): an RSA CSR is refused (errorCode 1001). */
  eccOnly: SeededOrder;
  /** A new order: AWAITING → VERIFICATION → ENROLLED, one step per getOrderState. */
  inProgress: SeededOrder;
  /** A new order: AWAITING → VERIFICATION → REJECTED, one step per getOrderState. */
  rejected: SeededOrder;
  /** Reissued 5 days ago: the old copy is REVOKING (revocation in 9 days), `newCopy` holds the new one. */
  reissued: SeededOrder & { serialNumber: string };
  newCopy: SeededOrder & { serialNumber: string };
  /** Revoked by the partner (KEYCOMPROMISE). */
  revoked: SeededOrder & { serialNumber: string };
  /** Expired 10 days ago. */
  expired: SeededOrder & { serialNumber: string };
  /** A SimplySign code-signing certificate: reissue unavailable through the API (errorCode 2122). */
  simplySign: SeededOrder & { serialNumber: string };
  /** Belongs to partner2: partner1 never sees it. */
  otherPartner: SeededOrder & { serialNumber: string };
}

interface SeedSpec {
  orderID: string;
  owner?: string;
  productCode: number;
  subject: LeafSubject;
  domains: string[];
  orderedDaysAgo: number;
  plan: OrderStatus[];
  key: 'rsa-2048' | 'ec-p256';
  serialNumber?: string;
  /** Issued this many days ago (ENROLLED orders). */
  issuedDaysAgo?: number;
  validDays?: number;
  reissue?: boolean;
}

export async function seed(state: CertumState): Promise<SeededOrders> {
  for (const p of PRODUCTS) state.products.set(p.code, p);
  const now = state.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY_MS);

  const add = async (spec: SeedSpec): Promise<SeededOrder & { serialNumber?: string }> => {
    const spki = await seedSpki(spec.key);
    const enrolled = spec.plan[spec.plan.length - 1] === 'ENROLLED' && spec.plan.length === 1;
    const order: Order = {
      orderID: spec.orderID,
      owner: spec.owner ?? 'partner1',
      customer: spec.owner === 'partner2' ? 'other-customer' : 'demo',
      productCode: spec.productCode,
      orderDate: ago(spec.orderedDaysAgo),
      modifiedAt: ago(spec.issuedDaysAgo ?? spec.orderedDaysAgo),
      plan: spec.plan,
      step: 0,
      advance: { mode: 'poll' },
      subject: spec.subject,
      domains: spec.domains,
      requestorInfo: REQUESTOR,
      organizationInfo: spec.subject.organization ? ORGANIZATION : undefined,
      reissue: spec.reissue ?? false,
    };
    state.orders.set(order.orderID, order);
    if (!enrolled) {
      // Issued when the order reaches ENROLLED, valid for the product's period from then.
      order.pending = { spki, notAfter: new Date(now + 365 * DAY_MS) };
      return { orderID: order.orderID, commonName: spec.subject.commonName, domains: spec.domains, productCode: spec.productCode };
    }
    const issued = ago(spec.issuedDaysAgo ?? spec.orderedDaysAgo);
    const product = state.products.get(spec.productCode)!;
    const leaf = await state.ca.issue({
      serialNumber: spec.serialNumber!,
      subject: spec.subject,
      domains: spec.domains,
      spki,
      notBefore: issued,
      notAfter: new Date(issued.getTime() + (spec.validDays ?? 365) * DAY_MS),
      usage: product.usage,
    });
    state.certificates.set(leaf.serialNumber, {
      serialNumber: leaf.serialNumber,
      orderID: order.orderID,
      pem: leaf.pem,
      subjectName: leaf.subjectName,
      commonName: spec.subject.commonName,
      dnsNames: spec.domains,
      startDate: leaf.notBefore,
      endDate: leaf.notAfter,
      status: 'VALID',
      spkiHex: Buffer.from(spki).toString('hex'),
    });
    order.serialNumber = leaf.serialNumber;
    return { orderID: order.orderID, commonName: spec.subject.commonName, domains: spec.domains, productCode: spec.productCode, serialNumber: leaf.serialNumber };
  };
  const done: OrderStatus[] = ['ENROLLED'];
  const sub = (cn: string): LeafSubject => ({ ...ASSECO, commonName: cn });

  const manual = await add({ orderID: 'ORDER/0000123456/po', productCode: 931, subject: ASSECO, domains: ['assecodata.pl', 'www.assecodata.pl'], orderedDaysAgo: 36, issuedDaysAgo: 35, plan: done, key: 'rsa-2048', serialNumber: '6a5d7ffef2f6c2ac3b0b4a43c2cb773' });
  const eccOnly = await add({ orderID: 'ORDER/0000123457/po', productCode: 932, subject: sub('shop.assecodata.pl'), domains: ['shop.assecodata.pl'], orderedDaysAgo: 60, issuedDaysAgo: 59, plan: done, key: 'ec-p256', serialNumber: '3f1c0d2b9a8e7f6051a2b3c4d5e6f701' });
  const reissuedOld = await add({ orderID: 'ORDER/0000123458/po', productCode: 931, subject: sub('mail.assecodata.pl'), domains: ['mail.assecodata.pl'], orderedDaysAgo: 200, issuedDaysAgo: 199, plan: done, key: 'ec-p256', serialNumber: '1a2b3c4d5e6f708192a3b4c5d6e7f801' });
  const newCopy = await add({ orderID: 'ORDER/0000123459/re', productCode: 931, subject: sub('mail.assecodata.pl'), domains: ['mail.assecodata.pl'], orderedDaysAgo: 5, issuedDaysAgo: 5, plan: done, key: 'ec-p256', serialNumber: '2b3c4d5e6f708192a3b4c5d6e7f80912', validDays: 171, reissue: true });
  const inProgress = await add({ orderID: 'ORDER/0000123460/po', productCode: 931, subject: sub('api.assecodata.pl'), domains: ['api.assecodata.pl'], orderedDaysAgo: 1, plan: ['AWAITING', 'VERIFICATION', 'ENROLLED'], key: 'ec-p256' });
  const rejected = await add({ orderID: 'ORDER/0000123461/po', productCode: 931, subject: sub('test.assecodata.pl'), domains: ['test.assecodata.pl'], orderedDaysAgo: 2, plan: ['AWAITING', 'VERIFICATION', 'REJECTED'], key: 'ec-p256' });
  const revoked = await add({ orderID: 'ORDER/0000123462/po', productCode: 931, subject: sub('old.assecodata.pl'), domains: ['old.assecodata.pl'], orderedDaysAgo: 100, issuedDaysAgo: 99, plan: done, key: 'ec-p256', serialNumber: '4d5e6f708192a3b4c5d6e7f809121314' });
  const expired = await add({ orderID: 'ORDER/0000123463/po', productCode: 931, subject: sub('legacy.assecodata.pl'), domains: ['legacy.assecodata.pl'], orderedDaysAgo: 376, issuedDaysAgo: 375, plan: done, key: 'ec-p256', serialNumber: '5e6f708192a3b4c5d6e7f80912131415' });
  const simplySign = await add({ orderID: 'ORDER/0000123464/po', productCode: 933, subject: { ...ASSECO, commonName: 'Asseco Data Systems S.A.' }, domains: [], orderedDaysAgo: 30, issuedDaysAgo: 29, plan: done, key: 'rsa-2048', serialNumber: '6f708192a3b4c5d6e7f8091213141516' });
  const otherPartner = await add({ orderID: 'ORDER/0000999001/po', owner: 'partner2', productCode: 931, subject: { commonName: 'other-partner.example', country: 'PL' }, domains: ['other-partner.example'], orderedDaysAgo: 10, issuedDaysAgo: 9, plan: done, key: 'ec-p256', serialNumber: '708192a3b4c5d6e7f809121314151617' });

  // The reissued pair: the new copy keeps the old one's expiry; the old one waits for its revocation.
  const oldCert = state.certificate(reissuedOld.serialNumber!)!;
  const newCert = state.certificate(newCopy.serialNumber!)!;
  oldCert.status = 'REVOKING';
  oldCert.revokedDate = new Date(newCert.startDate.getTime() + REVOCATION_DELAY_MS);
  oldCert.replacedBy = newCopy.orderID;
  if (newCert.endDate.getTime() !== oldCert.endDate.getTime()) throw new Error('seed: the reissued copy must keep the old expiry');
  state.orders.get(newCopy.orderID)!.replacesSerial = oldCert.serialNumber;
  const newOrder = state.orders.get(newCopy.orderID)!;
  newOrder.modifiedAt = newCert.startDate;

  const revokedCert = state.certificate(revoked.serialNumber!)!;
  revokedCert.status = 'REVOKED';
  revokedCert.revokedDate = ago(20);
  revokedCert.revocationReason = 'KEYCOMPROMISE';
  state.orders.get(revoked.orderID)!.modifiedAt = ago(20);

  const withSerial = <T extends SeededOrder>(o: T) => o as T & { serialNumber: string };
  return {
    manual,
    eccOnly,
    inProgress,
    rejected,
    reissued: withSerial(reissuedOld),
    newCopy: withSerial(newCopy),
    revoked: withSerial(revoked),
    expired: withSerial(expired),
    simplySign: withSerial(simplySign),
    otherPartner: withSerial(otherPartner),
  };
}
