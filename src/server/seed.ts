// The demo data a fresh sandbox portal starts with: the reference manual's example order and one
// certificate for each situation a user meets (card-only product, a copy awaiting revocation,
// revoked, expired), plus a partner and a second customer so visibility can be seen. Every
// certificate is a real X.509 certificate signed by the sandbox CA and matches its record.
// Signing is async (WebCrypto), so it happens first (prepareDemoData); writing is one synchronous
// step inside the transaction that initialises the portal (insertDemoData).
import { softwareCrypto } from '../pki/software-crypto.js';
import { scheduledRevocationDate } from '../domain/policy.js';
import type { Organization, Product, RevocationReason, Role, Subscriber } from '../domain/types.js';
import type { SandboxCa } from './ca.js';
import { leafUsageFor, publicKeyHash, randomSerial, wholeSeconds } from './certificate-values.js';
import { newCertificateId } from './ids.js';
import type { NewCertificate } from './store/records.js';
import type { AsyncPortalStore as PortalStore } from './store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Names other parts (tests, docs) may rely on. */
export const DEMO = {
  customer: 'demo',
  partner: 'demo-partner',
  otherCustomer: 'acme',
  manualOrderId: 'ORDER/0000123456/po',
  codeSigningOrderId: 'ORDER/0000123457/po',
  cloudOrderId: 'ORDER/0000123461/po',
  reissuedOrderId: 'ORDER/0000123458/po',
  revokedOrderId: 'ORDER/0000123459/po',
  expiredOrderId: 'ORDER/0000098765/po',
  partnerOrderId: 'ORDER/0000123470/po',
  otherCustomerOrderId: 'ORDER/0000123480/po',
} as const;

export const PRODUCTS: { multiDomainSsl: Product; codeSigning: Product; ssl: Product; cloudCodeSigning: Product } = {
  multiDomainSsl: {
    name: 'Trusted MultiDomain SSL 4 domains 365 days',
    category: 'SSL (TLS)',
    keySources: ['csr'],
    algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
  },
  codeSigning: {
    name: 'Code Signing on a card 365 days',
    category: 'Code Signing',
    keySources: ['card'],
    algorithms: ['rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
  },
  ssl: {
    name: 'Trusted SSL 365 days',
    category: 'SSL (TLS)',
    keySources: ['csr', 'card'],
    algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
  },
  // The manual's "certificates stored in the cloud": the portal generates the key pair itself.
  cloudCodeSigning: {
    name: 'Code Signing in the cloud 365 days',
    category: 'Code Signing',
    keySources: ['cloud'],
    algorithms: ['rsa-3072', 'ec-p256'],
  },
};

const ASSECO: Organization = {
  name: 'Asseco Data Systems S.A.',
  verificationMethod: 'KRS 0000421310',
  country: 'Poland',
  stateOrProvince: 'pomorskie',
  locality: 'Gdańsk',
};
const PAULA: Subscriber = {
  name: 'Paula',
  lastName: 'Chlebicka',
  email: 'paula.chlebicka@assecodata.pl',
  verificationMethod: 'Automatic identity verification',
};

interface DemoOrder {
  account: string;
  orderId: string;
  product: Product;
  commonName: string;
  domains: string[];
  subscriber: Subscriber;
  organization: Organization | null;
  authorizationMethod: string;
}

interface DemoCopy {
  order: DemoOrder;
  notBefore: Date;
  notAfter: Date;
  revoked?: { at: Date; reason: RevocationReason };
}

/** Everything the seed writes: accounts, then products, then certificates (in that order). */
export interface DemoData {
  accounts: { name: string; role: Role; partner: string | null }[];
  products: Product[];
  certificates: (Omit<NewCertificate, 'accountId' | 'productId'> & { account: string; product: Product })[];
}

export async function prepareDemoData(ca: SandboxCa, clockNow: Date): Promise<DemoData> {
  const now = wholeSeconds(clockNow);
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const plusYear = (d: Date) => new Date(d.getTime() + 365 * DAY_MS);

  const asseco = (orderId: string, product: Product, commonName: string, domains: string[]): DemoOrder => ({
    account: DEMO.customer,
    orderId,
    product,
    commonName,
    domains,
    subscriber: PAULA,
    organization: ASSECO,
    authorizationMethod: 'KRS 0000421310',
  });

  const manual = asseco(DEMO.manualOrderId, PRODUCTS.multiDomainSsl, 'assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
  const codeSigning = asseco(DEMO.codeSigningOrderId, PRODUCTS.codeSigning, 'Asseco Data Systems S.A.', []);
  const cloud = asseco(DEMO.cloudOrderId, PRODUCTS.cloudCodeSigning, 'Asseco Data Systems S.A. (cloud)', []);
  const reissued = asseco(DEMO.reissuedOrderId, PRODUCTS.ssl, 'sklep.assecodata.pl', ['sklep.assecodata.pl']);
  const revoked = asseco(DEMO.revokedOrderId, PRODUCTS.ssl, 'poczta.assecodata.pl', ['poczta.assecodata.pl']);
  const expired = asseco(DEMO.expiredOrderId, PRODUCTS.multiDomainSsl, 'stary.assecodata.pl', ['stary.assecodata.pl', 'www.stary.assecodata.pl']);
  const partnerOwn: DemoOrder = {
    account: DEMO.partner,
    orderId: DEMO.partnerOrderId,
    product: PRODUCTS.ssl,
    commonName: 'partner-demo.pl',
    domains: ['partner-demo.pl', 'www.partner-demo.pl'],
    subscriber: { name: 'Jan', lastName: 'Kowalski', email: 'jan.kowalski@partner-demo.pl', verificationMethod: 'Automatic identity verification' },
    organization: { name: 'Demo Partner Sp. z o.o.', verificationMethod: 'KRS 0000000001', country: 'Poland', stateOrProvince: 'mazowieckie', locality: 'Warszawa' },
    authorizationMethod: 'KRS 0000000001',
  };
  const other: DemoOrder = {
    account: DEMO.otherCustomer,
    orderId: DEMO.otherCustomerOrderId,
    product: PRODUCTS.ssl,
    commonName: 'acme.example',
    domains: ['acme.example', 'www.acme.example'],
    subscriber: { name: 'Ada', lastName: 'Nowak', email: 'ada.nowak@acme.example', verificationMethod: 'E-mail verification' },
    organization: null,
    authorizationMethod: 'E-mail to the domain administrator',
  };

  const reissuedOldStart = ago(120);
  const copies: DemoCopy[] = [
    // Newest first in lists, so the manual's example opens the demo.
    { order: manual, notBefore: ago(2), notAfter: plusYear(ago(2)) },
    { order: codeSigning, notBefore: ago(20), notAfter: plusYear(ago(20)) },
    { order: cloud, notBefore: ago(30), notAfter: plusYear(ago(30)) },
    { order: reissued, notBefore: reissuedOldStart, notAfter: plusYear(reissuedOldStart) },
    { order: reissued, notBefore: ago(3), notAfter: plusYear(reissuedOldStart) },
    { order: revoked, notBefore: ago(200), notAfter: plusYear(ago(200)), revoked: { at: ago(25), reason: 'keyCompromise' } },
    { order: expired, notBefore: ago(400), notAfter: plusYear(ago(400)) },
    { order: partnerOwn, notBefore: ago(60), notAfter: plusYear(ago(60)) },
    { order: other, notBefore: ago(10), notAfter: plusYear(ago(10)) },
  ];

  const certificates = await Promise.all(copies.map((c) => issueDemoCopy(ca, c)));
  // The reissued order: the old copy (index 3) was replaced by the new one (index 4) three days
  // ago, so its automatic revocation is 11 days away.
  const [oldCopy, newCopy] = [certificates[3]!, certificates[4]!];
  oldCopy.replacedBy = newCopy.id;
  oldCopy.revocationDate = scheduledRevocationDate(new Date(newCopy.issuedAt)).toISOString();
  oldCopy.revocationReason = 'superseded';
  newCopy.replaces = oldCopy.id;

  return {
    accounts: [
      { name: DEMO.partner, role: 'partner', partner: null },
      { name: DEMO.customer, role: 'customer', partner: DEMO.partner },
      { name: DEMO.otherCustomer, role: 'customer', partner: null },
    ],
    products: Object.values(PRODUCTS),
    certificates,
  };
}

/** The demo accounts' names: a sandbox holding only these can be reset without --force. */
export const DEMO_ACCOUNTS: readonly string[] = [DEMO.partner, DEMO.customer, DEMO.otherCustomer];

/** Writes the prepared data (reusing demo accounts that already exist); call inside a transaction. */
export async function insertDemoData(store: PortalStore, data: DemoData, createdAt: Date): Promise<void> {
  const accountIds = new Map<string, number>();
  for (const a of data.accounts) {
    const partnerId = a.partner ? accountIds.get(a.partner) ?? null : null;
    accountIds.set(a.name, (await store.account(a.name))?.id ?? (await store.insertAccount(a.name, a.role, partnerId, createdAt.toISOString())));
  }
  const productIds = new Map<string, number>();
  for (const p of data.products) productIds.set(p.name, await store.ensureProduct(p));
  // Successors first would break the foreign key on replaces; insert in issue order, link after.
  const sorted = [...data.certificates].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  for (const { account, product, ...c } of sorted) {
    await store.insertCertificate({ ...c, replacedBy: null, accountId: accountIds.get(account)!, productId: productIds.get(product.name)! });
  }
  for (const c of sorted) {
    if (c.replacedBy) await store.markReplaced(c.id, c.replacedBy, c.revocationDate!);
  }
}

async function issueDemoCopy(ca: SandboxCa, copy: DemoCopy): Promise<DemoData['certificates'][number]> {
  const { order } = copy;
  // Demo keys are thrown away: nobody needs them, a reissue brings a new key pair anyway.
  const keys = (await softwareCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await softwareCrypto.subtle.exportKey('spki', keys.publicKey));
  const serial = randomSerial();
  const notBefore = wholeSeconds(copy.notBefore);
  const notAfter = wholeSeconds(copy.notAfter);
  const cert = await ca.issue({
    serialNumber: serial,
    commonName: order.commonName,
    domains: order.domains,
    organization: order.organization,
    notBefore,
    notAfter,
    publicKeySpki: spki,
    usage: leafUsageFor(order.product.category),
  });
  return {
    id: newCertificateId(),
    serial,
    orderId: order.orderId,
    account: order.account,
    product: order.product,
    commonName: order.commonName,
    domains: order.domains,
    subscriber: order.subscriber,
    organization: order.organization,
    authorizationMethod: order.authorizationMethod,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    der: new Uint8Array(cert.rawData),
    publicKeySha256: publicKeyHash(spki),
    replaces: null,
    replacedBy: null,
    revocationDate: copy.revoked ? wholeSeconds(copy.revoked.at).toISOString() : null,
    revoked: Boolean(copy.revoked),
    revocationReason: copy.revoked?.reason ?? null,
    issuedAt: notBefore.toISOString(),
  };
}
