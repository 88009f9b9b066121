// One account's view of the portal. Every method first carries out due revocations, then reads or
// writes only what this account may see; another account's certificate is answered exactly like
// an unknown id.
import { createHash, X509Certificate } from 'node:crypto';
import { evidenceRefusal } from '../card/evidence.js';
import type { Clock } from '../domain/clock.js';
import { inputError, portalError, usageError, type ReissueError } from '../domain/errors.js';
import { cardEvidenceOf, daysLeft, productRefusal, reissueRefusal, reissuedNotAfter, scheduledRevocationDate } from '../domain/policy.js';
import { isAlgorithm } from '../domain/algorithms.js';
import {
  KEY_SOURCES,
  REVOCATION_REASONS,
  type CardEvidence,
  type Certificate,
  type CloudKeyInfo,
  type CsrProblemCode,
  type CsrReport,
  type KeySource,
  type PendingRevocation,
  type PortalEmail,
  type ReissueRequest,
  type ReissueResult,
  type RevocationReason,
} from '../domain/types.js';
import type { CsrCheckContext } from '../pki/csr-check.js';
import { encodePem } from '../pki/pem.js';
import { MAX_OFFSET, type CertificatePage, type CountQuery, type DownloadFormat, type ListQuery, type Portal, type PortalInfo } from '../portal/portal.js';
import { leafUsageFor, publicKeyHash, randomSerial, wholeSeconds } from './certificate-values.js';
import { certificateKey, newCertificateId } from './ids.js';
import { currentCrl } from './revocations.js';
import { issuedMessage } from './mail/messages.js';
import type { PortalCa } from './portal-ca.js';
import type { CloudKeyStore } from './cloud/key-store.js';
import type { MessageContext } from './mail/messages.js';
import { toCertificate, type AccountRecord, type CertificateRecord, type IdempotencyRecord } from './store/records.js';
import type { AsyncPortalStore as PortalStore } from './store/store.js';

export const DEFAULT_PAGE_SIZE = 50;

// The CSR checks are built on @peculiar/x509 (a large module): loaded when a CSR arrives, so that
// listing and showing certificates never load it.
const csrChecks = () => import('../pki/csr-check.js');
const MAX_IDEMPOTENCY_KEY = 200;

/**
 * What an account's view uses from the service that made it: the store, the CA, the clocks, the
 * e-mail outbox and the cloud key store, and the service's handling of store failures. The
 * service implements it; this file never imports the service.
 */
export interface PortalHost {
  readonly store: PortalStore;
  readonly ca: PortalCa;
  readonly clock: Clock;
  /** Real time, for scheduling e-mail delivery. */
  readonly wallClock: Clock;
  readonly messages: MessageContext;
  readonly outbox: { kick(): void };
  /** Carries out due revocations and queues due reminders at `now`. */
  runDue(now: Date): Promise<number>;
  /** Runs `fn`, turning store failures into ReissueErrors. */
  guard<T>(fn: () => Promise<T>): Promise<T>;
  /** A store failure as the ReissueError guard() would throw. */
  storeFailure(e: unknown): unknown;
  cloudKeys(): Promise<CloudKeyStore>;
  log(line: string): void;
}

export class AccountPortal implements Portal {
  constructor(
    private readonly service: PortalHost,
    readonly account: AccountRecord,
  ) {}

  private get store() {
    return this.service.store;
  }

  /** Carries out due revocations and returns the time every answer is computed at. */
  private async refresh(): Promise<Date> {
    const now = this.service.clock.now();
    await this.service.runDue(now);
    return now;
  }

  async info(): Promise<PortalInfo> {
    const now = await this.refresh();
    return { name: 'SANDBOX portal (local)', sandbox: true, now: now.toISOString() };
  }

  async list(query: ListQuery = {}): Promise<CertificatePage> {
    const now = await this.refresh();
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const offset = query.offset ?? 0;
    // In process any whole page size goes (the bulk tools read thousands); HTTP caps it at MAX_PAGE_SIZE.
    if (!Number.isSafeInteger(limit) || limit < 1) throw usageError('invalid-parameter', `The page size must be a whole number of at least 1, not ${limit}.`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET) {
      throw usageError('invalid-parameter', `The offset must be a whole number from 0 to ${MAX_OFFSET}, not ${offset}.`);
    }
    const text = searchText(query.text ?? '');
    return this.service.guard(async () => {
      const items = (await this.store.list(this.account.id, text, limit, offset)).map((r) => toCertificate(r, now));
      // A first page shorter than the limit is the whole result: no second pass to count it.
      if (offset === 0 && items.length < limit) return { items, total: items.length };
      if (query.withTotal === false) return { items, total: items.length ? offset + items.length : 0 };
      return { items, total: await this.store.count(this.account.id, text) };
    });
  }

  async count(query: CountQuery = {}): Promise<number> {
    await this.refresh();
    const text = searchText(query.text ?? '');
    return this.service.guard(() => this.store.count(this.account.id, text));
  }

  async get(id: string): Promise<Certificate> {
    const now = await this.refresh();
    return toCertificate(await this.record(id), now);
  }

  /** PEM (optionally followed by the CA certificate) or DER. A DER file holds one certificate, so DER with a chain is refused. */
  async download(id: string, format: DownloadFormat, chain = false): Promise<Uint8Array> {
    await this.refresh();
    if (format !== 'pem' && format !== 'der') throw usageError('bad-format', `The format must be pem or der, not "${String(format)}".`);
    if (format === 'der' && chain) {
      throw usageError('chain-needs-pem', 'A chain can only be downloaded as PEM: a DER file holds a single certificate.', 'Use --format pem with --chain, or get the CA certificate separately with `reissue ca`.');
    }
    const record = await this.record(id);
    // The reminder before the old copy's revocation says whether the new copy was downloaded.
    if (record.downloadedAt === null) await this.service.guard(() => this.store.markDownloaded(record.id, this.service.clock.now().toISOString()));
    if (format === 'der') return record.der;
    const pem = encodePem('CERTIFICATE', record.der) + (chain ? this.service.ca.certificatePem : '');
    return new Uint8Array(Buffer.from(pem, 'utf8'));
  }

  /**
   * The CSR checks, plus whether the product takes a key pair made this way (`keySource`, 'csr'
   * unless said): the same rule reissue() applies, so "✓ Correct" here means submit accepts it.
   */
  async checkCsr(id: string, csr: Uint8Array, keySource: KeySource = 'csr', card?: CardEvidence): Promise<CsrReport> {
    const now = await this.refresh();
    const record = await this.record(id);
    const { inspectCsr } = await csrChecks();
    const { report, spki } = await inspectCsr(csr, await this.csrContext(record));
    const refusal = productRefusal(toCertificate(record, now), { keySource });
    if (refusal) return withProblem(report, refusal);
    // A card key: the same evidence rule as reissue(), on the key the checks passed.
    if (keySource !== 'card' || !spki) return report;
    const evidence = await this.service.guard(() => this.cardEvidenceRefusal({ keySource, card }, spki));
    return evidence ? withProblem(report, evidence) : report;
  }

  /**
   * The new key is taken first: the CSR is checked ('csr', 'card'), or the key pair generated in
   * the portal's cloud key store ('cloud'); then the new copy is signed (WebCrypto is async). One
   * IMMEDIATE transaction then re-reads the copy and either links the new copy, schedules the old
   * one's revocation and queues the "certificate issued" e-mail, or changes nothing. So of
   * concurrent reissues of one copy exactly one wins. After commit a cloud certificate is
   * installed next to its key and the e-mail is delivered; neither can undo the reissue.
   */
  async reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult> {
    const now = await this.refresh();
    if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
      throw usageError('bad-idempotency-key', `An idempotency key is 1–${MAX_IDEMPOTENCY_KEY} characters.`);
    }
    const keySource = request?.keySource;
    if (!(KEY_SOURCES as readonly string[]).includes(keySource)) {
      throw usageError('bad-key-source', `The key source must be ${KEY_SOURCES.join(', ')}, not "${String(keySource)}".`);
    }
    // A card key needs the card's evidence: declared by the client and checked for consistency
    // (against the key the CA certifies, below), not attested; it is recorded with the copy.
    const decided = cardEvidenceOf(request);
    if ('refusal' in decided) throw decided.refusal;
    const cardEvidence = decided.evidence;
    const record = await this.record(id);
    const requestHash = createHash('sha256').update(JSON.stringify([record.id, keySource, requestFingerprint(request), cardEvidence])).digest('hex');
    const earlier = await this.service.guard(() => this.store.idempotency(this.account.id, idempotencyKey));
    if (earlier) return this.replay(earlier, requestHash, idempotencyKey, now);

    await this.service.guard(() => this.refuseIfNotReissuable(record, keySource, now));
    const newId = newCertificateId();
    const signing = this.service.ca.signing();
    signing.catch(() => {}); // awaited below; a failure there is handled there
    const { spki, cloudKey } = await this.newPublicKey(record, request, newId);
    if (cardEvidence) {
      const refusal = await this.service.guard(() => this.evidenceConsistency(cardEvidence, spki));
      if (refusal) throw refusal;
    }

    const issuedAt = wholeSeconds(this.service.clock.now());
    const serial = randomSerial();
    const notAfter = reissuedNotAfter(record);
    let der: Uint8Array;
    let outcome: { replay: IdempotencyRecord } | { issued: true };
    // From here a cloud key exists: any failure before commit removes it again.
    try {
      const cert = await (await signing).issue({
        serialNumber: serial,
        commonName: record.commonName,
        domains: record.domains,
        organization: record.organization,
        notBefore: issuedAt,
        notAfter,
        publicKeySpki: spki,
        usage: leafUsageFor(record.product.category),
      });
      der = new Uint8Array(cert.rawData);
      outcome = await this.service.guard(() =>
        this.store.write(async (): Promise<{ replay: IdempotencyRecord } | { issued: true }> => {
          const raced = await this.store.idempotency(this.account.id, idempotencyKey);
          if (raced) return { replay: raced };
          const current = (await this.store.byId(record.id))!;
          await this.refuseIfNotReissuable(current, keySource, this.service.clock.now());
          await this.store.insertCertificate({
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
            der,
            publicKeySha256: publicKeyHash(spki),
            replaces: current.id,
            replacedBy: null,
            revocationDate: null,
            revoked: false,
            revocationReason: null,
            issuedAt: issuedAt.toISOString(),
            keySource,
            cloudKey,
            cardEvidence,
          });
          if (cardEvidence) {
            // Under the write lock: a pair first recorded for another key meanwhile refuses this one.
            const recorded = await this.store.recordCardKey(cardEvidence.serial, cardEvidence.keyId, publicKeyHash(spki), newId, issuedAt.toISOString());
            const refusal = evidenceRefusal(cardEvidence, spki, recorded);
            if (refusal) throw refusal;
          }
          const revocationDate = scheduledRevocationDate(issuedAt).toISOString();
          if (!(await this.store.markReplaced(current.id, newId, revocationDate))) {
            throw new Error(`certificate ${current.id} was replaced during the transaction`); // cannot happen under the write lock
          }
          await this.store.insertIdempotency(
            this.account.id,
            idempotencyKey,
            { requestSha256: requestHash, certificateId: current.id, newCertificateId: newId },
            issuedAt.toISOString(),
          );
          await this.store.insertEmail({
            kind: 'certificate-issued',
            certificateId: newId,
            relatedId: current.id,
            message: issuedMessage(this.service.messages, (await this.store.byId(newId))!, current, revocationDate),
            createdAt: issuedAt.toISOString(),
            nextAttemptAt: this.service.wallClock.now().toISOString(),
          });
          return { issued: true };
        }),
      );
    } catch (e) {
      if (cloudKey) await this.discardCloudKey(cloudKey);
      throw e;
    }
    if ('replay' in outcome) {
      if (cloudKey) await this.discardCloudKey(cloudKey);
      return this.replay(outcome.replay, requestHash, idempotencyKey, now);
    }
    if (cloudKey) await this.installCloudCertificate(cloudKey, der);
    this.service.outbox.kick();
    return this.result(newId, record.id, this.service.clock.now());
  }

  async emails(id: string): Promise<PortalEmail[]> {
    await this.refresh();
    const record = await this.record(id);
    return this.service.guard(() => this.store.emailsAbout(record.id));
  }

  async revoke(id: string, reason: RevocationReason): Promise<Certificate> {
    const now = await this.refresh();
    if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
      throw usageError('bad-reason', `"${String(reason)}" is not a revocation reason.`, `Use one of: ${REVOCATION_REASONS.join(', ')}.`);
    }
    const record = await this.record(id);
    const done = await this.service.guard(() => this.store.revokeNow(record.id, wholeSeconds(now).toISOString(), reason));
    if (!done) {
      throw portalError('already-revoked', `Certificate ${record.id} is already revoked.`, 'Nothing to do: it is listed in the CRL.', { id: record.id });
    }
    return toCertificate((await this.service.guard(() => this.store.byId(record.id)))!, now);
  }

  async pendingRevocations(): Promise<PendingRevocation[]> {
    const now = await this.refresh();
    return this.service.guard(async () =>
      (await this.store.pending(this.account.id, now.toISOString())).map((r) => ({ ...toCertificate(r, now), daysLeft: daysLeft(r.revocationDate!, now) })),
    );
  }

  async caCertificate(): Promise<string> {
    return this.service.ca.certificatePem;
  }

  async crl(): Promise<Uint8Array> {
    const now = await this.refresh();
    try {
      return await currentCrl(this.store, this.service.ca, now);
    } catch (e) {
      throw this.service.storeFailure(e);
    }
  }

  /** An account's view never closes the shared service; LocalPortal closes it. */
  async close(): Promise<void> {}

  // ---------------------------------------------------------------------------------------------

  /** The copy this account may see by id or serial; anything else is "not found". */
  private async record(id: string): Promise<CertificateRecord> {
    const key = certificateKey(String(id));
    const record = key.id ? await this.service.guard(() => this.store.visible(this.account.id, key.id, key.serial)) : null;
    if (!record) {
      throw portalError('not-found', `There is no certificate "${id}" in this portal.`, 'Check the id or serial number with `reissue list`.', { id });
    }
    return record;
  }

  /** What the CSR checks need from the order: its names, the product's algorithms, every copy's key. */
  private async csrContext(record: CertificateRecord): Promise<CsrCheckContext> {
    const chain = await this.service.guard(() => this.store.copyChain(record.id));
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

  /** The card evidence rule of reissue() for a CSR check: its form, then its consistency with `spki`. */
  private async cardEvidenceRefusal(request: { keySource: KeySource; card?: unknown }, spki: Uint8Array): Promise<ReissueError | null> {
    const decided = cardEvidenceOf(request);
    if ('refusal' in decided) return decided.refusal;
    return decided.evidence ? this.evidenceConsistency(decided.evidence, spki) : null;
  }

  /** The evidence against the key the CA certifies and what the portal recorded for its card key. */
  private async evidenceConsistency(evidence: CardEvidence, spki: Uint8Array): Promise<ReissueError | null> {
    return evidenceRefusal(evidence, spki, await this.store.cardKey(evidence.serial, evidence.keyId));
  }

  private async refuseIfNotReissuable(record: CertificateRecord, keySource: KeySource, now: Date): Promise<void> {
    const newest = record.replacedBy ? ((await this.store.newestCopyOfOrder(record.orderId)) ?? record.replacedBy) : record.id;
    const refusal = reissueRefusal(toCertificate(record, now), keySource, newest);
    if (refusal) throw refusal;
  }

  /** The new copy's public key: from the checked CSR, or from a key pair made in the cloud key store. */
  private async newPublicKey(record: CertificateRecord, request: ReissueRequest, newId: string): Promise<{ spki: Uint8Array; cloudKey: CloudKeyInfo | null }> {
    if (request.keySource === 'cloud') {
      const algorithm = request.algorithm;
      if (typeof algorithm !== 'string' || !isAlgorithm(algorithm)) {
        throw usageError('bad-algorithm', `Unknown algorithm "${String(algorithm)}".`, 'Use one of rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384.');
      }
      const refusal = productRefusal(toCertificate(record, this.service.clock.now()), { keySource: 'cloud', algorithm });
      if (refusal) throw refusal;
      const store = await this.service.cloudKeys();
      const made = await store.generate({ algorithm, label: `reissue ${record.orderId} ${newId}`, commonName: record.commonName, domains: record.domains });
      return { spki: made.publicKeySpki, cloudKey: made.info };
    }
    const { inspectCsr } = await csrChecks();
    // One parse: the key the checks passed is the key certified, re-encoded canonically.
    const { report, spki } = await inspectCsr(request.csr, await this.csrContext(record));
    if (!report.ok || !spki) {
      throw inputError(
        'csr-invalid',
        `The CSR cannot be used for ${record.id}: ${report.problems.map((p) => p.message).join(' ')}`,
        'Fix the problems listed (or generate a new CSR with `reissue csr new`) and submit again.',
        { problems: report.problems, certificate: record.id },
      );
    }
    return { spki, cloudKey: null };
  }

  private async discardCloudKey(key: CloudKeyInfo): Promise<void> {
    try {
      await (await this.service.cloudKeys()).discard(key);
    } catch (e) {
      this.service.log(`Could not remove the unused cloud key ${key.label}: ${(e as Error).message}`);
    }
  }

  /** The reissue is committed: a failure here is reported, never undoes it. */
  private async installCloudCertificate(key: CloudKeyInfo, der: Uint8Array): Promise<void> {
    try {
      await (await this.service.cloudKeys()).install(key, der);
    } catch (e) {
      this.service.log(`The certificate could not be installed next to the cloud key ${key.label} (${key.location}): ${(e as Error).message}`);
    }
  }

  private async replay(earlier: IdempotencyRecord, requestHash: string, key: string, now: Date): Promise<ReissueResult> {
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

  private async result(newId: string, oldId: string, now: Date): Promise<ReissueResult> {
    return this.service.guard(async () => ({
      certificate: toCertificate((await this.store.byId(newId))!, now),
      replaced: toCertificate((await this.store.byId(oldId))!, now),
    }));
  }
}

/** The report with a refusal of the portal's rules added as one more problem (its catalog text when it has one). */
function withProblem(report: CsrReport, refusal: ReissueError): CsrReport {
  const text = refusal.code.startsWith('card-evidence-') ? { text: { key: `errors.${refusal.code}.message`, values: catalogValues(refusal.details) } } : {};
  return { ...report, ok: false, problems: [...report.problems, { code: refusal.code as CsrProblemCode, message: `${refusal.message} ${refusal.hint ?? ''}`.trim(), ...text }] };
}

function catalogValues(details: Record<string, unknown> = {}): Record<string, string | number> {
  return Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : typeof v === 'number' ? v : String(v)]));
}

/** What identifies a request's content for idempotency: the CSR's hash, or the cloud algorithm. */
function requestFingerprint(request: ReissueRequest): string {
  if (request.keySource === 'cloud') return String(request.algorithm);
  return createHash('sha256').update(request.csr).digest('hex');
}

/** The list filter: lower case (the search column is), serials typed with colons work too. */
function searchText(text: string): string {
  const t = text.trim().toLowerCase();
  return /^[0-9a-f]{2}(:[0-9a-f]{2})+$/.test(t) ? t.replace(/:/g, '') : t;
}
