// Certificates as the CA sends them (a PEM chain, leaf first) and as the ledger and the views hold
// them: parsing, the chain checked link by link with @peculiar/x509 (each certificate signed by
// the next, each within its validity, the leaf for the expected key and names), and the domain
// model every view shows.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { ALGORITHMS, type Certificate, type KeySource } from '../../domain/types.js';
import { inputError, portalError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { x509 } from '../../pki/x509.js';
import type { LedgerCertificate } from './ledger.js';

export interface ParsedChain {
  leaf: x509.X509Certificate;
  /** The certificates after the leaf, in order. */
  rest: x509.X509Certificate[];
}

/** Every certificate in a PEM text, in order. */
export function parsePemChain(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new x509.X509Certificate(b));
}

export function splitChain(pem: string): ParsedChain | null {
  const certs = parsePemChain(pem);
  if (!certs.length) return null;
  return { leaf: certs[0]!, rest: certs.slice(1) };
}

/** The names a certificate is for: its DNS SANs (the CN when it has none), lower case, in order. */
export function namesOf(cert: x509.X509Certificate): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns = (san?.names.items ?? []).filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase());
  if (dns.length) return [...new Set(dns)];
  const cn = commonNameOf(cert);
  return cn ? [cn.toLowerCase()] : [];
}

export function commonNameOf(cert: x509.X509Certificate): string {
  return cert.subjectName.getField('CN')[0] ?? '';
}

/** Hex, lower case, no leading zero bytes (the portals' form). */
export function serialHex(cert: x509.X509Certificate): string {
  return cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f])/, '') || '0';
}

/** The ledger's id of a copy: short, stable, from its DER. */
export function copyId(cert: x509.X509Certificate): string {
  return createHash('sha256').update(Buffer.from(cert.rawData)).digest('hex').slice(0, 10);
}

export function spkiDer(cert: x509.X509Certificate): Buffer {
  return Buffer.from(cert.publicKey.rawData);
}

/** The same public key (compared as Node reads both, so encodings of one key agree). */
export function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  const norm = (der: Uint8Array) => createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).export({ format: 'der', type: 'spki' });
  try {
    return norm(a).equals(norm(b));
  } catch {
    return false;
  }
}

/** The SubjectPublicKeyInfo of a private key file (PEM); an encrypted or unreadable key is refused. */
export function publicKeyOfKeyFile(pem: string, path: string): Buffer {
  try {
    return createPublicKey(createPrivateKey(pem)).export({ format: 'der', type: 'spki' });
  } catch (e) {
    const encrypted = /ENCRYPTED/.test(pem) || /passphrase/i.test((e as Error).message);
    throw inputError(encrypted ? 'acme-key-encrypted' : 'acme-key-unreadable', t(encrypted ? 'acme.keyEncrypted' : 'acme.keyUnreadable', { path }), t(encrypted ? 'acme.keyEncryptedHint' : 'acme.keyUnreadableHint'), { path });
  }
}

export type ChainProblem = { code: 'no-certificate' } | { code: 'no-issuer' } | { code: 'bad-signature'; subject: string } | { code: 'not-valid-now'; subject: string } | { code: 'wrong-key' } | { code: 'missing-name'; name: string };

/**
 * Checks a chain as received: each certificate signed by the next one (the last by one of
 * `roots` when given, else only its own issuer's name is kept), each valid at `now`, the leaf's
 * key (when `key` is given) and names (each of `names`). Null when everything holds.
 */
export async function chainProblem(chain: ParsedChain, now: Date, expect: { key?: Uint8Array; names?: string[]; roots?: x509.X509Certificate[] } = {}): Promise<ChainProblem | null> {
  const all = [chain.leaf, ...chain.rest];
  if (!chain.rest.length && !expect.roots?.length) return { code: 'no-issuer' };
  for (let i = 0; i < all.length; i++) {
    const cert = all[i]!;
    if (cert.notBefore.getTime() > now.getTime() + 5 * 60_000 || cert.notAfter.getTime() < now.getTime()) return { code: 'not-valid-now', subject: cert.subject };
    const issuer = all[i + 1] ?? expect.roots?.find((r) => r.subject === cert.issuer);
    if (!issuer) {
      if (expect.roots?.length && cert.subject !== cert.issuer) return { code: 'no-issuer' };
      continue;
    }
    if (!(await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }))) return { code: 'bad-signature', subject: cert.subject };
  }
  if (expect.key && !sameKey(spkiDer(chain.leaf), expect.key)) return { code: 'wrong-key' };
  const names = namesOf(chain.leaf);
  const missing = (expect.names ?? []).find((n) => !names.includes(n.toLowerCase()));
  if (missing) return { code: 'missing-name', name: missing };
  return null;
}

export function chainProblemText(p: ChainProblem): string {
  return t(`acme.chain.${p.code}`, 'subject' in p ? { subject: p.subject } : 'name' in p ? { name: p.name } : {});
}

/** The CA's answer did not verify: nothing is recorded (exit 5, the CA's fault). */
export function badIssuedChain(p: ChainProblem, orderUrl: string) {
  return portalError('acme-chain-invalid', t('acme.chainInvalid', { problem: chainProblemText(p), order: orderUrl }), t('acme.chainInvalidHint'), { orderUrl, problem: p.code });
}

/** The ledger's record of a chain (leaf first). */
export function ledgerRecord(
  chain: ParsedChain,
  fields: Pick<LedgerCertificate, 'orderUrl' | 'origin' | 'keySource' | 'keyLocation' | 'cardEvidence' | 'account' | 'replaces' | 'obtainedAt'>,
): LedgerCertificate {
  const { leaf } = chain;
  return {
    id: copyId(leaf),
    serial: serialHex(leaf),
    commonName: commonNameOf(leaf) || namesOf(leaf)[0] || '',
    domains: namesOf(leaf),
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    leafPem: leaf.toString('pem'),
    chainPem: chain.rest.map((c) => c.toString('pem')).join('\n'),
    replacedBy: null,
    revokeAt: null,
    revokedAt: null,
    revocationReason: null,
    revocationAnswer: null,
    revokeAttempts: 0,
    revokeLastError: null,
    ...fields,
  };
}

export const ACME_PRODUCT = 'ACME';
const ACME_KEY_SOURCES: KeySource[] = ['csr', 'card'];

/** A ledger copy as every view shows it. */
export function toCertificate(c: LedgerCertificate, now: Date, directoryUrl: string, contact: string | null = null): Certificate {
  const revoked = c.revokedAt !== null;
  return {
    id: c.id,
    serialNumber: c.serial,
    commonName: c.commonName,
    domains: c.domains,
    state: c.revokedAt ? 'revoked' : Date.parse(c.notAfter) <= now.getTime() ? 'expired' : c.revokeAt ? 'pending-revocation' : 'valid',
    orderId: c.orderUrl ?? t('acme.imported'),
    product: ACME_PRODUCT,
    productCategory: new URL(directoryUrl).host,
    keySources: ACME_KEY_SOURCES,
    algorithms: [...ALGORITHMS],
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    replaces: c.replaces,
    replacedBy: c.replacedBy,
    revocationDate: c.revokedAt ?? c.revokeAt,
    revocationReason: (c.revocationReason as Certificate['revocationReason']) ?? null,
    subscriber: { name: '', lastName: '', email: contact?.replace(/^mailto:/, '') ?? '', verificationMethod: 'ACME' },
    organization: null,
    authorizationMethod: 'ACME',
    account: c.account ?? '',
    keySource: c.keySource,
    cardEvidence: c.cardEvidence,
    acme: { orderUrl: c.orderUrl, origin: c.origin, keyLocation: c.keyLocation, obtainedAt: c.obtainedAt, revocationAnswer: c.revocationAnswer, revocationError: failureText(c.revokeLastError, c.keyLocation), renewalWindow: null },
  };
}

/**
 * The refusal this tool cannot get past by itself: the CA takes the revocation only from the
 * account that ordered the copy or signed by the copy's own key, and that key is on a card
 * (acme-client signs its requests with a key in memory only; a card key cannot sign them). The
 * ledger keeps this mark and the CA's words; what to do is said whenever it is shown.
 */
export const CARD_KEY_MARK = 'card-key-not-ours:';

/** A recorded failure in the user's words: for a card key, what is wrong and what the user can do. */
export function failureText(recorded: string | null, keyLocation: string | null): string | null {
  if (!recorded?.startsWith(CARD_KEY_MARK)) return recorded;
  return t('acme.revokeCardKeyNotOurs', { problem: recorded.slice(CARD_KEY_MARK.length).trim(), key: keyLocation ?? '-' });
}

