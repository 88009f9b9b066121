// The card use cases: find the card a request names, generate a key pair on it (its CSR signed on
// the card, optionally written to a file and submitted as the reissue), and install an issued
// certificate next to its key. Offline preparation is the same keygen with a subject instead of a
// certificate and no submission.
import { algorithmLabel } from '../domain/algorithms.js';
import { inputError, portalError, ReissueError } from '../domain/errors.js';
import type { Algorithm, Certificate, ReissueResult } from '../domain/types.js';
import type { InstallResult, KeygenResult, ReaderInfo, TokenInfo, TokenSelector } from '../card/card.js';
import { algorithmUnsupported, moduleLoadError, noModule } from '../card/messages.js';
import { describeToken, pickToken } from '../card/select.js';
import { decodePemBlocks, looksLikePem } from '../pki/pem.js';
import { writeNewFile } from '../util/files.js';
import { ignoreEvents, type FlowDeps, type OnFlowEvent } from './flow.js';
import { cardEvidence } from '../card/evidence.js';
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
  /** Submit the CSR as the reissue of the subject's certificate. */
  submit: boolean;
  /** Asked once the key pair exists, before submitting: false keeps it on the card, unsubmitted. */
  shouldSubmit?: () => boolean;
}

export interface CardKeygenOutcome {
  keygen: KeygenResult;
  /** The new copy, when submitted. */
  issued: ReissueResult | null;
}

export interface SubjectSpec {
  /** The certificate to reissue (subject, domains and allowed algorithms come from it)… */
  certificateId?: string;
  /** …or, offline, a bare common name and domains (the CN alone when none are given). */
  commonName?: string;
  domains?: string[];
}

/** The subject a key pair is made for; with a certificate, the product's rules are checked first. */
export async function keySubjectFor(deps: Pick<FlowDeps, 'portal'>, spec: SubjectSpec, algorithm: Algorithm): Promise<KeySubject> {
  if (spec.certificateId === undefined) {
    const commonName = spec.commonName ?? '';
    return { commonName, domains: spec.domains?.length ? spec.domains : [commonName] };
  }
  const subject = { certificate: await (await deps.portal()).get(spec.certificateId) };
  assertCardKeygen(subject, algorithm);
  return subject;
}

/** The card's key label: the order it was made for, or the offline subject's CN. */
export function keyLabel(subject: KeySubject): string {
  return 'certificate' in subject ? `reissue ${subject.certificate.orderId}` : `reissue ${subject.commonName}`;
}

/** The one card the selector names, from the inventory; why there is none otherwise. */
export async function findCard(deps: Pick<FlowDeps, 'card'>, selector: TokenSelector): Promise<{ token: TokenInfo; reader: ReaderInfo }> {
  const inv = await (await deps.card()).inventory();
  const pick = pickToken(inv.readers, selector);
  if ('chosen' in pick) return { token: pick.chosen.token, reader: pick.chosen };
  if (!inv.modules.length) throw noModule();
  // Nothing seen at all because the module(s) failed to load: that is the real story.
  const failed = inv.modules.find((m) => !m.loaded);
  if (failed && !inv.readers.some((x) => x.token)) throw moduleLoadError(failed.path, new Error(failed.error ?? 'unknown error'));
  throw pick.error;
}

/** The product takes on-card keys of this algorithm, and (when known) the card can make them. */
export function assertCardKeygen(subject: KeySubject, algorithm: Algorithm, token?: TokenInfo): void {
  if ('certificate' in subject) {
    const cert = subject.certificate;
    if (!cert.keySources.includes('card')) {
      throw portalError('key-source-not-allowed', `The product "${cert.product}" takes a CSR, not a key generated on a card.`, `Use: reissue csr new --for ${cert.id} --algorithm ${cert.algorithms[0] ?? 'ALG'} …`);
    }
    if (!cert.algorithms.includes(algorithm)) {
      throw inputError('algorithm-not-allowed', `The product "${cert.product}" does not allow ${algorithmLabel(algorithm)}.`, `Choose one of: ${cert.algorithms.join(', ')}.`);
    }
  }
  if (token && !token.algorithms.includes(algorithm)) {
    const err = algorithmUnsupported(algorithmLabel(algorithm), { token: token.label, supported: token.algorithms });
    throw new ReissueError('card', err.code, `The card ${describeToken(token)} cannot generate ${algorithmLabel(algorithm)} keys.`, `It can generate: ${token.algorithms.join(', ') || 'none of the algorithms reissue uses'}.`, err.details);
  }
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
  onEvent({ type: 'key-generated', csrPem: keygen.csrPem, keyId: keygen.keyId, token: keygen.token });
  if (req.csrOut) {
    await writeNewFile(req.csrOut, keygen.csrPem);
    onEvent({ type: 'csr-written', path: req.csrOut });
  }
  if (!req.submit || !cert || req.shouldSubmit?.() === false) return { keygen, issued: null };
  // The key source tells the portal the key pair was made on a card (card-only products).
  const csr = new TextEncoder().encode(keygen.csrPem);
  const issued = await submitReissue(deps, { certificateId: cert.id, request: { keySource: 'card', csr, card: cardEvidence(keygen) } }, onEvent);
  return { keygen, issued };
}

/** Which certificate to install: downloaded from the portal, or read from a file (PEM or DER). */
export type CertificateSource = { certificateId: string } | { file: string };

export interface LoadedCertificate {
  der: Uint8Array;
  /** CKA_LABEL for the certificate object: its CN. */
  label: string;
}

export async function loadIssuedCertificate(deps: Pick<FlowDeps, 'portal' | 'readFile'>, source: CertificateSource): Promise<LoadedCertificate> {
  const der = 'certificateId' in source ? await (await deps.portal()).download(source.certificateId, 'der') : certificateDer(await deps.readFile(source.file));
  return { der, label: await certificateLabel(der) };
}

export interface CardInstallRequest extends CardLogin {
  certificate: LoadedCertificate;
}

export async function installOnCard(deps: Pick<FlowDeps, 'card'>, req: CardInstallRequest, onEvent: OnFlowEvent = ignoreEvents): Promise<InstallResult> {
  const service = await deps.card();
  return service.install({
    token: { serial: req.token.serial, label: req.token.label },
    pin: req.pin,
    certificateDer: req.certificate.der,
    label: req.certificate.label,
    confirmFinalTry: req.confirmFinalTry,
    onProgress: (progress) => onEvent({ type: 'card-progress', progress }),
  });
}

function certificateDer(bytes: Uint8Array): Uint8Array {
  if (!looksLikePem(bytes)) return bytes;
  const block = decodePemBlocks(Buffer.from(bytes).toString('latin1')).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw inputError('not-a-certificate', 'The file holds no PEM certificate ("BEGIN CERTIFICATE").', 'Use the certificate file issued by the portal (reissue download ID).');
  return block.der;
}

async function certificateLabel(der: Uint8Array): Promise<string> {
  const { x509 } = await import('../pki/x509.js');
  try {
    const cert = new x509.X509Certificate(Buffer.from(der));
    return cert.subjectName.getField('CN')[0] ?? cert.subject;
  } catch {
    throw inputError('not-a-certificate', 'The file is not an X.509 certificate (PEM or DER).', 'Use the certificate file issued by the portal (reissue download ID).');
  }
}
