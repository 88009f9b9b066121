// The CSR checks of the reissue flow: every input ends in a CsrReport listing every problem found,
// each with its own plain message. The bytes are parsed once (DER reader), the public key is
// imported once, and the self-signature is verified with node:crypto.
import { domainToASCII } from 'node:url';
import { algorithmLabel, algorithmOf } from '../domain/algorithms.js';
import { inputError } from '../domain/errors.js';
import type { Algorithm, CsrProblem, CsrReport, CsrSummary } from '../domain/types.js';
import { DerError, bitStringBytes, children, readTlv } from './der.js';
import type { ParsedCsr, PublicKeyInfo } from './csr-parse.js';
import { locateCsr, problem } from './csr-input.js';
import { displaySafe, formatName, type GeneralName } from './name.js';
import { WEAK_HASHES, hashLabel, importPublicKey, resolveSignatureAlgorithm, verifySignature, type ResolvedSignature } from './signature.js';
import { x509 } from './x509.js';

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
  /** SubjectPublicKeyInfo (DER) of the certificate being replaced: the CSR must not reuse it. */
  currentPublicKeySpki?: Uint8Array;
  /** The certificate's CN, accepted as the CSR's CN even when it is not a domain (code signing). */
  commonName?: string;
  /** Product name, for the key-not-allowed message. */
  productName?: string;
}

/** Checks a CSR (PEM or DER). Never throws: every input ends in a verdict. */
export async function checkCsr(input: Uint8Array, ctx?: CsrCheckContext): Promise<CsrReport> {
  try {
    const found = locateCsr(input);
    if ('problems' in found) return report(found.problems, null);
    const problems = found.extra ?? [];
    const summary = await checkParsed(found.csr, problems, ctx);
    return report(problems, summary);
  } catch {
    // Unreachable by design (every step handles its own failures); kept so a bug still ends in a
    // verdict. The fuzz test asserts this message never appears.
    return report([problem('malformed', INTERNAL_ERROR_MESSAGE)], null);
  }
}

/**
 * The request as @peculiar/x509 sees it, for callers that need its public key after the checks
 * passed. Throws ReissueError (input, 'csr-invalid') when the bytes are not a CSR.
 */
export function readCsr(input: Uint8Array): x509.Pkcs10CertificateRequest {
  const found = locateCsr(input);
  if ('problems' in found) {
    const first = found.problems[0]!;
    throw inputError('csr-invalid', first.message, 'Check the CSR with: reissue csr check FILE', { problem: first.code });
  }
  try {
    const der = found.der;
    return new x509.Pkcs10CertificateRequest(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer);
  } catch {
    throw inputError('csr-invalid', 'The CSR could not be read.', 'Check the CSR with: reissue csr check FILE');
  }
}

/** Plain-text rendering shared by the CLI and the wizard: "✓ Correct" + summary, or "✗ ..." lines. */
export function csrReportText(report: CsrReport): string {
  const lines: string[] = [];
  if (report.ok) lines.push('✓ Correct');
  else for (const p of report.problems) lines.push(`✗ ${p.message}`);
  const s = report.summary;
  if (s) {
    lines.push('');
    lines.push(`  Subject:             ${s.subject || '(empty)'}`);
    lines.push(`  Common name:         ${s.commonName ?? '(none)'}`);
    lines.push(`  Alternative names:   ${s.sans.length ? s.sans.join(', ') : '(none)'}`);
    lines.push(`  Key:                 ${keyText(s)}`);
    lines.push(`  Signature algorithm: ${s.signatureAlgorithm}`);
  }
  return lines.join('\n');
}

function keyText(s: CsrSummary): string {
  if (s.keyType === 'RSA') return `RSA ${s.keySize} bits`;
  if (s.keyType === 'EC') return `EC ${s.curve ?? 'unknown curve'}`;
  return s.keySize ? `${s.keyType} ${s.keySize} bits` : s.keyType;
}

async function checkParsed(csr: ParsedCsr, problems: CsrProblem[], ctx?: CsrCheckContext): Promise<CsrSummary> {
  const key = csr.key;
  const keyOk = checkKey(key, problems, ctx);
  if (keyOk && ctx?.algorithms.length) checkKeyAllowed(key, ctx, problems);

  let alg: ResolvedSignature | null = null;
  try {
    alg = resolveSignatureAlgorithm(csr.signatureAlgorithmOid, csr.signatureParams);
  } catch (e) {
    problems.push(problem('malformed', `The CSR's signature algorithm is damaged (${e instanceof DerError ? e.message : 'unreadable parameters'}).`));
  }
  const sigName = alg?.name ?? csr.signatureAlgorithmOid;
  if (alg && alg.hash && WEAK_HASHES.has(alg.hash)) {
    problems.push(problem('weak-hash', `The CSR is signed with ${hashLabel(alg.hash)} (${alg.name}), which is no longer secure. Create the CSR with SHA-256 or stronger.`));
  }
  await checkSignature(csr, alg, problems);

  const commonNames = csr.subject.filter((a) => a.type === 'CN' && a.value.trim() !== '').map((a) => a.value);
  const sans = csr.sans;
  if (commonNames.length === 0 && sans.length === 0) {
    problems.push(problem('no-common-name', 'The CSR has no common name (CN) and no alternative names. Put the domain in the CN field.'));
  }
  if (ctx) checkNames(commonNames, sans, ctx, problems);
  if (ctx?.currentPublicKeySpki && sameKey(key, ctx.currentPublicKeySpki)) {
    problems.push(problem('same-key', 'The CSR uses the same key pair as the certificate being replaced. A reissue needs a new key pair: generate a new private key and CSR.'));
  }

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
      problems.push(problem('weak-key', `The CSR's RSA key has ${key.bits} bits, which is too weak: at least ${MIN_RSA_BITS} bits are required. Generate a new key pair (${allowed}).`));
      return false;
    }
    if (key.bits > MAX_RSA_BITS) {
      problems.push(problem('unsupported-key', `The CSR's RSA key has ${key.bits} bits; at most ${MAX_RSA_BITS} are supported.`));
      return false;
    }
    return true;
  }
  if (key.type === 'EC') {
    if (key.curve && SUPPORTED_CURVES.has(key.curve)) return true;
    const curve = key.curve === 'explicit parameters' ? 'explicit curve parameters' : `the curve ${displaySafe(key.curve ?? 'unknown', 80)}`;
    problems.push(problem('unsupported-key', `The CSR's EC key uses ${curve}; only P-256 and P-384 are supported.`));
    return false;
  }
  problems.push(problem('unsupported-key', `The CSR has a ${displaySafe(key.type, 80)} key; only RSA (2048 bits or more) and EC P-256/P-384 keys are supported.`));
  return false;
}

function checkKeyAllowed(key: PublicKeyInfo, ctx: CsrCheckContext, problems: CsrProblem[]): void {
  const has = key.type === 'RSA' ? `RSA ${key.bits}` : `EC ${key.curve}`;
  if (isKeyAllowed(key, ctx.algorithms)) return;
  const product = ctx.productName ? `The product "${ctx.productName}"` : 'This product';
  problems.push(problem('key-not-allowed', `${product} allows ${allowedText(ctx.algorithms)}; the CSR has ${has}. Generate a key pair of an allowed type.`));
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
    if (!problems.some((p) => p.code === 'malformed')) {
      problems.push(problem('unsupported-signature', `The CSR is signed with an algorithm this portal cannot check (${displaySafe(oid, 80)}). Sign it with SHA-256 and RSA or ECDSA.`));
    }
    return;
  }
  const keyType = csr.key.type;
  if (alg.keyType !== keyType && !(keyType === 'RSA-PSS' && alg.pss)) {
    problems.push(problem('bad-signature', `The CSR's signature (${alg.name}) does not match its ${displaySafe(keyType, 80)} key. Generate the CSR again.`));
    return;
  }
  let key;
  try {
    key = await importPublicKey(csr.key);
  } catch {
    problems.push(problem('malformed', `The CSR's ${displaySafe(keyType, 80)} public key is damaged and cannot be loaded. Generate the CSR again.`));
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
    problems.push(problem('bad-signature', "The CSR's self-signature is not valid: the request was changed after it was signed, or was not signed with its own private key. Generate the CSR again."));
  }
}

function checkNames(commonNames: string[], sans: GeneralName[], ctx: CsrCheckContext, problems: CsrProblem[]): void {
  const allowed = new Set(ctx.domains.map(normalizeDomain));
  const list = ctx.domains.length ? ctx.domains.join(', ') : '(none)';
  const reported = new Set<string>();
  const report1 = (what: string, name: string) => {
    const key = normalizeDomain(name);
    if (reported.has(key)) return;
    reported.add(key);
    problems.push(problem('domain-not-in-order', `The CSR's ${what} "${displaySafe(name, 200)}" is not among the order's domains (${list}). Put only the order's domains in the CSR.`));
  };
  const cn = ctx.commonName ? normalizeDomain(ctx.commonName) : null;
  for (const name of commonNames) {
    const n = normalizeDomain(name);
    if (!allowed.has(n) && n !== cn) report1('common name (CN)', name);
  }
  for (const san of sans) {
    if (san.kind === 'dns' || san.kind === 'ip') {
      if (!allowed.has(normalizeDomain(san.value))) report1(san.kind === 'dns' ? 'alternative name' : 'IP address', san.value);
    } else {
      report1(san.kind === 'email' ? 'e-mail alternative name' : san.kind === 'uri' ? 'URI alternative name' : 'alternative name', san.value);
    }
  }
}

function normalizeDomain(d: string): string {
  const trimmed = d.trim().replace(/\.$/, '').toLowerCase();
  if (!/[^\x00-\x7f]/.test(trimmed)) return trimmed;
  return domainToASCII(trimmed) || trimmed;
}

function sameKey(key: PublicKeyInfo, currentSpki: Uint8Array): boolean {
  if (Buffer.compare(Buffer.from(key.spki), Buffer.from(currentSpki)) === 0) return true;
  // Same key material under a differently encoded algorithm identifier still counts.
  try {
    const other = parseSpkiKeyBytes(currentSpki);
    return other !== null && Buffer.compare(Buffer.from(other), Buffer.from(key.keyBytes)) === 0;
  } catch {
    return false;
  }
}

/** The subjectPublicKey bytes of a DER SubjectPublicKeyInfo (its last element). */
function parseSpkiKeyBytes(spki: Uint8Array): Uint8Array | null {
  const outer = readTlv(spki, 0);
  const parts = children(spki, outer);
  const last = parts[parts.length - 1];
  return last ? bitStringBytes(spki, last, 'the public key') : null;
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
