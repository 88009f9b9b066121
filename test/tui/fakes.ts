// Fakes for the wizard's services: an in-memory Portal with realistic certificates (the shapes of
// src/domain/types.ts, the reference manual's example first) that runs the real CSR checks, and a
// CardService that reports progress and fails on demand with the card layer's error codes.
import { webcrypto } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { CardInventory, CardProgress, CardService, DeleteResult, InstallRequest, KeygenRequest, KeygenResult, KeyLocation, PinResult, ReaderInfo, TokenInfo } from '../../src/card/card.js';
import { publicKeySha256 as spkiSha256 } from '../../src/card/key-ids.js';
import { checkPinLength, checkPinState } from '../../src/card/pin-rules.js';
import { cardError, inputError, portalError, type ReissueError } from '../../src/domain/errors.js';
import { cardEvidenceOf, daysLeft, reissueRefusal, scheduledRevocationDate } from '../../src/domain/policy.js';
import type { Algorithm, Certificate, CsrReport, KeySource, PendingRevocation, PortalEmail, ReissueRequest, ReissueResult, RevocationReason } from '../../src/domain/types.js';
import { buildCsr } from '../../src/pki/csr-build.js';
import { checkCsr } from '../../src/pki/csr-check.js';
import { locateCsr } from '../../src/pki/csr-input.js';
import { noPendingOrders } from '../../src/portal/own-orders.js';
import { PORTAL_CAPABILITIES, type AnyPortal, type CertificatePage, type CountQuery, type KindInfo, type ListQuery, type OwnPortal, type PortalCapability } from '../../src/portal/portal.js';
import type { WizardServices } from '../../src/tui/services.js';

export const NOW = new Date('2026-11-24T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

export function manualExample(overrides: Partial<Certificate> = {}): Certificate {
  return {
    id: 'c-0001',
    serialNumber: '6a5d7ffef2f6c2ac3b0b4a43c2cb773',
    commonName: 'assecodata.pl',
    domains: ['assecodata.pl', 'www.assecodata.pl'],
    state: 'valid',
    orderId: 'ORDER/0000123456/po',
    product: 'Trusted MultiDomain SSL 4 domains 365 days',
    productCategory: 'SSL (TLS)',
    keySources: ['csr'],
    algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'],
    notBefore: iso(NOW.getTime() - 20 * DAY),
    notAfter: iso(NOW.getTime() + 345 * DAY),
    replaces: null,
    replacedBy: null,
    revocationDate: null,
    revocationReason: null,
    subscriber: { name: 'Paula', lastName: 'Chlebicka', email: 'paula.chlebicka@assecodata.pl', verificationMethod: 'Automatic identity verification' },
    organization: { name: 'Asseco Data Systems S.A.', verificationMethod: 'KRS 0000421310', country: 'Poland', stateOrProvince: 'pomorskie', locality: 'Gdańsk' },
    authorizationMethod: 'KRS 0000421310',
    account: 'demo',
    ...overrides,
  };
}

export function codeSigning(overrides: Partial<Certificate> = {}): Certificate {
  return manualExample({
    id: 'c-0002',
    serialNumber: '1f00aa11bb22cc33dd44ee55ff660077',
    commonName: 'Asseco Data Systems S.A.',
    domains: [],
    orderId: 'ORDER/0000123457/cs',
    product: 'Code Signing Standard 365 days',
    productCategory: 'Code Signing',
    keySources: ['card'],
    algorithms: ['rsa-2048', 'rsa-3072', 'ec-p256'],
    ...overrides,
  });
}

/** The demo account: valid (CSR), code signing (card only), pending revocation, revoked, expired. */
export function demoCertificates(): Certificate[] {
  const replacedOld = manualExample({
    id: 'c-0003',
    serialNumber: '0badc0de0badc0de0badc0de0badc0d3',
    commonName: 'shop.example.pl',
    domains: ['shop.example.pl'],
    orderId: 'ORDER/0000123458/po',
    state: 'pending-revocation',
    replacedBy: 'c-0004',
    revocationDate: iso(NOW.getTime() + 13 * DAY - 60_000),
  });
  const replacedNew = manualExample({
    id: 'c-0004',
    serialNumber: '0badc0de0badc0de0badc0de0badc0d4',
    commonName: 'shop.example.pl',
    domains: ['shop.example.pl'],
    orderId: 'ORDER/0000123458/po',
    replaces: 'c-0003',
  });
  const revoked = manualExample({
    id: 'c-0005',
    serialNumber: '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e55',
    commonName: 'old.example.pl',
    domains: ['old.example.pl'],
    orderId: 'ORDER/0000123459/po',
    state: 'revoked',
    revocationDate: iso(NOW.getTime() - 30 * DAY),
    revocationReason: 'keyCompromise',
  });
  const expired = manualExample({
    id: 'c-0006',
    serialNumber: '6e6e6e6e6e6e6e6e6e6e6e6e6e6e6e66',
    commonName: 'legacy.example.pl',
    domains: ['legacy.example.pl'],
    orderId: 'ORDER/0000123460/po',
    state: 'expired',
    notBefore: iso(NOW.getTime() - 400 * DAY),
    notAfter: iso(NOW.getTime() - 35 * DAY),
  });
  return [manualExample(), codeSigning(), replacedOld, replacedNew, revoked, expired];
}

/** `n` certificates host-00000.example.com … for the large-list tests. */
export function manyCertificates(n: number): Certificate[] {
  const out: Certificate[] = [];
  for (let i = 0; i < n; i++) {
    const name = `host-${String(i).padStart(5, '0')}.example.com`;
    out.push(manualExample({ id: `m-${i}`, serialNumber: (0x100000 + i).toString(16).padStart(32, '0'), commonName: name, domains: [name], orderId: `ORDER/${String(i).padStart(10, '0')}/po` }));
  }
  return out;
}

export interface FakePortalOptions {
  certificates?: Certificate[];
  /** Thrown by reissue() (e.g. a network error). */
  reissueError?: ReissueError;
  /** E-mails emails(id) answers, by certificate id. */
  emails?: Record<string, PortalEmail[]>;
  /** Thrown by list(). */
  listError?: ReissueError;
}

export class FakePortal implements OwnPortal {
  readonly kind: string = 'fake';
  readonly capabilities: readonly PortalCapability[] = PORTAL_CAPABILITIES;
  certificates: Certificate[];
  listCalls: ListQuery[] = [];
  countCalls: CountQuery[] = [];
  private countGate: Promise<void> | null = null;
  reissueCalls: { id: string; csr: Uint8Array; key: string; keySource: KeySource; request: ReissueRequest }[] = [];
  downloads: { id: string; format: string }[] = [];
  private byKey = new Map<string, ReissueResult>();
  private seq = 100;

  constructor(private opts: FakePortalOptions = {}) {
    this.certificates = (opts.certificates ?? demoCertificates()).map((c) => ({ ...c }));
  }

  async info(): Promise<KindInfo> {
    return { name: 'SANDBOX portal (fake)', sandbox: true, now: NOW.toISOString(), kind: this.kind, capabilities: [...this.capabilities] };
  }

  async list(query: ListQuery = {}): Promise<CertificatePage> {
    this.listCalls.push(query);
    if (this.opts.listError) throw this.opts.listError;
    const match = this.matching(query.text ?? '');
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 50;
    const items = match.slice(offset, offset + limit);
    // Without the count, as the real portals answer: a lower bound unless the page shows the end.
    if (query.withTotal === false && !(offset === 0 && items.length < limit)) return { items, total: items.length ? offset + items.length : 0 };
    return { items, total: match.length };
  }

  async count(query: CountQuery = {}): Promise<number> {
    this.countCalls.push(query);
    const gate = this.countGate;
    if (gate) await gate;
    if (this.opts.listError) throw this.opts.listError;
    return this.matching(query.text ?? '').length;
  }

  /** Holds every count() answer until the returned function is called. */
  holdCounts(): () => void {
    let release!: () => void;
    this.countGate = new Promise<void>((r) => (release = r));
    return () => {
      this.countGate = null;
      release();
    };
  }

  private matching(text: string): Certificate[] {
    const t = text.toLowerCase();
    return t ? this.certificates.filter((c) => [c.commonName, ...c.domains, c.orderId, c.serialNumber, c.product].some((f) => f.toLowerCase().includes(t))) : this.certificates;
  }

  async get(id: string): Promise<Certificate> {
    const c = this.certificates.find((x) => x.id === id || x.serialNumber === id);
    if (!c) throw portalError('not-found', `No certificate ${id}.`, 'Run reissue list.');
    return { ...c };
  }

  async download(id: string, format: 'pem' | 'der'): Promise<Uint8Array> {
    const c = await this.get(id);
    this.downloads.push({ id, format });
    const der = await certificateDerFor(c);
    return format === 'pem' ? new TextEncoder().encode(`-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`) : der;
  }

  async checkCsr(id: string, csr: Uint8Array): Promise<CsrReport> {
    const c = await this.get(id);
    return checkCsr(csr, { domains: c.domains, algorithms: c.algorithms, commonName: c.commonName, productName: c.product });
  }

  /** Holds every reissue() until the returned function is called; nothing is issued meanwhile. */
  holdReissues(): () => void {
    let release!: () => void;
    this.reissueGate = new Promise<void>((r) => (release = r));
    return () => {
      this.reissueGate = null;
      release();
    };
  }
  private reissueGate: Promise<void> | null = null;

  /** Like LocalPortal: the request's key source is checked against the product; cloud keys need no CSR. */
  async reissue(id: string, request: ReissueRequest, idempotencyKey: string): Promise<ReissueResult> {
    const keySource = request.keySource;
    const csr = request.keySource === 'cloud' ? new Uint8Array() : request.csr;
    this.reissueCalls.push({ id, csr, key: idempotencyKey, keySource, request });
    if (this.reissueGate) await this.reissueGate;
    if (this.opts.reissueError) throw this.opts.reissueError;
    const first = this.byKey.get(idempotencyKey);
    if (first) return first;
    const old = this.certificates.find((c) => c.id === id);
    if (!old) throw portalError('not-found', `No certificate ${id}.`);
    const refusal = reissueRefusal(old, keySource, old.replacedBy ?? old.id);
    if (refusal) throw refusal;
    const evidence = cardEvidenceOf(request);
    if ('refusal' in evidence) throw evidence.refusal;
    if (request.keySource !== 'cloud') {
      const report = await this.checkCsr(id, csr);
      if (!report.ok) throw portalError('csr-invalid', report.problems[0]!.message);
    }
    const cloudKey = request.keySource === 'cloud' ? { store: 'sandbox' as const, location: 'fake store', keyId: 'ab'.repeat(20), label: `reissue ${old.orderId}` } : null;
    const fresh: Certificate = { ...old, id: `c-${++this.seq}`, serialNumber: (0xabc000 + this.seq).toString(16).padStart(32, '0'), notBefore: NOW.toISOString(), replaces: old.id, replacedBy: null, keySource, cloudKey, cardEvidence: evidence.evidence };
    Object.assign(old, { state: 'pending-revocation', replacedBy: fresh.id, revocationDate: scheduledRevocationDate(NOW).toISOString() });
    this.certificates.push(fresh);
    const result = { certificate: { ...fresh }, replaced: { ...old } };
    this.byKey.set(idempotencyKey, result);
    return result;
  }

  /** The e-mails given in the options for a certificate (the wizard lists them in the details). */
  async emails(id: string): Promise<PortalEmail[]> {
    await this.get(id);
    return this.opts.emails?.[id] ?? [];
  }

  resumeReissue = noPendingOrders;

  async revoke(id: string, reason: RevocationReason): Promise<Certificate> {
    const c = this.certificates.find((x) => x.id === id);
    if (!c) throw portalError('not-found', `No certificate ${id}.`);
    Object.assign(c, { state: 'revoked', revocationDate: NOW.toISOString(), revocationReason: reason });
    return { ...c };
  }

  async pendingRevocations(): Promise<PendingRevocation[]> {
    return this.certificates.filter((c) => c.state === 'pending-revocation').map((c) => ({ ...c, daysLeft: daysLeft(c.revocationDate!, NOW) }));
  }

  async caCertificate(): Promise<string> {
    return '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n';
  }
  async crl(): Promise<Uint8Array> {
    return new Uint8Array();
  }
  async close(): Promise<void> {}
}

/**
 * A portal of a kind with the core only (as a real CA may be): `portal`'s core methods, no CA
 * certificate, CRL, e-mail log or cloud keys, and its info says so. `calls` names every
 * capability method anything tried to reach on it.
 */
export function coreOnlyPortal(portal: FakePortal = new FakePortal()): AnyPortal & { calls: string[] } {
  const calls: string[] = [];
  const core: AnyPortal & { calls: string[] } = {
    kind: 'core-only',
    capabilities: [],
    calls,
    info: async () => ({ ...(await portal.info()), name: 'core-only portal (fake)', sandbox: false, kind: 'core-only', capabilities: [] }),
    list: (q) => portal.list(q),
    count: (q) => portal.count(q),
    get: (id) => portal.get(id),
    download: (id, f) => portal.download(id, f),
    checkCsr: (id, csr) => portal.checkCsr(id, csr),
    reissue: (id, r, key) => portal.reissue(id, r, key),
    resumeReissue: (ref) => portal.resumeReissue(ref),
    revoke: (id, reason) => portal.revoke(id, reason),
    pendingRevocations: () => portal.pendingRevocations(),
    close: () => portal.close(),
  };
  // A caller that reaches for a capability without asking would show up here.
  return new Proxy(core, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && (PORTAL_CAPABILITIES as readonly string[]).includes(prop)) calls.push(prop);
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * A CA that validates an order before it issues (core only): reissue() answers pending, and
 * resumeReissue() answers pending `checks` more times before the new copy (issued by `portal`
 * then). `resumed` lists the order refs asked about.
 */
export function pendingPortal(portal: FakePortal = new FakePortal(), checks = 1, retryAfterMs = 50): AnyPortal & { resumed: string[] } {
  const orders = new Map<string, { left: number; issue: () => Promise<ReissueResult> }>();
  const resumed: string[] = [];
  let seq = 0;
  const pending = (orderRef: string) => ({ pending: { orderRef, retryAfterMs } });
  return {
    ...coreOnlyPortal(portal),
    kind: 'pending-ca',
    resumed,
    info: async () => ({ ...(await portal.info()), name: 'pending CA (fake)', sandbox: false, kind: 'pending-ca', capabilities: [] }),
    reissue: async (id, request, key) => {
      await portal.get(id);
      const orderRef = `order-${++seq}`;
      orders.set(orderRef, { left: checks, issue: () => portal.reissue(id, request, key) });
      return pending(orderRef);
    },
    resumeReissue: async (orderRef) => {
      resumed.push(orderRef);
      const order = orders.get(orderRef);
      if (!order) return noPendingOrders(orderRef);
      if (order.left-- > 0) return pending(orderRef);
      return order.issue();
    },
  };
}

const issuedDer = new Map<string, Promise<Uint8Array>>();
const serialOfDer = new Map<string, string>();

/** A real X.509 certificate (self-signed, EC P-256) with the certificate's CN and serial, made once per id. */
export function certificateDerFor(c: Certificate): Promise<Uint8Array> {
  let made = issuedDer.get(c.id);
  if (!made) {
    made = (async () => {
      const { x509 } = await import('../../src/pki/x509.js');
      const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
      const keys = (await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify'])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: c.serialNumber, name: `CN=${c.commonName}`, notBefore: new Date(c.notBefore), notAfter: new Date(c.notAfter), keys, signingAlgorithm: alg });
      const der = new Uint8Array(cert.rawData);
      serialOfDer.set(Buffer.from(der).toString('base64'), c.serialNumber);
      return der;
    })();
    issuedDer.set(c.id, made);
  }
  return made;
}

/** A CSR for `cert`'s subject, signed by a fresh software key (EC P-256: fast). */
export async function csrFor(commonName: string, domains: string[], algorithm: 'ec-p256' | 'ec-p384' = 'ec-p256'): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: algorithm === 'ec-p256' ? 'P-256' : 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  return buildCsr({ commonName, domains }, keys, webcrypto as unknown as Crypto);
}

export function token(overrides: Partial<TokenInfo> = {}, pin: Partial<TokenInfo['pin']> = {}): TokenInfo {
  return {
    label: 'Certum common',
    serial: '1625834976919804',
    manufacturer: 'Certum',
    model: 'cryptoCertum 3.6',
    algorithms: ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'],
    uri: 'pkcs11:model=cryptoCertum%203.6;manufacturer=Certum;serial=1625834976919804;token=Certum%20common',
    ...overrides,
    pin: { initialized: true, userPinSet: true, countLow: false, finalTry: false, locked: false, toBeChanged: false, protectedAuthPath: false, minLength: 4, maxLength: 8, ...pin },
  };
}

export function reader(t: TokenInfo | null, name = 'ACS ACR39U ICC Reader 0', slotId = '1'): ReaderInfo {
  return { module: '/usr/lib/fake-pkcs11.so', slotId, name, tokenPresent: t !== null, token: t };
}

export interface FakeCardOptions {
  readers?: ReaderInfo[];
  /** Card error code to fail with, and in which phase (`times`: only the first so many times). */
  fail?: { code: string; phase: 'login' | 'generate' | 'sign' | 'install'; times?: number };
  /** The PIN flags a wrong PIN leaves (default: count low, as SoftHSM2-like tokens report). */
  afterWrongPin?: Partial<TokenInfo['pin']>;
  /** Milliseconds each phase takes (ticks are emitted meanwhile). */
  phaseMs?: number;
}

export class FakeCard implements CardService {
  readers: ReaderInfo[];
  /** What generate()/install() received, to assert the real PIN went through (tests only). */
  received: { pin: string; algorithm?: Algorithm; serial?: string; confirmFinalTry: boolean }[] = [];
  closed = 0;
  inventoryCalls = 0;
  private failures = 0;

  constructor(private opts: FakeCardOptions = {}) {
    this.readers = opts.readers ?? [reader(token())];
  }

  async inventory(): Promise<CardInventory> {
    this.inventoryCalls++;
    return { modules: [{ path: '/usr/lib/fake-pkcs11.so', loaded: true, error: null, manufacturer: 'Fake', description: 'fake module', remote: null }], readers: this.readers.map((r) => ({ ...r })) };
  }

  private async phase(name: CardProgress['phase'], report?: (p: CardProgress) => void): Promise<void> {
    const ms = this.opts.phaseMs ?? 5;
    report?.({ type: 'started', phase: name });
    await new Promise((r) => setTimeout(r, ms));
    // Like the card worker: close() stops a running operation at its next safe point.
    if (this.closed) throw cardError('cancelled', 'The card operation was cancelled.', 'Run the command again when ready.');
    report?.({ type: 'tick', phase: name, elapsedMs: ms });
    const f = this.opts.fail;
    if (f && f.phase === name && (f.times === undefined || this.failures < f.times)) {
      this.failures++;
      report?.({ type: 'failed', phase: name, elapsedMs: ms, code: f.code });
      // Like a real token: a wrong PIN sets CKF_USER_PIN_COUNT_LOW (or FINAL_TRY when told).
      const flags = this.opts.afterWrongPin ?? { countLow: true };
      if (f.code === 'pin-wrong') this.readers = this.readers.map((r) => (r.token ? { ...r, token: { ...r.token, pin: { ...r.token.pin, ...flags } } } : r));
      throw CARD_ERRORS[f.code]?.() ?? cardError(f.code, `Card failure ${f.code}.`, 'Try again.');
    }
    report?.({ type: 'finished', phase: name, elapsedMs: ms });
  }

  /** The real card layer's PIN rules (src/card/pin-rules.ts), checked before the card is asked. */
  private checkPin(req: { token: { serial?: string }; pin: string; confirmFinalTry?: boolean }): void {
    const t = this.readers.find((r) => r.token?.serial === req.token.serial)?.token;
    if (!t) throw cardError('token-not-found', `No card with serial ${req.token.serial}.`, 'Insert the card.');
    checkPinState(t.pin, req.confirmFinalTry);
    checkPinLength(req.pin, t.pin);
  }

  async generate(req: KeygenRequest): Promise<KeygenResult> {
    this.checkPin(req);
    this.received.push({ pin: req.pin, algorithm: req.algorithm, ...(req.token.serial ? { serial: req.token.serial } : {}), confirmFinalTry: Boolean(req.confirmFinalTry) });
    await this.phase('login', req.onProgress);
    await this.phase('generate', req.onProgress);
    await this.phase('sign', req.onProgress);
    const csrPem = await csrFor(req.commonName, req.domains);
    const t = this.readers.find((r) => r.token?.serial === req.token.serial)?.token ?? token();
    // The key's SHA-256 as the card layer gives it (the portal's evidence rule reads it).
    const located = locateCsr(new TextEncoder().encode(csrPem));
    const publicKeySha256 = 'csr' in located ? spkiSha256(located.csr.key.spki) : '';
    return { csrPem, keyId: 'a1b2c3', publicKeySpki: new Uint8Array(), token: t, module: '/usr/lib/fake-pkcs11.so', label: `${req.label} a1b2c3`, keyUri: `${t.uri};id=%a1%b2%c3;type=private`, publicKeySha256 };
  }

  async install(req: InstallRequest) {
    this.checkPin(req);
    this.received.push({ pin: req.pin, ...(req.token.serial ? { serial: req.token.serial } : {}), confirmFinalTry: Boolean(req.confirmFinalTry) });
    await this.phase('login', req.onProgress);
    await this.phase('install', req.onProgress);
    const t = this.readers.find((r) => r.token?.serial === req.token.serial)?.token ?? token();
    return { keyId: 'a1b2c3', token: t, module: '/usr/lib/fake-pkcs11.so', label: 'fake a1b2c3', keyUri: `${t.uri};id=%a1%b2%c3;type=private`, certificateUri: `${t.uri};id=%a1%b2%c3;type=cert` };
  }

  async findKeys(spkis: Uint8Array[]): Promise<KeyLocation[][]> {
    return spkis.map(() => []);
  }

  async deleteKey(): Promise<DeleteResult> {
    throw cardError('key-not-found', 'No such key on the fake card.');
  }

  // PIN change and unblock run only on the PKCS#11 PIN shim (test/helpers/pin-shim.ts).
  async changePin(): Promise<PinResult> {
    throw cardError('function-not-supported', 'The fake card cannot change its PIN.');
  }

  async unblockPin(): Promise<PinResult> {
    throw cardError('function-not-supported', 'The fake card cannot unblock its PIN.');
  }

  async close(): Promise<void> {
    this.closed++;
  }
}

/** The card layer's messages for the codes the tests use (src/card/messages.ts and src/card/pkcs11/errors.ts wording). */
const CARD_ERRORS: Record<string, () => ReissueError> = {
  'pin-wrong': () => cardError('pin-wrong', 'The PIN is wrong.', "Type the user (common profile) PIN again; each wrong PIN uses up one of the card's tries."),
  'card-removed': () => cardError('card-removed', 'The card was removed from the reader during key generation.', 'Insert the card again and restart the key generation; nothing was submitted.'),
  'pin-locked': () => cardError('pin-locked', 'The user PIN is locked.', 'Unblock it with the PUK, then try again.'),
};

export interface FakeServices extends WizardServices {
  portal: FakePortal;
  card: FakeCard;
  written: Map<string, Uint8Array>;
  generated: { keyPath: string; passphrase?: string; algorithm: Algorithm }[];
  openCardCalls: number;
  /** describeCertificate waits for this (set it to a pending promise to hold the preview loading). */
  previewGate: Promise<void>;
}

export function fakeServices(opts: { portal?: FakePortal; card?: FakeCard; openCardError?: ReissueError; files?: Record<string, string | Uint8Array>; workDir?: string } = {}): FakeServices {
  const portal = opts.portal ?? new FakePortal();
  const card = opts.card ?? new FakeCard();
  const written = new Map<string, Uint8Array>();
  const files = new Map(Object.entries(opts.files ?? {}).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
  const services: FakeServices = {
    portal,
    card,
    written,
    generated: [],
    openCardCalls: 0,
    previewGate: Promise.resolve(),
    async openCard() {
      services.openCardCalls++;
      if (opts.openCardError) throw opts.openCardError;
      return card;
    },
    async generateCsr({ certificate, algorithm, keyPath, passphrase }) {
      services.generated.push({ keyPath, algorithm, ...(passphrase ? { passphrase } : {}) });
      return { csrPem: await csrFor(certificate.commonName, certificate.domains), keyPath };
    },
    async checkNewKeyPath(path) {
      if (files.has(path) || written.has(path)) throw inputError('file-exists', `The private key file ${path} already exists; it was left unchanged.`, 'Choose another file name: a private key is never overwritten.');
    },
    async readFile(path) {
      const f = files.get(path);
      if (!f) throw inputError('no-such-file', `Cannot read ${path}: no such file.`, 'Check the path.');
      return f;
    },
    async writeFile(path, data, { overwrite }) {
      if (!overwrite && (written.has(path) || files.has(path))) {
        throw inputError('file-exists', `${path} already exists; it was left unchanged.`, 'Choose another file name.');
      }
      written.set(path, data);
    },
    async describeCertificate(der) {
      // Like the real one, which imports the X.509 code first: tests can hold it to see the loading state.
      await services.previewGate;
      const serial = serialOfDer.get(Buffer.from(der).toString('base64')) ?? 'unknown';
      return ['Certificate:', `  Raw: certificate ${serial}`, ...Array.from({ length: 60 }, (_, i) => `  Line ${i + 1}`)].join('\n');
    },
    now: () => NOW,
    workDir: () => opts.workDir ?? tmpdir(),
  };
  return services;
}
