// The ACME account of one contact at one directory: its key (EC P-256, made here, 0600 in the
// directory's folder, never printed), the terms of service agreed explicitly, External Account
// Binding when the CA asks for it (the HMAC key read from a file or stdin by the caller, kept in
// memory for this one request only). The ledger keeps the account URL and which key file it uses.
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError, portalError, usageError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { writeNewFile } from '../../util/files.js';
import { AcmeProblemError, AcmeSession, problemText, type EabSecret } from './client.js';
import type { Ledger, LedgerAccount } from './ledger.js';
import { accountKeyName } from './spec.js';

export interface AccountRequest {
  email: string;
  /** The user agreed to the CA's terms of service (--agree-tos, or yes at the prompt). */
  agreeTos: boolean;
  eab?: EabSecret;
}

export interface AccountResult {
  account: LedgerAccount;
  created: boolean;
  termsOfService: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function termsOfService(session: AcmeSession): Promise<{ url: string | null; eabRequired: boolean }> {
  const meta = ((await session.directory()).meta ?? {}) as { termsOfService?: unknown; externalAccountRequired?: unknown };
  return { url: typeof meta.termsOfService === 'string' ? meta.termsOfService : null, eabRequired: meta.externalAccountRequired === true };
}

export async function registerAccount(folder: string, ledger: Ledger, directoryUrl: string, req: AccountRequest, now: Date): Promise<AccountResult> {
  if (!EMAIL.test(req.email)) throw usageError('acme-bad-email', t('acme.badEmail', { email: req.email }), t('acme.badEmailHint'), { email: req.email });
  const contact = `mailto:${req.email}`;
  const keyFile = join(folder, accountKeyName(contact));
  const keyPem = await accountKey(keyFile);
  const probe = new AcmeSession(directoryUrl, keyPem);
  const tos = await termsOfService(probe);
  if (tos.url && !req.agreeTos) {
    throw inputError('acme-tos-not-agreed', t('acme.tosNotAgreed', { url: tos.url }), t('acme.tosNotAgreedHint'), { url: tos.url });
  }
  if (tos.eabRequired && !req.eab) throw inputError('acme-eab-required', t('acme.eabRequired', { url: directoryUrl }), t('acme.eabRequiredHint'), { url: directoryUrl });
  const session = new AcmeSession(directoryUrl, keyPem, undefined, req.eab);
  let resp;
  try {
    resp = await session.newAccount({ contact: [contact], termsOfServiceAgreed: Boolean(tos.url) && req.agreeTos }, Boolean(req.eab));
  } catch (e) {
    if (!(e instanceof AcmeProblemError)) throw e;
    // Never the HMAC key: the key id and the CA's words only.
    if (req.eab) throw portalError('acme-eab-refused', t('acme.eabRefused', { kid: req.eab.kid, problem: problemText(e.problem) }), t('acme.eabRefusedHint'), { kid: req.eab.kid, type: e.problem.type });
    throw portalError('acme-account-refused', t('acme.accountRefused', { email: req.email, problem: problemText(e.problem) }), t('acme.refusedHint'), { email: req.email, type: e.problem.type });
  }
  if (!session.accountUrl) throw portalError('acme-account-refused', t('acme.accountRefused', { email: req.email, problem: 'no Location' }), t('acme.refusedHint'), { email: req.email });
  const previous = ledger.account(contact);
  const account: LedgerAccount = { contact, url: session.accountUrl, keyFile, termsOfService: tos.url, eabKid: req.eab?.kid ?? previous?.eabKid ?? null, createdAt: previous?.createdAt ?? now.toISOString() };
  ledger.saveAccount(account, now.toISOString());
  return { account, created: resp.status === 201, termsOfService: tos.url };
}

/** The contact's key: the one made before (its account stays the same), or a new one written 0600. */
async function accountKey(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await writeNewFile(path, pem, { mode: 0o600, what: t('acme.accountKeyFile') });
  return pem;
}

/** The session of the current account, or the refusal that says how to make one. */
export async function accountSession(ledger: Ledger, directoryUrl: string, spec: string): Promise<AcmeSession> {
  const account = ledger.currentAccount();
  if (!account) throw usageError('acme-no-account', t('acme.noAccount', { url: directoryUrl }), t('acme.noAccountHint', { portal: spec }), { url: directoryUrl });
  let keyPem: string;
  try {
    keyPem = await readFile(account.keyFile, 'utf8');
  } catch (e) {
    throw portalError('acme-account-key-missing', t('acme.accountKeyMissing', { path: account.keyFile, reason: (e as NodeJS.ErrnoException).code ?? '' }), t('acme.noAccountHint', { portal: spec }), { path: account.keyFile });
  }
  return new AcmeSession(directoryUrl, keyPem, account.url);
}
