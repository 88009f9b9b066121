// The card use cases: find the card a request names, generate a key pair on it (its CSR signed on
// the card, optionally written to a file, recorded in a manifest and submitted as the reissue with
// the card's evidence), find the card holding a certificate's key and install it there, and remove
// a leftover key pair, and change or unblock its PIN. Offline preparation is the same keygen with a subject instead of a
// certificate and no submission.
import { t } from '../i18n/i18n.js';
import { algorithmLabel } from '../domain/algorithms.js';
import { ReissueError } from '../domain/errors.js';
import { offlineDomains } from '../domain/names.js';
import { productRefusal } from '../domain/policy.js';
import type { Algorithm, Certificate, ReissueOutcome } from '../domain/types.js';
import type { DeleteResult, InstallResult, KeygenResult, PinResult, ReaderInfo, TokenInfo, Pkcs11Uri, TokenSelector } from '../card/card.js';
import { cardEvidence } from '../card/evidence.js';
import { certificatesIn, planInstall, type BundleCertificate } from '../card/install-plan.js';
import { appendManifestLine, readManifest, type ManifestLine } from '../card/manifest.js';
import { algorithmUnsupported, moduleLoadError, noModule } from '../card/messages.js';
import { describeToken, pickToken } from '../card/select.js';
import { isPkcs11Uri, parsePkcs11Uri } from '../card/uri.js';
import { join } from 'node:path';
import { writeNewFile } from '../util/files.js';
import { ignoreEvents, type FlowDeps, type OnFlowEvent } from './flow.js';
import { submitReissue } from './reissue.js';

/** Whom the key pair is for: a certificate to reissue, or (offline) a bare subject. */
export type KeySubject = { certificate: Certificate } | { commonName: string; domains: string[] };

/** Consent and secret shared by every call that logs in to the card. */
export interface CardLogin {
  token: TokenInfo;
  /** Never logged, never put in an error. Empty with a PIN pad. */
  pin: string;
  /** The card reports one PIN try left and the user explicitly accepted the risk. */
  confirmFinalTry: boolean;
}

export interface CardKeygenRequest extends CardLogin {
  subject: KeySubject;
  algorithm: Algorithm;
  /** Also write the CSR here (never over an existing file). */
  csrOut?: string;
  /** Append one line about the prepared key pair to this manifest (offline preparation). */
  manifest?: string;
  /** Submit the CSR as the reissue of the subject's certificate. */
  submit: boolean;
  /** Asked once the key pair exists, before submitting: false keeps it on the card, unsubmitted. */
  shouldSubmit?: () => boolean;
}

export interface CardKeygenOutcome {
  keygen: KeygenResult;
  /** The new copy, when submitted. */
  issued: ReissueOutcome | null;
}

export interface SubjectSpec {
  /** The certificate to reissue (subject, domains and allowed algorithms come from it)… */
  certificateId?: string;
  /** …or, offline, a bare common name and domains (DNS names only; the CN when it is one). */
  commonName?: string;
  domains?: string[];
}

/** The subject a key pair is made for; with a certificate, the product's rules are checked first. */
export async function keySubjectFor(deps: Pick<FlowDeps, 'portal'>, spec: SubjectSpec, algorithm: Algorithm): Promise<KeySubject> {
  if (spec.certificateId === undefined) {
    const commonName = spec.commonName ?? '';
    return { commonName, domains: offlineDomains(commonName, spec.domains ?? []) };
  }
  const subject = { certificate: await (await deps.portal()).get(spec.certificateId) };
  assertCardKeygen(subject, algorithm);
  return subject;
}

/** What the key pair is for: the start of its label (the card layer adds the date and key id). */
export function keyLabel(subject: KeySubject): string {
  return 'certificate' in subject ? `reissue ${subject.certificate.orderId}` : `reissue ${subject.commonName}`;
}

/** `--token` takes a label, a serial or a PKCS#11 URI; `--serial` a serial. */
export function tokenSelector(token?: string, serial?: string): TokenSelector {
  return {
    ...(token !== undefined ? (isPkcs11Uri(token) ? { uri: parsePkcs11Uri(token) } : { labelOrSerial: token }) : {}),
    ...(serial !== undefined ? { serial } : {}),
  };
}

/** The one card the selector names, from the inventory; why there is none otherwise. */
export async function findCard(deps: Pick<FlowDeps, 'card'>, selector: TokenSelector): Promise<{ token: TokenInfo; reader: ReaderInfo }> {
  const inv = await (await deps.card()).inventory();
  const pick = pickToken(inv.readers, selector);
  if ('chosen' in pick) return { token: pick.chosen.token, reader: pick.chosen };
  if (!inv.modules.length) throw noModule();
  // Nothing seen at all because the module(s) failed to load: that is the real story.
  const failed = inv.modules.find((m) => !m.loaded);
  if (failed && !inv.readers.some((x) => x.token)) throw moduleLoadError(failed.path, new Error(failed.error ?? t('flows.unknownError')));
  throw pick.error;
}

/** The product takes on-card keys of this algorithm (the one product rule), and (when known) the card can make them. */
export function assertCardKeygen(subject: KeySubject, algorithm: Algorithm, token?: TokenInfo): void {
  if ('certificate' in subject) {
    const refusal = productRefusal(subject.certificate, { keySource: 'card', algorithm });
    if (refusal) throw refusal;
  }
  if (token && !token.algorithms.includes(algorithm)) {
    const err = algorithmUnsupported(algorithmLabel(algorithm), { token: token.label, supported: token.algorithms });
    throw new ReissueError('card', err.code, t('flows.cardCannotGenerate', { card: describeToken(token), algorithm: algorithmLabel(algorithm) }), t('flows.cardCanGenerate', { algorithms: token.algorithms.join(', ') || t('flows.cardCanGenerateNone') }), err.details);
  }
}

/** The manifest line for a key pair just made. */
export function manifestLine(keygen: KeygenResult, algorithm: Algorithm, csrFile: string | null, certificateId: string | null, at: Date): ManifestLine {
  return {
    cardSerial: keygen.token.serial,
    tokenLabel: keygen.token.label,
    manufacturer: keygen.token.manufacturer,
    model: keygen.token.model,
    module: keygen.module,
    keyId: keygen.keyId,
    keyLabel: keygen.label,
    keyUri: keygen.keyUri,
    publicKeySha256: keygen.publicKeySha256,
    algorithm,
    csrFile,
    for: certificateId,
    time: at.toISOString(),
  };
}

export async function generateOnCard(deps: Pick<FlowDeps, 'card' | 'portal'>, req: CardKeygenRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<CardKeygenOutcome> {
  assertCardKeygen(req.subject, req.algorithm, req.token);
  const cert = 'certificate' in req.subject ? req.subject.certificate : null;
  if (req.submit && !cert) throw new Error('submit needs a certificate'); // the callers' usage checks prevent this
  const service = await deps.card();
  const keygen = await service.generate({
    token: { serial: req.token.serial, label: req.token.label },
    algorithm: req.algorithm,
    pin: req.pin,
    commonName: cert?.commonName ?? (req.subject as { commonName: string }).commonName,
    domains: cert?.domains ?? (req.subject as { domains: string[] }).domains,
    organization: cert?.organization ?? null,
    label: keyLabel(req.subject),
    confirmFinalTry: req.confirmFinalTry,
    onProgress: (progress) => onEvent({ type: 'card-progress', progress }),
  });
  onEvent({ type: 'key-generated', csrPem: keygen.csrPem, keyId: keygen.keyId, token: keygen.token, keyUri: keygen.keyUri });
  if (req.csrOut) {
    await writeNewFile(req.csrOut, keygen.csrPem);
    onEvent({ type: 'csr-written', path: req.csrOut });
  }
  if (req.manifest) await appendManifestLine(req.manifest, manifestLine(keygen, req.algorithm, req.csrOut ?? null, cert?.id ?? null, new Date()));
  if (!req.submit || !cert || req.shouldSubmit?.() === false) return { keygen, issued: null };
  // A card-only product takes the CSR only with the card's evidence, which the portal records.
  const csr = new TextEncoder().encode(keygen.csrPem);
  const issued = await submitReissue(deps, { certificateId: cert.id, request: { keySource: 'card', csr, card: cardEvidence(keygen) } }, onEvent);
  return { keygen, issued };
}

/**
 * Keeps the CSR of a key pair that stays on the card unsubmitted (interrupted, or the portal
 * failed): in `csrOut` when it was written there, else in a new file in `dir`. Returns the exact
 * command that submits it later; the one idempotency-key rule makes running it twice harmless.
 */
export async function keepForLater(csrPem: string, certificateId: string, keyId: string, csrOut: string | undefined, dir: string, manifest?: string): Promise<{ path: string; command: string }> {
  let path = csrOut;
  if (!path) {
    path = join(dir, `reissue-${certificateId}-${keyId.slice(0, 8)}.csr`);
    await writeNewFile(path, csrPem).catch(async (e) => {
      if ((e as { code?: string }).code !== 'file-exists') throw e; // the same key's CSR, kept before
    });
  }
  return { path, command: submitLaterCommand(certificateId, path, manifest) };
}

/** The command that submits a card CSR later: it works with the card inserted, or with the manifest. */
export function submitLaterCommand(certificateId: string, csrFile: string, manifest?: string): string {
  return ['reissue', 'submit', certificateId, '--csr', csrFile, '--key-source', 'card', ...(manifest ? ['--manifest', manifest] : [])].join(' ');
}

/** Which certificate to install: downloaded from the portal, or read from a file (PEM, PEM bundle or DER). */
export type CertificateSource = { certificateId: string } | { file: string };

/** Every certificate of the source (a bundle may hold the CA certificate too). */
export async function loadIssuedCertificates(deps: Pick<FlowDeps, 'portal' | 'readFile'>, source: CertificateSource): Promise<BundleCertificate[]> {
  const bytes = 'certificateId' in source ? await (await deps.portal()).download(source.certificateId, 'der') : await deps.readFile(source.file);
  return certificatesIn(bytes);
}

export interface InstallTarget {
  certificate: BundleCertificate;
  /** The card holding the certificate's key. */
  token: TokenInfo;
  /** What was left out of a bundle, in words (English) and as positions in the file. */
  skipped: string[];
  left: { index: number; total: number }[];
}

/**
 * The card to install on: every card of every module the selector allows is searched for the key
 * of each certificate (no PIN needed). With a manifest, an absent card is named.
 */
export async function findInstallTarget(
  deps: Pick<FlowDeps, 'card'>,
  certificates: BundleCertificate[],
  search: { selector: TokenSelector; key?: Pkcs11Uri; manifest?: string },
): Promise<InstallTarget> {
  const selector = search.key ? { ...search.selector, uri: search.key } : search.selector;
  let found = await (await deps.card()).findKeys(certificates.map((c) => c.spki), selector);
  // --key names the key pair itself: only that one counts.
  if (search.key?.id) found = found.map((locations) => locations.filter((l) => l.key.id === search.key!.id));
  const narrowed = Object.keys(selector).length > 0;
  const plan = planInstall(certificates, found, search.manifest ? await readManifest(search.manifest) : null, narrowed);
  if (plan instanceof ReissueError) throw plan;
  return { certificate: plan.install!.certificate, token: plan.install!.location.token, skipped: plan.skipped, left: plan.left };
}

export interface CardInstallRequest extends CardLogin {
  certificateDer: Uint8Array;
}

export async function installOnCard(deps: Pick<FlowDeps, 'card'>, req: CardInstallRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<InstallResult> {
  const service = await deps.card();
  return service.install({
    token: { serial: req.token.serial, label: req.token.label },
    pin: req.pin,
    certificateDer: req.certificateDer,
    confirmFinalTry: req.confirmFinalTry,
    onProgress: (progress) => onEvent({ type: 'card-progress', progress }),
  });
}

export interface CardDeleteRequest extends CardLogin {
  key: Pkcs11Uri;
  force: boolean;
}

export async function deleteFromCard(deps: Pick<FlowDeps, 'card'>, req: CardDeleteRequest): Promise<DeleteResult> {
  return (await deps.card()).deleteKey({ uri: req.key, pin: req.pin, force: req.force, confirmFinalTry: req.confirmFinalTry });
}

/** The card a PIN operation is for, by serial and label (as the other card calls name it). */
const cardOf = (token: TokenInfo): TokenSelector => ({ serial: token.serial, label: token.label });

export interface CardPinChange extends CardLogin {
  newPin: string;
}

export async function changeCardPin(deps: Pick<FlowDeps, 'card'>, req: CardPinChange): Promise<PinResult> {
  return (await deps.card()).changePin({ token: cardOf(req.token), pin: req.pin, newPin: req.newPin, confirmFinalTry: req.confirmFinalTry });
}

export interface CardPinUnblock {
  token: TokenInfo;
  /** The PUK (SO PIN). Never logged, never put in an error. Empty with a PIN pad. */
  puk: string;
  newPin: string;
  /** The card reports one PUK try left and the user explicitly accepted the risk. */
  confirmFinalTry: boolean;
}

export async function unblockCardPin(deps: Pick<FlowDeps, 'card'>, req: CardPinUnblock): Promise<PinResult> {
  return (await deps.card()).unblockPin({ token: cardOf(req.token), puk: req.puk, newPin: req.newPin, confirmFinalTry: req.confirmFinalTry });
}
