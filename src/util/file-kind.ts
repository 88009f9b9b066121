// What an existing file holds, told from its bytes, for --force: a file is replaced only when it
// holds exactly what the command would write there (a positive list). Anything this cannot
// recognise — PKCS#12, a PGP or JWK key, a keystore, text with something else around a PEM
// block — is "other" and never replaced, whatever it is. Pure: no I/O.
import { classifyDer } from '../pki/csr-parse.js';
import { readTlv } from '../pki/der.js';

/** What a command writes to a file. */
export type OutputKind = 'certificate' | 'csr' | 'crl' | 'diagnosis' | 'private-key';

/** What an existing file holds: one of the kinds above, nothing at all, or something else. */
export type FoundKind = OutputKind | 'empty' | 'other';

const PEM_KINDS: Record<string, OutputKind> = {
  CERTIFICATE: 'certificate',
  'CERTIFICATE REQUEST': 'csr',
  'NEW CERTIFICATE REQUEST': 'csr',
  'X509 CRL': 'crl',
};

// Private keys in any wrapping we can name: PEM of every kind, OpenSSH, PuTTY, armoured PGP, a JWK.
const PRIVATE_KEY_TEXT = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File|-----BEGIN PGP PRIVATE KEY BLOCK-----|"d"\s*:\s*"/;

/** The kind of `bytes` (a whole file). */
export function fileKind(bytes: Uint8Array): FoundKind {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.trim() === '') return 'empty';
  if (PRIVATE_KEY_TEXT.test(text)) return 'private-key';
  if (bytes[0] === 0x30) return derKind(bytes);
  return pemKind(text) ?? diagnosisKind(text) ?? 'other';
}

/** One DER structure filling the whole file, with nothing after it. */
function derKind(bytes: Uint8Array): FoundKind {
  try {
    if (readTlv(bytes, 0).end !== bytes.length) return 'other';
  } catch {
    return 'other';
  }
  const kind = classifyDer(bytes);
  if (kind === 'csr-like') return isCsr(bytes) ? 'csr' : 'other';
  return kind === 'certificate' || kind === 'crl' || kind === 'private-key' ? kind : 'other';
}

/** CertificationRequestInfo: version INTEGER, subject SEQUENCE, key SEQUENCE, [0] attributes. */
function isCsr(der: Uint8Array): boolean {
  try {
    const outer = readTlv(der, 0);
    const info = readTlv(der, outer.valueStart, outer.end);
    const tags: number[] = [];
    for (let pos = info.valueStart; pos < info.end; ) {
      const el = readTlv(der, pos, info.end);
      tags.push(el.tag);
      pos = el.end;
    }
    return tags.length === 4 && tags[0] === 0x02 && tags[1] === 0x30 && tags[2] === 0x30 && tags[3] === 0xa0;
  } catch {
    return false;
  }
}

/** PEM blocks of one kind this program writes and nothing but white space around them. */
function pemKind(text: string): OutputKind | null {
  const block = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----/g;
  let kind: OutputKind | null = null;
  let rest = text;
  for (const m of text.matchAll(block)) {
    const label = PEM_KINDS[m[1]!];
    if (!label || (kind && kind !== label)) return null;
    const der = new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
    if (derKind(der) !== label) return null;
    kind = label;
    rest = rest.replace(m[0], '');
  }
  return kind && rest.trim() === '' ? kind : null;
}

/** A `reissue doctor --out` bundle: one JSON object with the members doctor writes. */
function diagnosisKind(text: string): 'diagnosis' | null {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const doc = JSON.parse(Buffer.from(text, 'latin1').toString('utf8')) as Record<string, unknown>;
    return doc && typeof doc === 'object' && typeof doc.generatedAt === 'string' && typeof doc.versions === 'object' && Array.isArray(doc.checks) ? 'diagnosis' : null;
  } catch {
    return null;
  }
}
