// The Certum Partner API as a portal kind. Certum keeps the orders and certificates; this portal
// reads them (orders by date range and modified orders, paged), details by order id, products
// and their algorithms, and asks for a reissue with a CSR checked here first. Certum validates
// before it issues, so a reissue answers pending; resumeReissue() asks for the order's state until
// ENROLLED and then fetches the new copy. Certum revokes the replaced copy itself, 14 days later:
// this portal shows it pending revocation from the day the new copy was enrolled.
import { createHash, X509Certificate } from 'node:crypto';
import { evidenceRefusal } from '../../card/evidence.js';
import type { Clock } from '../../domain/clock.js';
import { inputError, portalError, usageError, type ReissueError } from '../../domain/errors.js';
import { cardEvidenceOf, daysLeft, productRefusal, reissueRefusal, scheduledRevocationDate } from '../../domain/policy.js';
import type { Algorithm, CardEvidence, Certificate, CsrReport, CsrProblemCode, KeySource, PendingRevocation, ReissueOutcome, ReissueRequest, RevocationReason } from '../../domain/types.js';
import { t } from '../../i18n/i18n.js';
import { encodePem } from '../../pki/pem.js';
import { capabilityMissing } from '../capability.js';
import { MAX_OFFSET, type CertificatePage, type CountQuery, type DownloadFormat, type KindInfo, type ListQuery, type PortalCore } from '../portal.js';
import { certificateAnswer, hexSerial, orderStateOf, ordersOf, productsOf, reissuedOrderId, type CertumOrder, type CertumProduct, type OrderState } from './answers.js';
import type { Ledger, NewRequest, ReissueEntry } from './ledger.js';
import type { CallPartnerApi } from './service.js';

export interface CertumPortalOptions {
  call: CallPartnerApi;
  ledger: Ledger;
  clock: Clock;
  /** "Certum Partner API (test service, https://…)" */
  name: string;
  userName: string;
  /** How long to wait before asking again about an order Certum has not enrolled yet. */
  pollMs: number;
  /** How far back the list reads the partner's orders. */
  historyDays: number;
}

/** Every part of an order: its status, the requestor, the certificate. */
const ALL_PARTS = { certificateDetails: true, orderDetails: true, orderStatus: true };
/** Certum's pages are numbered 1..100 (errorCode 1153 past that). */
const MAX_PAGES = 100;
/** How often a process waiting for another's reissueCertificate looks at the ledger again. */
const CLAIM_WAIT_MS = 100;
const REVOCATION_REASONS: Partial<Record<RevocationReason, string>> = {
  unspecified: 'UNSPECIFIED',
  keyCompromise: 'KEYCOMPROMISE',
  affiliationChanged: 'AFFILIATIONCHANGED',
  cessationOfOperation: 'CESSATIONOFOPERATION',
  privilegeWithdrawn: 'PRIVILEGEWITHDRAWN',
};

interface Copy {
  certificate: Certificate;
  /** Certum marks an order made by reissueCertificate (the order's `reissue` attribute). */
  reissue: boolean;
  der: Uint8Array;
  certumSerial: string;
  spki: Uint8Array;
}

export class CertumPortal implements PortalCore {
  readonly kind = 'certum';
  readonly capabilities = [] as const;
  private products: Promise<Map<string, CertumProduct>> | undefined;
  private orders: Promise<Map<string, Copy>> | undefined;

  constructor(private readonly o: CertumPortalOptions) {}

  async info(): Promise<KindInfo> {
    return { name: this.o.name, sandbox: false, now: this.o.clock.now().toISOString(), kind: this.kind, capabilities: [] };
  }

  /** One call that needs the credentials (the product list, which the other calls need anyway): refused as certum-auth. */
  async signIn(): Promise<void> {
    await this.productMap();
  }

  async list(query: ListQuery = {}): Promise<CertificatePage> {
    const offset = Math.min(Math.max(query.offset ?? 0, 0), MAX_OFFSET);
    const limit = query.limit ?? 50;
    const all = await this.matching(query.text);
    return { items: all.slice(offset, offset + limit), total: all.length };
  }

  async count(query: CountQuery = {}): Promise<number> {
    return (await this.matching(query.text)).length;
  }

  async get(id: string): Promise<Certificate> {
    return (await this.copy(id)).certificate;
  }

  async download(id: string, format: DownloadFormat, chain?: boolean): Promise<Uint8Array> {
    const copy = await this.copy(id);
    if (format === 'der') return copy.der;
    let pem = encodePem('CERTIFICATE', copy.der);
    if (chain) {
      const { body } = await this.o.call('getCertificate', { serialNumber: copy.certumSerial }, copy.certificate.id);
      pem += certificateAnswer('getCertificate', body).caBundle.join('');
    }
    return new Uint8Array(Buffer.from(pem, 'utf8'));
  }

  async checkCsr(id: string, csr: Uint8Array, keySource: KeySource = 'csr', card?: CardEvidence): Promise<CsrReport> {
    const copy = await this.copy(id);
    const { report, spki } = await this.inspect(copy, csr);
    const refusal = productRefusal(copy.certificate, { keySource });
    if (refusal) return withProblem(report, refusal);
    if (keySource !== 'card' || !spki) return report;
    const evidence = this.evidenceRefusal({ keySource, card }, spki);
    return evidence ? withProblem(report, evidence) : report;
  }

  async reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueOutcome> {
    if (request.keySource === 'cloud') throw capabilityMissing(this, 'cloudKeys');
    const earlier = this.o.ledger.byKey(idempotencyKey);
    if (earlier) return this.resumeReissue(earlier.orderId);
    const copy = await this.copy(id);
    const refusal = reissueRefusal(copy.certificate, request.keySource, await this.newestCopy(copy.certificate));
    if (refusal) throw refusal;
    const { report, spki } = await this.inspect(copy, request.csr);
    if (!report.ok || !spki) {
      throw inputError('csr-invalid', t('certum.csrInvalid', { id, problems: report.problems.map((p) => p.message).join(' ') }), t('certum.csrInvalidHint'), {
        problems: report.problems,
        certificate: id,
      });
    }
    const evidence = request.keySource === 'card' ? this.evidenceRefusal(request, spki) : null;
    if (evidence) throw evidence;
    const csrPem = encodePem('CERTIFICATE REQUEST', csrDer(request.csr));
    const recorded: NewRequest = {
      oldId: copy.certificate.id,
      oldSerial: copy.certificate.serialNumber,
      oldCertumSerial: copy.certumSerial,
      idempotencyKey,
      keySource: request.keySource,
      card: request.keySource === 'card' ? request.card : null,
      publicKeySha256: sha256(spki),
      requestedAt: this.o.clock.now().toISOString(),
    };
    // Recorded and claimed before it is sent: of two processes with this request, one sends it and
    // the other waits for the order Certum gives it.
    let claim = this.o.ledger.claim(recorded);
    while ('busy' in claim) {
      await sleep(CLAIM_WAIT_MS);
      claim = this.o.ledger.claim(recorded);
    }
    if ('orderId' in claim) return this.resumeReissue(claim.orderId);
    let orderId: string;
    try {
      const { body } = await this.o.call(
        'reissueCertificate',
        { serialNumber: copy.certumSerial, hashAlgorithm: report.summary?.keyType === 'EC' ? 'ECC-SHA256' : 'RSA-SHA256', CSR: csrPem, userAgent: 'reissue' },
        copy.certificate.id,
      );
      orderId = reissuedOrderId('reissueCertificate', body);
    } catch (e) {
      // Refused, or no answer: the request may be sent again. (One that reached Certum unanswered
      // is refused the second time as a reissue of a copy already being replaced, errorCode 2126.)
      this.o.ledger.release(idempotencyKey, claim.send);
      throw e;
    }
    const entry = this.o.ledger.answered(idempotencyKey, claim.send, orderId);
    // Taken over by another process and still unanswered there: that process reports it.
    if (!entry) throw portalError('certum-claim-lost', t('certum.claimLost', { orderRef: orderId }), t('certum.claimLostHint', { orderRef: orderId }), { orderRef: orderId });
    return this.advance(entry);
  }

  async resumeReissue(orderRef: string): Promise<ReissueOutcome> {
    const entry = this.o.ledger.byOrder(orderRef);
    if (!entry) {
      throw portalError('order-not-found', t('certum.orderRefUnknown', { orderRef }), t('certum.orderRefUnknownHint'), { orderRef });
    }
    return this.advance(entry);
  }

  async revoke(id: string, reason: RevocationReason): Promise<Certificate> {
    const copy = await this.copy(id);
    const certumReason = REVOCATION_REASONS[reason];
    if (!certumReason) {
      throw usageError('certum-reason-unsupported', t('certum.reasonUnsupported', { reason }), t('certum.reasonUnsupportedHint', { reasons: Object.keys(REVOCATION_REASONS).join(', ') }));
    }
    await this.o.call('revokeCertificate', { revokeCertificateParameters: { revocationReason: certumReason, serialNumber: copy.certumSerial } }, copy.certificate.serialNumber);
    this.orders = undefined;
    const after = await this.get(copy.certificate.id);
    // REVOKING: Certum has taken the request; shown revoked with the reason asked for.
    return { ...after, state: 'revoked', revocationReason: reason, revocationDate: after.revocationDate ?? this.o.clock.now().toISOString() };
  }

  /** Copies Certum is revoking (REVOKING, or replaced by a reissue sent from here): the date Certum gave, else 14 days after the new copy. */
  async pendingRevocations(): Promise<PendingRevocation[]> {
    const now = this.o.clock.now();
    return [...(await this.allCopies()).values()]
      .map((c) => c.certificate)
      .filter((c) => c.state === 'pending-revocation' && c.revocationDate)
      .sort((a, b) => a.revocationDate!.localeCompare(b.revocationDate!))
      .map((c) => ({ ...c, daysLeft: daysLeft(c.revocationDate!, now) }));
  }

  async close(): Promise<void> {
    this.o.ledger.close();
  }

  /** Asks Certum for the order's state; once ENROLLED, fetches the new copy and records it. */
  private async advance(entry: ReissueEntry): Promise<ReissueOutcome> {
    if (!entry.enrolledAt) {
      const { body } = await this.o.call('getOrderState', { orderID: entry.orderId }, entry.orderId);
      const { state } = orderStateOf('getOrderState', body);
      if (state === 'REJECTED') {
        throw portalError('certum-order-rejected', t('certum.rejected', { orderRef: entry.orderId, id: entry.oldId }), t('certum.rejectedHint', { id: entry.oldId }), {
          orderRef: entry.orderId,
        });
      }
      if (state !== 'ENROLLED') return { pending: { orderRef: entry.orderId, retryAfterMs: this.o.pollMs, ...pendingNote(state, entry.orderId) } };
      const { body: cert } = await this.o.call('getCertificate', { orderID: entry.orderId }, entry.orderId);
      const { details } = certificateAnswer('getCertificate', cert);
      const key = new Uint8Array(details.certificate.publicKey.export({ type: 'spki', format: 'der' }));
      // The copy Certum enrolled must certify the key that was sent; anything else is not ours to install.
      if (sha256(key) !== entry.publicKeySha256) throw portalError('certum-wrong-key', t('certum.wrongKey', { orderRef: entry.orderId }), t('certum.wrongKeyHint'));
      entry.enrolledAt = this.o.clock.now().toISOString();
      entry.newSerial = details.serialNumber;
      this.o.ledger.enrolled(entry.orderId, entry.enrolledAt, entry.newSerial);
      this.orders = undefined;
    }
    const [certificate, replaced] = await Promise.all([this.get(entry.orderId), this.get(entry.oldId)]);
    return { certificate, replaced };
  }

  /** The last copy of the chain `c` starts (replacedBy followed; a link to a copy not seen ends it). */
  private async newestCopy(c: Certificate): Promise<string> {
    const all = await this.allCopies();
    let id = c.id;
    for (let next = c.replacedBy, hops = 0; next && hops < 100; hops++) {
      id = next;
      next = all.get(next)?.certificate.replacedBy ?? null;
    }
    return id;
  }

  private async inspect(copy: Copy, csr: Uint8Array) {
    const { inspectCsr } = await import('../../pki/csr-check.js');
    const c = copy.certificate;
    return inspectCsr(csr, {
      domains: c.domains.length ? c.domains : [c.commonName],
      algorithms: c.algorithms,
      earlierKeys: [{ copy: c.id, spki: copy.spki }],
      commonName: c.commonName,
      productName: c.product,
    });
  }

  private evidenceRefusal(request: { keySource: KeySource; card?: unknown }, spki: Uint8Array): ReissueError | null {
    const decided = cardEvidenceOf(request);
    if ('refusal' in decided) return decided.refusal;
    return decided.evidence ? evidenceRefusal(decided.evidence, spki, null) : null;
  }

  /**
   * A copy by order id, or by serial (hex, any case, colons allowed). An order id is asked for
   * directly (one call rather than the partner's whole history), unless the history is read
   * already or the copy is one of a reissue pair, whose other half only the history shows.
   */
  private async copy(id: string): Promise<Copy> {
    let one: Copy | null | undefined;
    if (!this.orders) {
      one = await this.orderById(id);
      if (one && !one.reissue && one.certificate.state !== 'pending-revocation') return one;
    }
    const all = await this.allCopies();
    const direct = all.get(id);
    if (direct) return direct;
    const serial = hexSerial(id);
    if (serial) for (const c of all.values()) if (c.certificate.serialNumber === serial) return c;
    // Not in the history read: the order itself (an older order, one placed since the list was read,
    // or one whose date Certum's clock puts after ours).
    one ??= await this.orderById(id);
    if (one) return one;
    throw portalError('not-found', t('certum.notFound', { id }), t('certum.notFoundHint'), { id });
  }

  /** getOrderByOrderID as a copy; null for an unknown order or one without a certificate yet. */
  private async orderById(id: string): Promise<Copy | null> {
    try {
      const { body } = await this.o.call('getOrderByOrderID', { orderID: id, orderOption: ALL_PARTS }, id);
      const [order] = ordersOf('getOrderByOrderID', body);
      return order ? await this.toCopy(order) : null;
    } catch (e) {
      if ((e as ReissueError).code === 'not-found') return null;
      throw e;
    }
  }

  private async matching(text: string | undefined): Promise<Certificate[]> {
    const needle = searchText(text ?? '');
    const all = [...(await this.allCopies()).values()].map((c) => c.certificate);
    const hits = needle ? all.filter((c) => [c.commonName, ...c.domains, c.orderId, c.serialNumber, c.product].some((v) => v.toLowerCase().includes(needle))) : all;
    return hits.sort((a, b) => a.notAfter.localeCompare(b.notAfter) || a.id.localeCompare(b.id));
  }

  /** Every order with a certificate over the history window: placed in it, then modified in it (newer wins). */
  private allCopies(): Promise<Map<string, Copy>> {
    return (this.orders ??= (async () => {
      const now = this.o.clock.now();
      const from = new Date(now.getTime() - this.o.historyDays * 86_400_000);
      // toDate rounded up to the second: an order placed in this second is in the range.
      const range = { fromDate: wholeSeconds(from), toDate: wholeSeconds(new Date(now.getTime() + 999)) };
      const orders = [...(await this.pages('getOrdersByDateRange', range)), ...(await this.pages('getModifiedOrders', range))];
      const out = new Map<string, Copy>();
      for (const order of orders) {
        const copy = await this.toCopy(order);
        if (copy) out.set(copy.certificate.id, copy);
      }
      linkReissues([...out.values()]);
      return out;
    })().catch((e) => {
      this.orders = undefined;
      throw e;
    }));
  }

  private async pages(operation: string, range: { fromDate: string; toDate: string }): Promise<CertumOrder[]> {
    const out: CertumOrder[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      // In the schema's order: fromDate, orderOption, pageNumber, toDate.
      const args = { fromDate: range.fromDate, orderOption: ALL_PARTS, pageNumber: page, toDate: range.toDate };
      const { body, pagesCount } = await this.o.call(operation, args);
      out.push(...ordersOf(operation, body));
      if (!pagesCount || page >= pagesCount) break;
    }
    return out;
  }

  private productMap(): Promise<Map<string, CertumProduct>> {
    return (this.products ??= this.o
      .call('getProductList', { hashAlgorithm: true })
      .then(({ body }) => new Map(productsOf('getProductList', body).map((p) => [p.code, p])))
      .catch((e) => {
        this.products = undefined;
        throw e;
      }));
  }

  /** An order as the copy it holds; null for an order without a certificate yet. */
  private async toCopy(order: CertumOrder): Promise<Copy | null> {
    const s = order.status;
    const d = order.certificate;
    if (!s || !d) return null;
    const product = (await this.productMap()).get(s.productCode);
    const x = d.certificate;
    const now = this.o.clock.now();
    const notAfter = new Date(x.validTo).toISOString();
    const replacedBy = this.o.ledger.replacing(s.orderId);
    const replacement = replacedBy?.enrolledAt ? replacedBy : null;
    const entry = this.o.ledger.byOrder(s.orderId);
    const replaces = entry?.oldId ?? null;
    let state: Certificate['state'] = d.status === 'REVOKED' ? 'revoked' : new Date(notAfter) <= now ? 'expired' : 'valid';
    let revocationDate = d.revokedDate;
    if (state === 'valid' && (d.status === 'REVOKING' || replacement)) {
      state = 'pending-revocation';
      revocationDate ??= replacement ? scheduledRevocationDate(new Date(replacement.enrolledAt!)).toISOString() : null;
    }
    const domains = dnsNames(x);
    const certificate: Certificate = {
      id: s.orderId,
      serialNumber: d.serialNumber,
      commonName: d.commonName,
      domains: domains.length ? domains : [],
      state,
      orderId: s.orderId,
      product: product?.type ?? s.productCode,
      productCategory: product ? productCategory(product) : 'SSL',
      keySources: ['csr', 'card'],
      algorithms: algorithmsOf(product),
      notBefore: new Date(x.validFrom).toISOString(),
      notAfter,
      replaces,
      replacedBy: replacement?.orderId ?? null,
      revocationDate,
      revocationReason: null,
      subscriber: {
        name: order.requestor?.firstName ?? '',
        lastName: order.requestor?.lastName ?? '',
        email: order.requestor?.email ?? '',
        verificationMethod: 'Certum',
      },
      organization: organizationOf(x),
      authorizationMethod: 'Certum',
      account: s.customer,
      keySource: entry?.keySource ?? null,
      cardEvidence: entry?.card ?? null,
    };
    return { certificate, reissue: order.reissue, der: d.der, certumSerial: d.certumSerial, spki: new Uint8Array(x.publicKey.export({ type: 'spki', format: 'der' })) };
  }
}

/**
 * Certum's answers do not say which copy a reissue order replaced; the ledger knows it for the
 * reissues sent from here. For the others (made in Certum's panel, or from another machine) the
 * pair is recognised as Certum makes it: a copy being revoked (REVOKING) and a later reissue order
 * with the same CN and the same expiry (a reissue keeps the order's notAfter).
 */
function linkReissues(copies: Copy[]): void {
  for (const old of copies) {
    const o = old.certificate;
    if (o.replacedBy || o.state !== 'pending-revocation') continue;
    const successor = copies.find(
      (n) => n.reissue && !n.certificate.replaces && n.certificate.commonName === o.commonName && n.certificate.notAfter === o.notAfter && n.certificate.notBefore > o.notBefore,
    );
    if (!successor) continue;
    o.replacedBy = successor.certificate.id;
    successor.certificate.replaces = o.id;
  }
}

/** What a pending order is waiting for, in words, with what to do (shown with the order reference). */
function pendingNote(state: Exclude<OrderState, 'REJECTED' | 'ENROLLED'>, orderRef: string): { state: string; message: string } {
  return { state, message: t(`certum.state.${state}`, { orderRef }) };
}

/** Certum's hash algorithms per product as the key algorithms a CSR may use. */
function algorithmsOf(product: CertumProduct | undefined): Algorithm[] {
  const hashes = product?.hashAlgorithms ?? [];
  const rsa: Algorithm[] = ['rsa-2048', 'rsa-3072', 'rsa-4096'];
  const ec: Algorithm[] = ['ec-p256', 'ec-p384'];
  if (!hashes.length) return rsa;
  return [...(hashes.some((h) => h.startsWith('RSA')) ? rsa : []), ...(hashes.some((h) => h.startsWith('ECC')) ? ec : [])];
}

function productCategory(p: CertumProduct): string {
  return /code/i.test(p.type) ? 'Code Signing' : 'SSL';
}

function dnsNames(x: X509Certificate): string[] {
  return (x.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
}

function organizationOf(x: X509Certificate) {
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(x.subject)?.[1] ?? '';
  const o = field('O');
  return o ? { name: o, verificationMethod: 'Certum', country: field('C'), stateOrProvince: field('ST'), locality: field('L') } : null;
}

function csrDer(csr: Uint8Array): Uint8Array {
  const text = Buffer.from(csr).toString('latin1');
  const m = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(text);
  return m ? new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')) : csr;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function wholeSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** The list filter: lower case, serials typed with colons work too. */
function searchText(text: string): string {
  const s = text.trim().toLowerCase();
  return /^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(s) ? s.replace(/:/g, '') : s;
}

function withProblem(report: CsrReport, refusal: ReissueError): CsrReport {
  return { ...report, ok: false, problems: [...report.problems, { code: refusal.code as CsrProblemCode, message: `${refusal.message} ${refusal.hint ?? ''}`.trim() }] };
}
