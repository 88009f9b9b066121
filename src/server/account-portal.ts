// One account's view of the portal. Every method first carries out due revocations, then reads or
// writes only what this account may see; another account's certificate is answered exactly like
// an unknown id.
import { createHash, X509Certificate } from 'node:crypto';
import { inputError, portalError, usageError } from '../domain/errors.js';
import { daysLeft, reissueRefusal, reissuedNotAfter, scheduledRevocationDate } from '../domain/policy.js';
import {
  REVOCATION_REASONS,
  type Certificate,
  type CsrReport,
  type KeySource,
  type PendingRevocation,
  type ReissueResult,
  type RevocationReason,
} from '../domain/types.js';
import type { CsrCheckContext } from '../pki/csr-check.js';
import { encodePem } from '../pki/pem.js';
import { MAX_OFFSET, type CertificatePage, type CountQuery, type DownloadFormat, type ListQuery, type Portal, type PortalInfo } from '../portal/portal.js';
import { leafUsageFor, publicKeyHash, randomSerial, wholeSeconds } from './certificate-values.js';
import { sqliteFailure } from './db.js';
import { certificateKey, newCertificateId } from './ids.js';
import { currentCrl } from './revocations.js';
import type { LocalPortalService } from './service.js';
import { toCertificate, type AccountRecord, type CertificateRecord, type IdempotencyRecord } from './store.js';

export const DEFAULT_PAGE_SIZE = 50;

// The CSR checks are built on @peculiar/x509 (a large module): loaded when a CSR arrives, so that
// listing and showing certificates never load it.
const csrChecks = () => import('../pki/csr-check.js');
const MAX_IDEMPOTENCY_KEY = 200;

export class AccountPortal implements Portal {
  constructor(
    private readonly service: LocalPortalService,
    readonly account: AccountRecord,
  ) {}

  private get store() {
    return this.service.store;
  }

  /** Carries out due revocations and returns the time every answer is computed at. */
  private refresh(): Date {
    const now = this.service.clock.now();
    this.service.guard(() => this.store.revokeDue(now.toISOString()));
    return now;
  }

  async info(): Promise<PortalInfo> {
    const now = this.refresh();
    return { name: 'SANDBOX portal (local)', sandbox: true, now: now.toISOString() };
  }

  async list(query: ListQuery = {}): Promise<CertificatePage> {
    const now = this.refresh();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    // In process any whole page size goes (the bulk tools read thousands); HTTP caps it at MAX_PAGE_SIZE.
    if (!Number.isSafeInteger(limit) || limit < 1) throw usageError('invalid-parameter', `The page size must be a whole number of at least 1, not ${limit}.`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw usageError('invalid-parameter', `The offset must be a whole number from 0 to ${MAX_OFFSET}, not ${offset}.`);
    }
    const text = searchText(query.text ?? '');
    return this.service.guard(() => {
      const items = this.store.list(this.account.id, text, limit, offset).map((r) => toCertificate(r, now));
      // A first page shorter than the limit is the whole result: no second pass to count it.
      if (offset === 0 && items.length < limit) return { items, total: items.length };
      if (query.withTotal === false) return { items, total: items.length ? offset + items.length : 0 };
      return { items, total: this.store.count(this.account.id, text) };
    });
  }

  async count(query: CountQuery = {}): Promise<number> {
    this.refresh();
    const text = searchText(query.text ?? '');
    return this.service.guard(() => this.store.count(this.account.id, text));
  }

  async get(id: string): Promise<Certificate> {
    const now = this.refresh();
    return toCertificate(this.record(id), now);
  }

  /** PEM (optionally followed by the CA certificate) or DER. A DER file holds one certificate, so DER with a chain is refused. */
  async download(id: string, format: DownloadFormat, chain = false): Promise<Uint8Array> {
    this.refresh();
    if (format !== 'pem' && format !== 'der') throw usageError('bad-format', `The format must be pem or der, not "${String(format)}".`);
    if (format === 'der' && chain) {
      throw usageError('chain-needs-pem', 'A chain can only be downloaded as PEM: a DER file holds a single certificate.', 'Use --format pem with --chain, or get the CA certificate separately with `reissue ca`.');
    }
    const record = this.record(id);
    if (format === 'der') return record.der;
    const pem = encodePem('CERTIFICATE', record.der) + (chain ? this.service.ca.certificatePem : '');
    return new Uint8Array(Buffer.from(pem, 'utf8'));
  }

  async checkCsr(id: string, csr: Uint8Array): Promise<CsrReport> {
    this.refresh();
    const record = this.record(id);
    const { checkCsr } = await csrChecks();
    return checkCsr(csr, this.csrContext(record));
  }

  /**
   * The CSR is checked and the new copy signed first (WebCrypto is async); then one IMMEDIATE
   * transaction re-reads the copy and either links the new copy and schedules the old one's
   * revocation, or changes nothing. So of concurrent reissues of one copy exactly one wins.
   * `keySource` says where the key pair was made ('card' for `card keygen --submit`).
   */
  async reissue(id: string, csr: Uint8Array, idempotencyKey: string, keySource: KeySource = 'csr'): Promise<ReissueResult> {
    const now = this.refresh();
    if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
      throw usageError('bad-idempotency-key', `An idempotency key is 1–${MAX_IDEMPOTENCY_KEY} characters.`);
    }
    if (keySource !== 'csr' && keySource !== 'card') throw usageError('bad-key-source', `The key source must be csr or card, not "${String(keySource)}".`);
    const record = this.record(id);
    const requestHash = createHash('sha256')
      .update(JSON.stringify([record.id, keySource, createHash('sha256').update(csr).digest('hex')]))
      .digest('hex');
    const earlier = this.service.guard(() => this.store.idempotency(this.account.id, idempotencyKey));
    if (earlier) return this.replay(earlier, requestHash, idempotencyKey, now);

    this.service.guard(() => this.refuseIfNotReissuable(record, keySource, now));
    const [{ inspectCsr }, ca] = await Promise.all([csrChecks(), this.service.ca.signing()]);
    // One parse: the key the checks passed is the key certified, re-encoded canonically.
    const { report, spki } = await inspectCsr(csr, this.csrContext(record));
    if (!report.ok || !spki) {
      throw inputError(
        'csr-invalid',
        `The CSR cannot be used for ${record.id}: ${report.problems.map((p) => p.message).join(' ')}`,
        'Fix the problems listed (or generate a new CSR with `reissue csr new`) and submit again.',
        { problems: report.problems },
      );
    }

    const issuedAt = wholeSeconds(this.service.clock.now());
    const newId = newCertificateId();
    const serial = randomSerial();
    const notAfter = reissuedNotAfter(record);
    const cert = await ca.issue({
      serialNumber: serial,
      commonName: record.commonName,
      domains: record.domains,
      organization: record.organization,
      notBefore: issuedAt,
      notAfter,
      publicKeySpki: spki,
      usage: leafUsageFor(record.product.category),
    });

    const outcome = this.service.guard(() =>
      this.store.transaction((): { replay: IdempotencyRecord } | { issued: true } => {
        const raced = this.store.idempotency(this.account.id, idempotencyKey);
        if (raced) return { replay: raced };
        const current = this.store.byId(record.id)!;
        this.refuseIfNotReissuable(current, keySource, this.service.clock.now());
        this.store.insertCertificate({
          id: newId,
          serial,
          orderId: current.orderId,
          accountId: current.accountId,
          productId: current.productId,
          commonName: current.commonName,
          domains: current.domains,
          subscriber: current.subscriber,
          organization: current.organization,
          authorizationMethod: current.authorizationMethod,
          notBefore: issuedAt.toISOString(),
          notAfter: notAfter.toISOString(),
          der: new Uint8Array(cert.rawData),
          publicKeySha256: publicKeyHash(spki),
          replaces: current.id,
          replacedBy: null,
          revocationDate: null,
          revoked: false,
          revocationReason: null,
          issuedAt: issuedAt.toISOString(),
        });
        if (!this.store.markReplaced(current.id, newId, scheduledRevocationDate(issuedAt).toISOString())) {
          throw new Error(`certificate ${current.id} was replaced during the transaction`); // cannot happen under the write lock
        }
        this.store.insertIdempotency(
          this.account.id,
          idempotencyKey,
          { requestSha256: requestHash, certificateId: current.id, newCertificateId: newId },
          issuedAt.toISOString(),
        );
        return { issued: true };
      }),
    );
    if ('replay' in outcome) return this.replay(outcome.replay, requestHash, idempotencyKey, now);
    return this.result(newId, record.id, this.service.clock.now());
  }

  async revoke(id: string, reason: RevocationReason): Promise<Certificate> {
    const now = this.refresh();
    if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
      throw usageError('bad-reason', `"${String(reason)}" is not a revocation reason.`, `Use one of: ${REVOCATION_REASONS.join(', ')}.`);
    }
    const record = this.record(id);
    const done = this.service.guard(() => this.store.revokeNow(record.id, wholeSeconds(now).toISOString(), reason));
    if (!done) {
      throw portalError('already-revoked', `Certificate ${record.id} is already revoked.`, 'Nothing to do: it is listed in the CRL.');
    }
    return toCertificate(this.service.guard(() => this.store.byId(record.id)!), now);
  }

  async pendingRevocations(): Promise<PendingRevocation[]> {
    const now = this.refresh();
    return this.service.guard(() =>
      this.store.pending(this.account.id, now.toISOString()).map((r) => ({ ...toCertificate(r, now), daysLeft: daysLeft(r.revocationDate!, now) })),
    );
  }

  async caCertificate(): Promise<string> {
    return this.service.ca.certificatePem;
  }

  async crl(): Promise<Uint8Array> {
    const now = this.refresh();
    try {
      return await currentCrl(this.store, this.service.ca, now);
    } catch (e) {
      throw sqliteFailure(e, this.service.layout.db);
    }
  }

  /** An account's view never closes the shared service; LocalPortal closes it. */
  async close(): Promise<void> {}

  // ---------------------------------------------------------------------------------------------

  /** The copy this account may see by id or serial; anything else is "not found". */
  private record(id: string): CertificateRecord {
    const key = certificateKey(String(id));
    const record = key.id ? this.service.guard(() => this.store.visible(this.account.id, key.id, key.serial)) : null;
    if (!record) {
      throw portalError('not-found', `There is no certificate "${id}" in this portal.`, 'Check the id or serial number with `reissue list`.', { id });
    }
    return record;
  }

  /** What the CSR checks need from the order: its names, the product's algorithms, every copy's key. */
  private csrContext(record: CertificateRecord): CsrCheckContext {
    const chain = this.service.guard(() => this.store.copyChain(record.id));
    return {
      // Code signing orders have no domains: the CN (the organisation) is the only name.
      domains: record.domains.length ? record.domains : [record.commonName],
      algorithms: record.product.algorithms,
      // node's native parser: this runs on every check and reissue.
      earlierKeys: chain.map((c) => ({ copy: c.id, spki: new Uint8Array(new X509Certificate(c.der).publicKey.export({ type: 'spki', format: 'der' })) })),
      commonName: record.commonName,
      productName: record.product.name,
    };
  }

  private refuseIfNotReissuable(record: CertificateRecord, keySource: KeySource, now: Date): void {
    const newest = record.replacedBy ? (this.store.newestCopyOfOrder(record.orderId) ?? record.replacedBy) : record.id;
    const refusal = reissueRefusal(toCertificate(record, now), keySource, newest);
    if (refusal) throw refusal;
  }

  private replay(earlier: IdempotencyRecord, requestHash: string, key: string, now: Date): ReissueResult {
    if (earlier.requestSha256 !== requestHash) {
      throw portalError(
        'idempotency-conflict',
        `The idempotency key "${key}" was already used for a different reissue (certificate ${earlier.certificateId}).`,
        'Use a new idempotency key for a new request.',
        { certificateId: earlier.certificateId, newCertificateId: earlier.newCertificateId },
      );
    }
    return this.result(earlier.newCertificateId, earlier.certificateId, now);
  }

  private result(newId: string, oldId: string, now: Date): ReissueResult {
    return this.service.guard(() => ({
      certificate: toCertificate(this.store.byId(newId)!, now),
      replaced: toCertificate(this.store.byId(oldId)!, now),
    }));
  }
}


/** The list filter: lower case (the search column is), serials typed with colons work too. */
function searchText(text: string): string {
  const t = text.trim().toLowerCase();
  return /^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(t) ? t.replace(/:/g, '') : t;
}
