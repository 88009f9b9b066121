// Finding the CSR in what a user gave: size and emptiness first, then PEM (tolerant of CRLF,
// indentation, surrounding text, UTF-16 files, bare base64) or DER; anything else is named for
// what it is (certificate, private key, other PEM block, truncated data) without echoing it.
import type { CsrProblem, CsrProblemCode, CsrProblemText } from '../domain/types.js';
import { DerError } from './der.js';
import { classifyDer, parseCsrDer, type DerKind, type ParsedCsr } from './csr-parse.js';
import { looksLikePem, scanPem } from './pem.js';

export const MAX_CSR_BYTES = 64 * 1024;

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

const PRIVATE_KEY_MESSAGE =
  'This is a private key, not a CSR. A private key must stay secret: it was not stored or sent anywhere. ' +
  'Paste or load the certificate signing request (BEGIN CERTIFICATE REQUEST) instead.';
const PRIVATE_KEY_TEXT: CsrProblemText = { key: 'csrProblem.privateKey' };

export type Located = { csr: ParsedCsr; der: Uint8Array; extra?: CsrProblem[] } | { problems: CsrProblem[] };

export function locateCsr(input: Uint8Array): Located {
  if (input.length > MAX_CSR_BYTES) {
    return fail('too-large', `The input is ${formatSize(input.length)}; a CSR is at most 64 KiB (usually 1-2 KiB). Check that you chose the CSR file.`, {
      key: 'csrProblem.tooLarge',
      values: { size: formatSize(input.length) },
    });
  }
  if (isBlank(input)) return fail('empty', 'The input is empty. Paste the CSR, including its BEGIN CERTIFICATE REQUEST and END lines, or choose the CSR file.', { key: 'csrProblem.empty' });
  if (input[0] === 0x30) {
    const der = fromDer(input, 'DER');
    // Text that happens to start with "0" is still text.
    return 'problems' in der && looksLikePem(input) ? fromText(asText(input)) : der;
  }
  return fromText(asText(input));
}

/** Latin-1 keeps every byte (PEM is ASCII); UTF-16 files (Windows "Unicode" saves) are decoded. */
function asText(input: Uint8Array): string {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return Buffer.from(buf.subarray(2, buf.length - (buf.length % 2))).swap16().toString('utf16le');
  return buf.toString('latin1');
}

function fromText(text: string): Located {
  const scan = scanPem(text);
  const problems: CsrProblem[] = [];
  const csrBlocks = scan.blocks.filter((b) => CSR_LABELS.has(b.label));
  const hasPrivateKey = [...scan.blocks.map((b) => b.label), ...scan.unterminated].some((l) => l.includes('PRIVATE KEY'));
  if (hasPrivateKey) problems.push(problem('is-private-key', PRIVATE_KEY_MESSAGE, PRIVATE_KEY_TEXT));

  if (csrBlocks.length === 0) {
    for (const label of scan.unterminated) {
      if (label.includes('PRIVATE KEY')) continue;
      problems.push(
        problem('truncated', `The ${describeLabel(label)} is truncated: it has a BEGIN ${label} line but no END line. Copy the whole block, including the -----END ${label}----- line.`, {
          key: 'csrProblem.noEnd',
          values: labelContext(label),
        }),
      );
    }
    for (const b of scan.blocks) {
      if (b.label.includes('PRIVATE KEY')) continue;
      if (CERT_LABELS.has(b.label)) {
        problems.push(
          problem('is-certificate', 'This is a certificate, not a CSR. A reissue needs a certificate signing request (BEGIN CERTIFICATE REQUEST) made with a new key pair.', {
            key: 'csrProblem.certificatePem',
          }),
        );
      } else {
        problems.push(
          problem('not-a-csr', `This is a PEM block labelled "${b.label}", not a CSR. A CSR starts with -----BEGIN CERTIFICATE REQUEST-----.`, {
            key: 'csrProblem.otherPem',
            values: { label: b.label },
          }),
        );
      }
    }
    if (problems.length) return { problems: dedupe(problems) };
    if (scan.orphanEnd) {
      return fail('truncated', 'The CSR is truncated: it has an END line but no BEGIN line. Copy the whole block, including the -----BEGIN CERTIFICATE REQUEST----- line.', {
        key: 'csrProblem.noBegin',
      });
    }
    const bare = bareBase64(text);
    if (bare) return fromDer(bare, 'base64');
    return fail('not-pem-or-der', 'This is neither PEM nor DER: no -----BEGIN CERTIFICATE REQUEST----- block was found. Paste the CSR exactly as your server or CSR generator produced it.', {
      key: 'csrProblem.noPemBlock',
    });
  }

  if (csrBlocks.length > 1) problems.push(problem('multiple-csrs', `The input holds ${csrBlocks.length} CSRs; give exactly one. The first one was checked.`, { key: 'csrProblem.multiple', values: { n: csrBlocks.length } }));
  for (const b of scan.blocks) {
    if (CERT_LABELS.has(b.label)) problems.push(problem('is-certificate', 'The input also holds a certificate; give only the CSR.', { key: 'csrProblem.alsoCertificate' }));
  }
  const body = csrBlocks[0]!.body;
  if (!body || body.length === 0) return { problems: dedupe([...problems, problem('malformed', 'The CSR block is damaged: its content is not valid base64. Copy the CSR again without changing it.', { key: 'csrProblem.badBase64' })]) };
  const located = fromDer(body, 'PEM');
  if ('problems' in located) return { problems: dedupe([...problems, ...located.problems]) };
  return { ...located, extra: dedupe(problems) };
}

function fromDer(der: Uint8Array, form: 'DER' | 'PEM' | 'base64'): Located {
  let cause: DerError;
  try {
    return { csr: parseCsrDer(der), der };
  } catch (e) {
    cause = e instanceof DerError ? e : new DerError('the data could not be read');
  }
  if (cause.truncated && der[0] === 0x30) {
    return fail('truncated', `The CSR is truncated: ${cause.message}. ${form === 'DER' ? 'Copy the whole file again.' : 'Copy the whole block again.'}`, {
      key: form === 'DER' ? 'csrProblem.truncatedFile' : 'csrProblem.truncatedBlock',
      values: { detail: cause.message },
    });
  }
  let kind: DerKind = classifyDer(der);
  // Damage located inside a request's parts (its outer shape read fine) is a damaged CSR.
  if (kind === 'other' && cause.where && cause.where !== 'the request structure') kind = 'csr-like';
  switch (kind) {
    case 'certificate':
      return fail('is-certificate', 'This is a certificate, not a CSR. A reissue needs a certificate signing request made with a new key pair.', { key: 'csrProblem.certificateDer' });
    case 'private-key':
      return fail('is-private-key', PRIVATE_KEY_MESSAGE, PRIVATE_KEY_TEXT);
    case 'public-key':
      return fail('not-a-csr', 'This is a bare public key, not a CSR. A CSR also carries the subject and a signature made with the private key.', { key: 'csrProblem.publicKey' });
    case 'crl':
      return fail('not-a-csr', 'This is a certificate revocation list (CRL), not a CSR.', { key: 'csrProblem.crl' });
    case 'pkcs7':
      return fail('not-a-csr', 'This is a PKCS#7/CMS structure (for example a certificate chain), not a CSR.', { key: 'csrProblem.pkcs7' });
    case 'csr-like':
      return fail('malformed', `The CSR is damaged${cause.where ? ` in ${cause.where}` : ''}: ${cause.message}. Generate the CSR again.`, { key: 'csrProblem.damaged', values: damageValues(cause) });
    default:
      if (der[0] !== 0x30) return fail('not-pem-or-der', 'This is neither PEM nor DER: it does not look like a CSR at all.', { key: 'csrProblem.notPemOrDer' });
      return fail('not-a-csr', `This DER data is not a certificate signing request (${cause.message}).`, { key: 'csrProblem.notCsrDer', values: { detail: cause.message } });
  }
}

export function problem(code: CsrProblemCode, message: string, text?: CsrProblemText): CsrProblem {
  return text ? { code, message, text } : { code, message };
}

function fail(code: CsrProblemCode, message: string, text?: CsrProblemText): { problems: CsrProblem[] } {
  return { problems: [problem(code, message, text)] };
}

function dedupe(problems: CsrProblem[]): CsrProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}

function isBlank(input: Uint8Array): boolean {
  for (const b of input) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x00) return false;
  return true;
}

/** A CSR pasted as bare base64 (no BEGIN/END lines): its DER, or null. */
function bareBase64(text: string): Uint8Array | null {
  const b64 = text.replace(/\s+/g, '');
  if (b64.length < 64 || !/^MI[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/**
 * The parser's own words (English, technical) travel as `detail`, shown as a marked aside in other
 * languages; the part of the request it names (`where`) has its catalog name (csrProblem.part.*).
 */
export function damageValues(cause: DerError): Record<string, string> {
  const part = cause.where ? PARTS[cause.where] : undefined;
  if (part) return { detail: cause.message, context: 'part', part };
  // A part without a catalog name stays inside the technical detail.
  return { detail: cause.where ? `${cause.message} (in ${cause.where})` : cause.message };
}

/** The parts the parser names (der.ts inPart) and their catalog names. */
const PARTS: Record<string, string> = {
  'the request structure': 'structure',
  'the request information': 'info',
  'the version': 'version',
  'the subject': 'subject',
  'the public key': 'publicKey',
  'the request attributes': 'attributes',
  'the requested extensions': 'extensions',
  'the subject alternative names': 'sans',
  'the signature algorithm': 'signatureAlgorithm',
  'the signature': 'signature',
};

function labelContext(label: string): Record<string, string> {
  if (CSR_LABELS.has(label)) return { label, context: 'csr' };
  if (CERT_LABELS.has(label)) return { label, context: 'certificate' };
  return { label };
}

function describeLabel(label: string): string {
  if (CSR_LABELS.has(label)) return 'CSR';
  if (CERT_LABELS.has(label)) return 'certificate';
  return `"${label}" block`;
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
