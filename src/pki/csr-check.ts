// The CSR checks of the reissue flow: every input ends in a CsrReport listing every problem found,
// each with its own plain message. The bytes are parsed once (DER reader), the public key is
// imported once, and the self-signature is verified with node:crypto. The same parse gives the
// issuing CA the key it certifies (inspectCsr), so what was checked is what gets signed.
import { domainToASCII } from 'node:url';
import { algorithmLabel, algorithmOf } from '../domain/algorithms.js';
import type { Algorithm, CsrProblem, CsrReport, CsrSummary } from '../domain/types.js';
import { DerError } from './der.js';
import { csrProblemText, type Translate } from '../domain/translate.js';
import type { ParsedCsr, PublicKeyInfo } from './csr-parse.js';
import { describeParams, expectedText, paramsAllowed, type ParamsRule } from './algorithm-params.js';
import { canonicalSpki, canonicalSpkiOf } from './spki.js';
import { locateCsr, problem } from './csr-input.js';
import { WEAK_KEY_CODES, weakKeyProblems } from './weak-key-problem.js';
import { displaySafe, formatName, type GeneralName } from './name.js';
import {
  WEAK_HASHES,
  hashLabel,
  importPublicKey,
  resolveSignatureAlgorithm,
  signatureAlgorithm,
  verifySignature,
  type ResolvedSignature,
} from './signature.js';

export { MAX_CSR_BYTES } from './csr-input.js';

const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 16384;
const SUPPORTED_CURVES = new Set(['P-256', 'P-384']);

export const INTERNAL_ERROR_MESSAGE = 'The CSR could not be checked because of an internal error. Generate a new CSR and try again.';

export interface CsrCheckContext {
  /** The order's domains: the CN and every SAN must be among them. */
  domains: string[];
  /** The product's algorithms: the CSR's key must be one of them (RSA sizes in between count). */
  algorithms: Algorithm[];
  /**
   * The keys of the certificate's chain of copies, the copy being replaced first: the CSR must
   * reuse none of them.
   */
  earlierKeys?: EarlierKey[];
  /** The certificate's CN, accepted as the CSR's CN even when it is not a domain (code signing). */
  commonName?: string;
  /** Product name, for the key-not-allowed message. */
  productName?: string;
}

export interface EarlierKey {
  /** DER SubjectPublicKeyInfo, in whatever encoding the copy carries. */
  spki: Uint8Array;
  /** The copy's id, named in the message. */
  copy: string;
}

export interface CsrInspection {
  report: CsrReport;
  /** When the report is ok: the canonical SubjectPublicKeyInfo the CA certifies (see spki.ts). */
  spki: Uint8Array | null;
}

/** Checks a CSR (PEM or DER). Never throws: every input ends in a verdict. */
export async function checkCsr(input: Uint8Array, ctx?: CsrCheckContext): Promise<CsrReport> {
  return (await inspect(input, ctx, false)).report;
}

/**
 * Checks a CSR and, when it is correct, gives the key to certify, from the same parse. Never
 * throws: every input ends in a verdict.
 */
export function inspectCsr(input: Uint8Array, ctx?: CsrCheckContext): Promise<CsrInspection> {
  return inspect(input, ctx, true);
}

async function inspect(input: Uint8Array, ctx: CsrCheckContext | undefined, withKey: boolean): Promise<CsrInspection> {
  try {
    const found = locateCsr(input);
    if ('problems' in found) return { report: report(found.problems, null), spki: null };
    const problems = found.extra ?? [];
    const summary = await checkParsed(found.csr, problems, ctx);
    const verdict = report(problems, summary);
    return { report: verdict, spki: verdict.ok && withKey ? canonicalSpki(found.csr.key) : null };
  } catch {
    // Unreachable by design (every step handles its own failures); kept so a bug still ends in a
    // verdict. The fuzz test asserts this message never appears.
    return { report: report([problem('malformed', INTERNAL_ERROR_MESSAGE, { key: 'csrProblem.internal' })], null), spki: null };
  }
}

/**
 * Plain-text rendering shared by the CLI and the wizard: "✓ Correct" + summary, or "✗ ..." lines,
 * in the words of `say` (the caller's language; pure: the catalogs stay with the caller).
 */
export function csrReportText(report: CsrReport, say: Translate): string {
  const lines: string[] = [];
  if (report.ok) lines.push(`✓ ${say('csrReport.correct')}`);
  else for (const p of report.problems) lines.push(`✗ ${csrProblemText(p, say)}`);
  const s = report.summary;
  if (s) {
    const none = say('csrReport.none');
    lines.push('');
    lines.push(`  ${say('csrReport.subject')} ${s.subject || say('csrReport.empty')}`);
    lines.push(`  ${say('csrReport.commonName')} ${s.commonName ?? none}`);
    lines.push(`  ${say('csrReport.sans')} ${s.sans.length ? s.sans.join(', ') : none}`);
    lines.push(`  ${say('csrReport.key')} ${keyText(s, say)}`);
    lines.push(`  ${say('csrReport.signatureAlgorithm')} ${s.signatureAlgorithm}`);
  }
  return lines.join('\n');
}

function keyText(s: CsrSummary, say: Translate): string {
  if (s.keyType === 'RSA') return say('csrReport.rsaKey', { bits: s.keySize });
  if (s.keyType === 'EC') return `EC ${s.curve ?? say('csrReport.unknownCurve')}`;
  return s.keySize ? say('csrReport.otherKey', { type: s.keyType, bits: s.keySize }) : s.keyType;
}

async function checkParsed(csr: ParsedCsr, problems: CsrProblem[], ctx?: CsrCheckContext): Promise<CsrSummary> {
  const key = csr.key;
  const keyOk = checkKeyParams(key, problems) && checkKey(key, problems, ctx);
  if (keyOk && ctx?.algorithms.length) checkKeyAllowed(key, ctx, problems);

  let alg: ResolvedSignature | null = null;
  const sigParamsOk = checkSignatureParams(csr, problems);
  try {
    if (sigParamsOk) alg = resolveSignatureAlgorithm(csr.signatureAlgorithmOid, csr.signatureParams);
  } catch (e) {
    const detail = e instanceof DerError ? e.message : 'unreadable parameters';
    problems.push(problem('malformed', `The CSR's signature algorithm is damaged (${detail}).`, { key: 'csrProblem.signatureAlgorithmDamaged', values: { detail } }));
  }
  const sigName = alg?.name ?? csr.signatureAlgorithmOid;
  if (alg && alg.hash && WEAK_HASHES.has(alg.hash)) {
    problems.push(
      problem('weak-hash', `The CSR is signed with ${hashLabel(alg.hash)} (${alg.name}), which is no longer secure. Create the CSR with SHA-256 or stronger.`, {
        key: 'csrProblem.weakHash',
        values: { hash: hashLabel(alg.hash), algorithm: alg.name },
      }),
    );
  }
  await checkSignature(csr, alg, problems);

  const commonNames = csr.subject.filter((a) => a.type === 'CN' && a.value.trim() !== '').map((a) => a.value);
  const sans = csr.sans;
  if (commonNames.length === 0 && sans.length === 0) {
    problems.push(problem('no-common-name', 'The CSR has no common name (CN) and no alternative names. Put the domain in the CN field.', { key: 'csrProblem.noCommonName' }));
  }
  if (ctx) checkNames(commonNames, sans, ctx, problems);
  if (ctx?.earlierKeys?.length) checkKeyIsNew(key, ctx.earlierKeys, problems);

  return {
    subject: formatName(csr.subject),
    commonName: commonNames.length ? displaySafe(commonNames[commonNames.length - 1]!) : null,
    sans: sans.map(sanText),
    keyType: key.type,
    keySize: key.bits,
    curve: key.curve,
    signatureAlgorithm: sigName,
  };
}

/** Weak or unsupported keys; false when the key cannot be used at all. */
function checkKey(key: PublicKeyInfo, problems: CsrProblem[], ctx?: CsrCheckContext): boolean {
  if (key.type === 'RSA') {
    if (key.bits < MIN_RSA_BITS) {
      const allowed = ctx?.algorithms.length ? allowedText(ctx.algorithms) : 'RSA 2048 or more, or EC P-256/P-384';
      problems.push(
        problem('weak-key', `The CSR's RSA key has ${key.bits} bits, which is too weak: at least ${MIN_RSA_BITS} bits are required. Generate a new key pair (${allowed}).`, {
          key: ctx?.algorithms.length ? 'csrProblem.weakKey' : 'csrProblem.weakKeyAny',
          values: { bits: key.bits, min: MIN_RSA_BITS, allowed, ...(ctx?.algorithms.length ? { algorithms: ctx.algorithms.join(' ') } : {}) },
        }),
      );
      return false;
    }
    if (key.bits > MAX_RSA_BITS) {
      problems.push(problem('unsupported-key', `The CSR's RSA key has ${key.bits} bits; at most ${MAX_RSA_BITS} are supported.`, { key: 'csrProblem.rsaTooLarge', values: { bits: key.bits, max: MAX_RSA_BITS } }));
      return false;
    }
    return noWeakness(key, problems);
  }
  if (key.type === 'EC') {
    if (key.curve && SUPPORTED_CURVES.has(key.curve)) return noWeakness(key, problems);
    const explicit = key.curve === 'explicit parameters';
    const name = displaySafe(key.curve ?? 'unknown', 80);
    const curve = explicit ? 'explicit curve parameters' : `the curve ${name}`;
    problems.push(problem('unsupported-key', `The CSR's EC key uses ${curve}; only P-256 and P-384 are supported.`, { key: 'csrProblem.ecCurve', values: explicit ? { context: 'explicit' } : { curve: name } }));
    return false;
  }
  problems.push(
    problem('unsupported-key', `The CSR has a ${displaySafe(key.type, 80)} key; only RSA (2048 bits or more) and EC P-256/P-384 keys are supported.`, {
      key: 'csrProblem.keyType',
      values: { type: displaySafe(key.type, 80) },
    }),
  );
  return false;
}

/** The weak-key rules (exponent, factors, ROCA, EC point); the CA runs the same ones again. */
function noWeakness(key: PublicKeyInfo, problems: CsrProblem[]): boolean {
  const weak = weakKeyProblems(key);
  problems.push(...weak);
  return weak.length === 0;
}

const KEY_PARAMS: Record<string, { rule: ParamsRule; name: string; rfc: string }> = {
  RSA: { rule: 'null', name: 'rsaEncryption', rfc: 'RFC 3279' },
  EC: { rule: 'named-curve', name: 'id-ecPublicKey', rfc: 'RFC 5480' },
};

/** The key's AlgorithmIdentifier carries exactly the parameters its RFC requires; false when not. */
function checkKeyParams(key: PublicKeyInfo, problems: CsrProblem[]): boolean {
  const spec = KEY_PARAMS[key.type];
  // Explicit EC curve parameters are an unsupported key (checkKey says so), not a damaged one.
  if (!spec || key.curve === 'explicit parameters' || paramsAllowed(spec.rule, key.algorithmParams)) return true;
  problems.push(
    problem(
      'non-canonical-algorithm',
      `The CSR's public key algorithm (${spec.name}) carries ${describeParams(key.algorithmParams)} where ${spec.rfc} requires ${expectedText(spec.rule)}. The portal certifies only standard encodings: generate the CSR again with a standard tool.`,
      // What was found and what is required are DER terms (English), shown as technical detail.
      { key: 'csrProblem.nonCanonicalKey', values: { name: spec.name, rfc: spec.rfc, found: describeParams(key.algorithmParams), expected: expectedText(spec.rule) } },
    ),
  );
  return false;
}

/** The signature's AlgorithmIdentifier carries exactly the parameters its RFC requires; false when not. */
function checkSignatureParams(csr: ParsedCsr, problems: CsrProblem[]): boolean {
  const alg = signatureAlgorithm(csr.signatureAlgorithmOid);
  if (!alg || paramsAllowed(alg.params, csr.signatureParams)) return true;
  problems.push(
    problem(
      'non-canonical-algorithm',
      `The CSR's signature algorithm (${alg.name}) carries ${describeParams(csr.signatureParams)} where ${expectedText(alg.params)} belong. The request is not in the standard encoding: generate the CSR again with a standard tool.`,
      { key: 'csrProblem.nonCanonicalSignature', values: { name: alg.name, found: describeParams(csr.signatureParams), expected: expectedText(alg.params) } },
    ),
  );
  return false;
}

function checkKeyAllowed(key: PublicKeyInfo, ctx: CsrCheckContext, problems: CsrProblem[]): void {
  const has = key.type === 'RSA' ? `RSA ${key.bits}` : `EC ${key.curve}`;
  if (isKeyAllowed(key, ctx.algorithms)) return;
  const product = ctx.productName ? `The product "${ctx.productName}"` : 'This product';
  // `algorithms` is said in the reader's words by csrProblemText (allowedWords).
  const values = { algorithms: ctx.algorithms.join(' '), has, ...(ctx.productName ? { context: 'named', product: ctx.productName } : {}) };
  problems.push(problem('key-not-allowed', `${product} allows ${allowedText(ctx.algorithms)}; the CSR has ${has}. Generate a key pair of an allowed type.`, { key: 'csrProblem.keyNotAllowed', values }));
}

function isKeyAllowed(key: PublicKeyInfo, algorithms: Algorithm[]): boolean {
  const exact = algorithmOf(key.type, key.bits);
  if (exact && algorithms.includes(exact)) return key.type !== 'EC' || key.curve === (key.bits === 256 ? 'P-256' : 'P-384');
  if (key.type !== 'RSA') return false;
  // Non-standard RSA sizes count when they lie within the product's range.
  const sizes = algorithms.filter((a) => a.startsWith('rsa-')).map((a) => Number(a.slice(4)));
  return sizes.length > 0 && key.bits >= Math.min(...sizes) && key.bits <= Math.max(...sizes);
}

function allowedText(algorithms: Algorithm[]): string {
  const rsa = algorithms.filter((a) => a.startsWith('rsa-')).map((a) => Number(a.slice(4))).sort((a, b) => a - b);
  const parts: string[] = [];
  if (rsa.length === 1) parts.push(`RSA ${rsa[0]}`);
  else if (rsa.length > 1) parts.push(`RSA ${rsa[0]}-${rsa[rsa.length - 1]} bits`);
  for (const a of algorithms) if (a.startsWith('ec-')) parts.push(algorithmLabel(a));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : (parts[0] ?? 'no key types');
}

async function checkSignature(csr: ParsedCsr, alg: ResolvedSignature | null, problems: CsrProblem[]): Promise<void> {
  const oid = csr.signatureAlgorithmOid;
  if (!alg) {
    if (!problems.some((p) => p.code === 'malformed' || p.code === 'non-canonical-algorithm')) {
      problems.push(
        problem('unsupported-signature', `The CSR is signed with an algorithm this portal cannot check (${displaySafe(oid, 80)}). Sign it with SHA-256 and RSA or ECDSA.`, {
          key: 'csrProblem.unsupportedSignature',
          values: { oid: displaySafe(oid, 80) },
        }),
      );
    }
    return;
  }
  const keyType = csr.key.type;
  if (alg.keyType !== keyType && !(keyType === 'RSA-PSS' && alg.pss)) {
    problems.push(
      problem('bad-signature', `The CSR's signature (${alg.name}) does not match its ${displaySafe(keyType, 80)} key. Generate the CSR again.`, {
        key: 'csrProblem.signatureKeyMismatch',
        values: { algorithm: alg.name, type: displaySafe(keyType, 80) },
      }),
    );
    return;
  }
  let key;
  try {
    key = await importPublicKey(csr.key);
  } catch {
    // A point off the curve cannot be loaded either: its own problem already says why.
    if (problems.some((p) => WEAK_KEY_CODES.has(p.code))) return;
    problems.push(
      problem('malformed', `The CSR's ${displaySafe(keyType, 80)} public key is damaged and cannot be loaded. Generate the CSR again.`, {
        key: 'csrProblem.damagedKey',
        values: { type: displaySafe(keyType, 80) },
      }),
    );
    return;
  }
  let valid: boolean;
  try {
    valid = verifySignature(alg, key, csr.tbs, csr.signature);
  } catch {
    if (alg.hash === 'md2') return; // node has no MD2; the weak-hash problem already says enough
    valid = false;
  }
  if (!valid) {
    problems.push(
      problem('bad-signature', "The CSR's self-signature is not valid: the request was changed after it was signed, or was not signed with its own private key. Generate the CSR again.", {
        key: 'csrProblem.badSelfSignature',
      }),
    );
  }
}

/** The names a CSR can carry, as its problems name them. */
const NAME_KINDS = { cn: 'common name (CN)', dns: 'alternative name', ip: 'IP address', email: 'e-mail alternative name', uri: 'URI alternative name' } as const;
type NameKind = keyof typeof NAME_KINDS;

function checkNames(commonNames: string[], sans: GeneralName[], ctx: CsrCheckContext, problems: CsrProblem[]): void {
  const allowed = new Set(ctx.domains.map(normalizeDomain));
  const list = ctx.domains.length ? ctx.domains.join(', ') : '(none)';
  const reported = new Set<string>();
  const report1 = (what: NameKind, name: string) => {
    const key = normalizeDomain(name);
    if (reported.has(key)) return;
    reported.add(key);
    const shown = displaySafe(name, 200);
    problems.push(
      problem('domain-not-in-order', `The CSR's ${NAME_KINDS[what]} "${shown}" is not among the order's domains (${list}). Put only the order's domains in the CSR.`, {
        key: `csrProblem.notInOrder.${what}`,
        values: { name: shown, domains: list },
      }),
    );
  };
  const cn = ctx.commonName ? normalizeDomain(ctx.commonName) : null;
  for (const name of commonNames) {
    const n = normalizeDomain(name);
    if (!allowed.has(n) && n !== cn) report1('cn', name);
  }
  for (const san of sans) {
    if (san.kind === 'dns' || san.kind === 'ip') {
      if (!allowed.has(normalizeDomain(san.value))) report1(san.kind === 'dns' ? 'dns' : 'ip', san.value);
    } else {
      report1(san.kind === 'email' ? 'email' : san.kind === 'uri' ? 'uri' : 'dns', san.value);
    }
  }
}

function normalizeDomain(d: string): string {
  const trimmed = d.trim().replace(/\.$/, '').toLowerCase();
  if (!/[^\x00-\x7f]/.test(trimmed)) return trimmed;
  return domainToASCII(trimmed) || trimmed;
}

/** A reissue needs a key pair no copy of the certificate ever had. */
function checkKeyIsNew(key: PublicKeyInfo, earlier: EarlierKey[], problems: CsrProblem[]): void {
  const mine = canonicalSpkiOf(key.spki) ?? key.spki;
  const index = earlier.findIndex((k) => Buffer.from(canonicalSpkiOf(k.spki) ?? k.spki).equals(mine));
  if (index < 0) return;
  if (index === 0) {
    problems.push(problem('same-key', 'The CSR uses the same key pair as the certificate being replaced. A reissue needs a new key pair: generate a new private key and CSR.', { key: 'csrProblem.sameKey' }));
    return;
  }
  problems.push(
    problem(
      'same-key',
      `The CSR uses the key pair of an earlier copy of this certificate (${earlier[index]!.copy}). A reissue needs a key pair no copy has used: generate a new private key and CSR.`,
      { key: 'csrProblem.earlierKey', values: { copy: earlier[index]!.copy } },
    ),
  );
}

function sanText(s: GeneralName): string {
  const v = displaySafe(s.value);
  switch (s.kind) {
    case 'dns':
      return v;
    case 'ip':
      return `IP:${v}`;
    case 'email':
      return `email:${v}`;
    case 'uri':
      return `URI:${v}`;
    default:
      return `other:${v}`;
  }
}

function report(problems: CsrProblem[], summary: CsrSummary | null): CsrReport {
  return { ok: problems.length === 0 && summary !== null, problems, summary };
}
