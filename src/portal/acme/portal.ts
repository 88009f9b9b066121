// The ACME portal: PortalCore over the local ledger of one directory, the CA reached for what
// only it can do (orders, revocations, ARI). No CA certificate, CRL, e-mails or cloud keys.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Clock } from '../../domain/clock.js';
import { inputError, portalError } from '../../domain/errors.js';
import { ALGORITHMS, type CardEvidence, type Certificate, type CsrReport, type KeySource, type PendingReissue, type PendingRevocation, type ReissueOutcome, type ReissueRequest, type RevocationReason } from '../../domain/types.js';
import { daysLeft } from '../../domain/policy.js';
import { t } from '../../i18n/i18n.js';
import { makePrivateDir } from '../../util/private-dir.js';
import { tokenUri } from '../../card/uri.js';
import type { CertificatePage, CountQuery, DownloadFormat, KindInfo, ListQuery, PortalCore, PortalProgressEvent } from '../portal.js';
import { accountSession, registerAccount, termsOfService, type AccountRequest, type AccountResult } from './account.js';
import { ariCertId, newOrderPayload, parseRenewalInfo, type RenewalWindow } from './ari.js';
import { chainProblem, chainProblemText, ledgerRecord, parsePemChain, publicKeyOfKeyFile, sameKey, spkiDer, toCertificate } from './certificates.js';
import { AcmeProblemError, AcmeSession, configureTransport, problemText } from './client.js';
import { assertChallengeUsable, responderFor, type DnsManualPrompt } from './challenges.js';
import type { AcmeKindSettings } from '../registry.js';
import { Ledger, type LedgerCertificate, type PendingOrder } from './ledger.js';
import { continueOrder, type OrderContext, type OrderOutcome } from './order.js';
import { answerWords, CardKeyRevocationRefused, failureText, recordedFailure, revokeAtCa, runDueRevocations, type RevocationOutcome } from './revocations.js';
import { acmeFolder, directoryUrlOf } from './spec.js';
import { x509 } from '../../pki/x509.js';

/** Challenges (http-01 address or webroot, dns-01 hook) and the days until the old copy is revoked (0 at once, null never). */
export type AcmeSettings = AcmeKindSettings;

export interface AcmePortalOptions {
  spec: string;
  dataDir: string;
  caFile: string | undefined;
  clock: Clock;
  settings: AcmeSettings;
  onProgress?: (event: PortalProgressEvent) => void;
  /** dns-01 by hand (no hook): who shows the records and resolves when they are published, asked when needed. */
  dnsManual?: () => DnsManualPrompt | undefined;
  /** How long a reissue follows the CA before answering "pending" (default 3 minutes). */
  patienceMs?: number;
}

export interface ImportRequest {
  pem: string;
  /** A key file (checked to match) … */
  keyFile?: string;
  /** … or the key's pkcs11: URI, with the card's evidence found for the certificate's key. */
  cardUri?: string;
  card?: CardEvidence;
}

/** What only the ACME kind offers, for its own commands (`acme account`, `acme import`, `revocations run`). */
export interface AcmeExtras {
  directoryUrl: string;
  folder: string;
  termsOfService(): Promise<{ url: string | null; eabRequired: boolean }>;
  registerAccount(req: AccountRequest): Promise<AccountResult>;
  importCertificate(req: ImportRequest): Promise<Certificate>;
  runDueRevocations(): Promise<RevocationOutcome[]>;
  /** The revocations run when the portal was opened (at the start of the command). */
  startupRevocations: RevocationOutcome[];
  renewalWindow(id: string): Promise<RenewalWindow | null>;
  /** A first certificate for the CSR's names (no copy replaced); the same request again resumes its order. */
  order(request: Exclude<ReissueRequest, { keySource: 'cloud' }>, idempotencyKey: string): Promise<{ certificate: Certificate } | { pending: PendingReissue }>;
}

export type AcmePortal = PortalCore & { acme: AcmeExtras };

export function isAcmePortal(p: unknown): p is AcmePortal {
  return typeof p === 'object' && p !== null && (p as { kind?: unknown }).kind === 'acme' && 'acme' in p;
}

export async function openAcmePortal(opts: AcmePortalOptions): Promise<AcmePortal> {
  configureTransport(opts.caFile);
  const directoryUrl = directoryUrlOf(opts.spec);
  const folder = acmeFolder(resolve(opts.dataDir), directoryUrl);
  makePrivateDir(folder);
  const ledger = Ledger.open(`${folder}/ledger.sqlite`);
  const now = () => opts.clock.now();
  const view = (c: LedgerCertificate) => toCertificate(c, now(), directoryUrl, ledger.currentAccount()?.contact ?? null);
  let session: Promise<AcmeSession> | undefined;
  const getSession = () => (session ??= accountSession(ledger, directoryUrl, opts.spec));
  const progress = opts.onProgress ?? (() => undefined);

  const find = (id: string): LedgerCertificate => {
    const c = ledger.byId(id.trim());
    if (!c) throw portalError('not-found', t('acme.notFound', { id }), t('acme.notFoundHint'), { id });
    return c;
  };

  const orderContext = async (): Promise<OrderContext> => ({
    session: await getSession(),
    ledger,
    responder: () => responderFor(opts.settings, opts.dnsManual?.()),
    now,
    revokeAfterDays: opts.settings.revokeAfterDays,
    onProgress: progress,
    patienceMs: opts.patienceMs ?? 180_000,
    // The old copy is due at once: the schedule's own run revokes it (claimed, recorded, retried on failure).
    revokeNow: () => runDueRevocations(ledger, getSession, directoryUrl, now()),
  });

  // Whether the directory offers ARI is learnt whenever it is read (account, reissue): `show`
  // then asks for the window only of a CA that has it, and never waits on one that is down.
  const learnDirectory = (dir: Record<string, unknown>) => ledger.setMeta('renewalInfo', typeof dir.renewalInfo === 'string' ? dir.renewalInfo : '');
  const renewalWindow = async (c: LedgerCertificate): Promise<RenewalWindow | null> => {
    const url = ledger.meta('renewalInfo');
    const certId = ariCertId(new x509.X509Certificate(c.leafPem));
    if (!url || !certId) return null;
    const answer = await new AcmeSession(directoryUrl, '').get(`${url.replace(/\/$/, '')}/${certId}`).catch(() => null);
    return answer && answer.status === 200 ? parseRenewalInfo(answer.data) : null;
  };

  /** A first certificate (`acme order`) has no old copy: its result is the copy alone. */
  const asReissue = (o: OrderOutcome): ReissueOutcome => {
    if ('pending' in o) return o;
    return { certificate: view(o.copy), replaced: view(o.old ?? o.copy) };
  };

  /**
   * One order for `request`: the saved order of the same request (idempotency key) carried on, or
   * a new one for the old copy's names (`oldCopy` returns it; null: a first certificate for the
   * CSR's names), saved in the ledger before any challenge is answered or the order finalized.
   */
  const placeOrder = async (request: Exclude<ReissueRequest, { keySource: 'cloud' }>, idempotencyKey: string, oldCopy: () => LedgerCertificate | null): Promise<OrderOutcome> => {
    const saved = ledger.order(idempotencyKey);
    if (saved?.newCertificateId) return { copy: find(saved.newCertificateId), old: saved.certificateId ? find(saved.certificateId) : null };
    // Before any order is placed: a challenge that cannot be answered is said now.
    await assertChallengeUsable(opts.settings, opts.dnsManual?.());
    const ctx = await orderContext();
    if (saved) {
      // The same request again: its order goes on, unless the CA has since declared it invalid
      // (a challenge failed) or forgotten it; then the request is ordered afresh.
      const status = await ctx.session.post<{ status: string }>(saved.orderUrl, null, [200]).then(
        (r) => r.data.status,
        (e: unknown) => {
          if (e instanceof AcmeProblemError) return 'invalid';
          throw e;
        },
      );
      if (status !== 'invalid') return continueOrder(ctx, saved);
      ledger.dropOrder(idempotencyKey);
    }
    const old = oldCopy();
    const { inspectCsr } = await import('../../pki/csr-check.js');
    const { locateCsr } = await import('../../pki/csr-input.js');
    const located = locateCsr(request.csr);
    const subject = old?.id ?? t('acme.newCertificate');
    if (!('csr' in located)) throw inputError('csr-invalid', t('acme.csrInvalid', { id: subject, problems: located.problems.map((p) => p.message).join(' ') }), t('acme.csrInvalidHint'), { problems: located.problems });
    const csrNames = [...new Set(located.csr.sans.filter((n) => n.kind === 'dns').map((n) => String(n.value).toLowerCase()))];
    const domains = old?.domains ?? csrNames;
    if (!domains.length) throw inputError('acme-csr-no-names', t('acme.csrNoNames'), t('acme.csrNoNamesHint'));
    const { report } = await inspectCsr(request.csr, old ? csrContext(old) : { domains, algorithms: [...ALGORITHMS], productName: 'ACME' });
    if (!report.ok) {
      throw inputError('csr-invalid', t('acme.csrInvalid', { id: subject, problems: report.problems.map((p) => p.message).join(' ') }), t('acme.csrInvalidHint'), { problems: report.problems, certificate: old?.id ?? null });
    }
    const missing = domains.filter((d) => !csrNames.includes(d));
    if (missing.length) throw inputError('acme-csr-missing-names', t('acme.csrMissingNames', { id: subject, names: missing.join(', ') }), t('acme.csrMissingNamesHint', { id: subject }), { names: missing });
    if (request.keySource === 'card') {
      const { evidenceRefusal } = await import('../../card/evidence.js');
      const refusal = evidenceRefusal(request.card, located.csr.key.spki, null);
      if (refusal) throw refusal;
    }
    const csrPem = `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(located.der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE REQUEST-----\n`;
    // ARI: the copy it replaces, when the CA offers renewalInfo (a CA without it never sees the field).
    const directory = await ctx.session.directory();
    learnDirectory(directory);
    const payload = newOrderPayload(domains, directory, old ? ariCertId(new x509.X509Certificate(old.leafPem)) : null);
    let orderUrl: string;
    try {
      const newOrder = await ctx.session.resource('newOrder');
      // The same expiry is asked for (RFC 8555 notAfter); a CA that does not take it (Let's
      // Encrypt) says so, and the order is made without it: the CA then sets the expiry.
      const resp = old
        ? await ctx.session.post(newOrder, { ...payload, notAfter: old.notAfter }, [201]).catch((e: unknown) => {
            if (e instanceof AcmeProblemError && /notafter|notbefore/i.test(e.problem.detail)) return ctx.session.post(newOrder, payload, [201]);
            throw e;
          })
        : await ctx.session.post(newOrder, payload, [201]);
      orderUrl = resp.headers.location ?? '';
    } catch (e) {
      if (e instanceof AcmeProblemError) throw portalError('acme-refused', t('acme.refused', { step: 'newOrder', problem: problemText(e.problem) }), t('acme.refusedHint'), { step: 'newOrder', type: e.problem.type, detail: e.problem.detail });
      throw e;
    }
    if (!orderUrl) throw portalError('acme-refused', t('acme.refused', { step: 'newOrder', problem: 'no Location' }), t('acme.refusedHint'), { step: 'newOrder' });
    // Saved before any challenge or the finalize: a retry of the same request finds this order.
    const pending: PendingOrder = {
      idempotencyKey,
      certificateId: old?.id ?? null,
      domains,
      orderUrl,
      csr: csrPem,
      keySource: request.keySource,
      keyLocation: request.keySource === 'card' ? cardKeyUri(request.card) : request.keyFile ? resolve(request.keyFile) : null,
      cardEvidence: request.keySource === 'card' ? request.card : null,
      newCertificateId: null,
    };
    try {
      ledger.saveOrder(pending, now().toISOString());
    } catch {
      // Another process saved an order under the same key meanwhile: follow that one.
      const other = ledger.order(idempotencyKey);
      if (other) return continueOrder(ctx, other);
      throw portalError('acme-ledger-write', t('acme.ledgerWrite', { path: ledger.path }), t('acme.ledgerUnreadableHint'));
    }
    return continueOrder(ctx, pending);
  };

  const extras: AcmeExtras = {
    directoryUrl,
    folder,
    termsOfService: () => termsOfService(new AcmeSession(directoryUrl, '')),
    async registerAccount(req) {
      const result = await registerAccount(folder, ledger, directoryUrl, req, now());
      learnDirectory(await new AcmeSession(directoryUrl, '').directory());
      return result;
    },
    async importCertificate(req) {
      const certs = parsePemChain(req.pem);
      if (!certs.length) throw inputError('acme-import-no-certificate', t('acme.importNoCertificate'), t('acme.importNoCertificateHint'));
      const chain = { leaf: certs[0]!, rest: certs.slice(1) };
      const existing = ledger.byId(copyIdOf(chain.leaf));
      if (existing) return view(existing);
      let keyLocation: string | null = null;
      if (req.keyFile) {
        const path = resolve(req.keyFile);
        const pem = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw inputError('acme-key-unreadable', t('acme.keyUnreadable', { path }), t('acme.keyUnreadableHint'), { path, cause: e.code });
        });
        if (!sameKey(publicKeyOfKeyFile(pem, path), spkiDer(chain.leaf))) throw inputError('acme-key-mismatch', t('acme.keyMismatch', { path }), t('acme.keyMismatchHint'), { path });
        keyLocation = path;
      } else if (req.cardUri) {
        keyLocation = req.cardUri;
      }
      const problem = await chainProblem(chain, now(), {});
      if (problem) throw inputError('acme-import-chain', t('acme.importChain', { problem: chainProblemText(problem) }), t('acme.importChainHint'), { problem: problem.code });
      const record = ledgerRecord(chain, {
        orderUrl: null,
        origin: 'imported',
        keySource: req.cardUri ? 'card' : 'csr',
        keyLocation,
        cardEvidence: req.card ?? null,
        account: ledger.currentAccount()?.url ?? null,
        replaces: null,
        obtainedAt: now().toISOString(),
      });
      ledger.insertCertificate(record);
      return view(record);
    },
    runDueRevocations: () => runDueRevocations(ledger, getSession, directoryUrl, now()),
    startupRevocations: [],
    renewalWindow: async (id) => renewalWindow(find(id)),
    async order(request, idempotencyKey) {
      const outcome = await placeOrder(request, idempotencyKey, () => null);
      return 'pending' in outcome ? outcome : { certificate: view(outcome.copy) };
    },
  };

  const portal: AcmePortal = {
    kind: 'acme',
    capabilities: [],
    acme: extras,
    async info(): Promise<KindInfo> {
      const account = ledger.currentAccount();
      return { name: t('acme.portalName', { host: new URL(directoryUrl).host, account: account?.contact.replace(/^mailto:/, '') ?? t('acme.noAccountYet') }), sandbox: false, now: now().toISOString(), kind: 'acme', capabilities: [], terms: { expiry: 'set-by-ca', revokeAfterDays: opts.settings.revokeAfterDays } };
    },
    async list(query: ListQuery = {}): Promise<CertificatePage> {
      const limit = query.limit ?? 50;
      const offset = query.offset ?? 0;
      const items = ledger.search(query.text, limit, offset).map(view);
      return { items, total: query.withTotal === false ? offset + items.length : ledger.count(query.text) };
    },
    count: async (query: CountQuery = {}) => ledger.count(query.text),
    async get(id) {
      const c = find(id);
      const cert = view(c);
      if (cert.acme) cert.acme.renewalWindow = await renewalWindow(c).catch(() => null);
      return cert;
    },
    async download(id: string, format: DownloadFormat, chain?: boolean) {
      const c = find(id);
      if (format === 'der') return new Uint8Array(Buffer.from(c.leafPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'));
      const text = chain && c.chainPem ? `${c.leafPem.trim()}\n${c.chainPem.trim()}\n` : `${c.leafPem.trim()}\n`;
      return new TextEncoder().encode(text);
    },
    async checkCsr(id: string, csr: Uint8Array, _keySource?: KeySource, _card?: CardEvidence): Promise<CsrReport> {
      const c = find(id);
      const { inspectCsr } = await import('../../pki/csr-check.js');
      return (await inspectCsr(csr, csrContext(c))).report;
    },
    async reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueOutcome> {
      if (request.keySource === 'cloud') throw portalError('key-source-not-allowed', t('acme.noCloudKeys'), t('acme.noCloudKeysHint'), { keySource: 'cloud', allowed: ['csr', 'card'] });
      return asReissue(await placeOrder(request, idempotencyKey, () => {
        const old = find(id);
        refuseReplaced(old, now());
        return old;
      }));
    },
    async resumeReissue(orderRef: string) {
      const saved = ledger.order(orderRef);
      if (!saved) throw portalError('order-not-found', t('acme.orderNotFound', { orderRef }), t('acme.orderNotFoundHint'), { orderRef });
      if (saved.newCertificateId) return asReissue({ copy: find(saved.newCertificateId), old: saved.certificateId ? find(saved.certificateId) : null });
      await assertChallengeUsable(opts.settings, opts.dnsManual?.());
      return asReissue(await continueOrder(await orderContext(), saved));
    },
    async revoke(id: string, reason: RevocationReason) {
      const c = find(id);
      if (c.revokedAt) return view(c);
      const s = await getSession();
      try {
        const result = await revokeAtCa(s, directoryUrl, c, reason);
        ledger.revokedNow(c.id, now().toISOString(), reason, answerWords(result));
      } catch (e) {
        if (e instanceof CardKeyRevocationRefused) throw portalError('acme-revoke-card-key', t('acme.revokeRefused', { id: c.id, problem: failureText(recordedFailure(e), c.keyLocation) }), t('acme.revokeCardKeyHint'), { id: c.id, type: e.problem.type });
        if (e instanceof AcmeProblemError) throw portalError('acme-revoke-refused', t('acme.revokeRefused', { id: c.id, problem: problemText(e.problem) }), t('acme.revokeRefusedHint'), { id: c.id, type: e.problem.type });
        throw e;
      }
      return view(find(c.id));
    },
    async pendingRevocations(): Promise<PendingRevocation[]> {
      const at = now();
      return ledger.scheduled().map((c) => ({ ...view(c), daysLeft: daysLeft(c.revokeAt!, at) }));
    },
    async close() {
      ledger.close();
    },
  };
  return portal;
}

function copyIdOf(cert: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex').slice(0, 10);
}

function csrContext(c: LedgerCertificate) {
  return { domains: c.domains, algorithms: [...ALGORITHMS], commonName: c.commonName, productName: 'ACME', earlierKeys: [{ spki: spkiDer(new x509.X509Certificate(c.leafPem)), copy: c.id }] };
}

/** Only the newest copy, and only a valid one, is reissued. */
function refuseReplaced(c: LedgerCertificate, now: Date): void {
  if (c.replacedBy) throw portalError('already-replaced', t('acme.alreadyReplaced', { id: c.id, newest: c.replacedBy }), t('acme.alreadyReplacedHint', { newest: c.replacedBy }), { id: c.id, newestCopyId: c.replacedBy });
  if (c.revokedAt) throw portalError('certificate-revoked', t('acme.revoked', { id: c.id }), t('acme.revokedHint'), { id: c.id });
  if (Date.parse(c.notAfter) <= now.getTime()) throw portalError('certificate-expired', t('acme.expired', { id: c.id, date: c.notAfter }), t('acme.revokedHint'), { id: c.id, notAfter: c.notAfter });
}

/** Where a card key lives, as a pkcs11: URI (the card's serial and label, the key's CKA_ID). */
function cardKeyUri(card: CardEvidence): string {
  const id = Array.from(Buffer.from(card.keyId, 'hex'), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return `${tokenUri({ label: card.token, serial: card.serial, manufacturer: card.manufacturer, model: card.model })};id=${id};type=private`;
}
