import { describe, expect, it } from 'vitest';
import { ReissueError } from '../../src/domain/errors.js';
import {
  certificateState,
  daysLeft,
  cardEvidenceOf,
  productRefusal,
  reissueRefusal,
  reissuedNotAfter,
  REVOCATION_DELAY_DAYS,
  scheduledRevocationDate,
} from '../../src/domain/policy.js';
import type { Certificate } from '../../src/domain/types.js';
import { cloudAlgorithm } from '../../src/flows/cloud.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';

const now = new Date('2026-06-01T12:00:00Z');

function cert(over: Partial<Certificate> = {}): Certificate {
  return {
    id: 'crt-aaaaaaaaaa',
    serialNumber: '1a2b',
    commonName: 'assecodata.pl',
    domains: ['assecodata.pl', 'www.assecodata.pl'],
    state: 'valid',
    orderId: 'ORDER/0000123456/po',
    product: 'Trusted MultiDomain SSL 4 domains 365 days',
    productCategory: 'SSL (TLS)',
    keySources: ['csr'],
    algorithms: ['rsa-2048', 'ec-p256'],
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    replaces: null,
    replacedBy: null,
    revocationDate: null,
    revocationReason: null,
    subscriber: { name: 'Paula', lastName: 'Chlebicka', email: 'p@assecodata.pl', verificationMethod: 'x' },
    organization: null,
    authorizationMethod: 'KRS 0000421310',
    account: 'demo',
    ...over,
  };
}

describe('certificateState', () => {
  const base = { notAfter: '2027-01-01T00:00:00.000Z', revocationDate: null, revoked: false };

  it('is valid before notAfter with nothing scheduled', () => {
    expect(certificateState(base, now)).toBe('valid');
  });

  it('is pending-revocation while a scheduled revocation is in the future', () => {
    expect(certificateState({ ...base, revocationDate: '2026-06-10T00:00:00.000Z' }, now)).toBe('pending-revocation');
  });

  it('counts a revocation whose date has come as revoked, even before the schedule wrote it', () => {
    expect(certificateState({ ...base, revocationDate: '2026-06-01T12:00:00.000Z' }, now)).toBe('revoked');
    expect(certificateState({ ...base, revocationDate: '2026-05-01T00:00:00.000Z' }, now)).toBe('revoked');
  });

  it('is expired at and after notAfter', () => {
    expect(certificateState({ ...base, notAfter: '2026-06-01T12:00:00.000Z' }, now)).toBe('expired');
    expect(certificateState({ ...base, notAfter: '2026-01-01T00:00:00.000Z' }, now)).toBe('expired');
  });

  it('lets revoked win over expired', () => {
    expect(certificateState({ notAfter: '2026-01-01T00:00:00.000Z', revocationDate: '2025-12-01T00:00:00.000Z', revoked: true }, now)).toBe('revoked');
  });

  it('reports an expired copy whose scheduled revocation is still ahead as expired', () => {
    expect(certificateState({ notAfter: '2026-05-31T00:00:00.000Z', revocationDate: '2026-06-05T00:00:00.000Z', revoked: false }, now)).toBe('expired');
  });
});

describe('the 14-day schedule', () => {
  it('revokes the old copy exactly 14 days after the new copy is issued', () => {
    expect(REVOCATION_DELAY_DAYS).toBe(14);
    expect(scheduledRevocationDate(new Date('2026-06-01T12:34:56Z')).toISOString()).toBe('2026-06-15T12:34:56.000Z');
  });

  it('counts days left rounded up, never negative', () => {
    expect(daysLeft('2026-06-15T12:00:00.000Z', now)).toBe(14);
    expect(daysLeft('2026-06-01T15:00:00.000Z', now)).toBe(1);
    expect(daysLeft('2026-06-01T12:00:00.000Z', now)).toBe(0);
    expect(daysLeft('2026-05-01T12:00:00.000Z', now)).toBe(0);
  });

  it('keeps the replaced copy’s notAfter to the second', () => {
    expect(reissuedNotAfter({ notAfter: '2027-03-04T05:06:07.000Z' }).toISOString()).toBe('2027-03-04T05:06:07.000Z');
  });
});

describe('reissueRefusal', () => {
  it('allows the newest valid copy with an allowed key source', () => {
    expect(reissueRefusal(cert(), 'csr', 'crt-aaaaaaaaaa')).toBeNull();
    expect(reissueRefusal(cert({ state: 'pending-revocation' }), 'csr', 'crt-aaaaaaaaaa')).toBeNull();
  });

  it('refuses a replaced copy and names the newest copy', () => {
    const e = reissueRefusal(cert({ replacedBy: 'crt-bbbbbbbbbb', state: 'pending-revocation' }), 'csr', 'crt-cccccccccc');
    expect(e).toBeInstanceOf(ReissueError);
    expect(e!.kind).toBe('portal');
    expect(e!.code).toBe('already-replaced');
    expect(e!.hint).toContain('crt-cccccccccc');
    expect(e!.details).toEqual({ newestCopyId: 'crt-cccccccccc', id: 'crt-aaaaaaaaaa', orderId: 'ORDER/0000123456/po' });
  });

  it('refuses revoked and expired copies', () => {
    expect(reissueRefusal(cert({ state: 'revoked' }), 'csr', 'x')!.code).toBe('certificate-revoked');
    expect(reissueRefusal(cert({ state: 'expired' }), 'csr', 'x')!.code).toBe('certificate-expired');
  });

  it('refuses a key source the product does not allow, saying which ones it does', () => {
    const cardOnly = cert({ keySources: ['card'], product: 'Code Signing on a card 365 days' });
    const e = reissueRefusal(cardOnly, 'csr', 'x')!;
    expect(e.code).toBe('key-source-not-allowed');
    expect(e.message).toContain('Code Signing on a card 365 days');
    expect(e.hint).toContain('card');
    expect(reissueRefusal(cardOnly, 'card', 'x')).toBeNull();
    expect(reissueRefusal(cert(), 'card', 'x')!.code).toBe('key-source-not-allowed');
  });
});

describe('what a product accepts: one rule for csr check, csr new, card keygen and reissue', () => {
  const codeSigning = cert({ product: 'Code Signing', keySources: ['card'], algorithms: ['rsa-3072', 'ec-p256'] });
  it('refuses a key source the product does not take, naming a command that works', () => {
    const e = productRefusal(codeSigning, { keySource: 'csr' })!;
    expect(e).toMatchObject({ kind: 'portal', code: 'key-source-not-allowed' });
    expect(e.hint).toContain(`reissue submit ${codeSigning.id} --csr FILE --key-source card`);
    expect(reissueRefusal(codeSigning, 'csr', codeSigning.id)).toMatchObject({ code: 'key-source-not-allowed', message: e.message });
  });
  it('refuses an algorithm the product does not allow, before anything is made', () => {
    expect(productRefusal(codeSigning, { keySource: 'card', algorithm: 'rsa-2048' })).toMatchObject({ kind: 'input', code: 'algorithm-not-allowed' });
    expect(productRefusal(codeSigning, { keySource: 'card', algorithm: 'rsa-3072' })).toBeNull();
  });
  it('is the one "algorithm not allowed" rule: the cloud flow raises exactly its refusal, in either language', () => {
    const cloud = cert({ product: 'Code Signing in the cloud', keySources: ['cloud'], algorithms: ['rsa-3072', 'ec-p256'] });
    const rule = productRefusal(cloud, { keySource: 'cloud', algorithm: 'rsa-2048' })!;
    expect(rule).toMatchObject({ code: 'algorithm-not-allowed', message: 'The product "Code Signing in the cloud" does not allow RSA 2048.', hint: 'Choose one of: rsa-3072, ec-p256.' });
    expect(rule.details).toEqual({ allowed: ['rsa-3072', 'ec-p256'], product: 'Code Signing in the cloud', algorithm: 'RSA 2048' });
    let raised: unknown;
    try {
      cloudAlgorithm(cloud, 'rsa-2048');
    } catch (e) {
      raised = e;
    }
    expect(raised).toBeInstanceOf(ReissueError);
    const e = raised as ReissueError;
    expect([e.kind, e.code, e.message, e.hint, e.details]).toEqual([rule.kind, rule.code, rule.message, rule.hint, rule.details]);
    expect(localizedError(e, translator('pl'))).toEqual({ message: 'Produkt "Code Signing in the cloud" nie dopuszcza RSA 2048.', hint: 'Wybierz jeden z: rsa-3072, ec-p256.' });
    expect(cloudAlgorithm(cloud)).toBe('rsa-3072');
    expect(cloudAlgorithm(cloud, 'ec-p256')).toBe('ec-p256');
  });
});

describe('cardEvidenceOf: the form of a card claim (declared by the client; its consistency is evidenceRefusal\'s)', () => {
  const card = { serial: 'c5a492db', token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so', keyId: '0a1b' };
  it('records nothing for a CSR, the card\'s evidence for a card', () => {
    expect(cardEvidenceOf({ keySource: 'csr' })).toEqual({ evidence: null });
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, extra: 'dropped' } })).toEqual({ evidence: card });
  });
  it('refuses a bare or incomplete declaration', () => {
    expect(cardEvidenceOf({ keySource: 'card' })).toMatchObject({ refusal: { code: 'card-evidence-missing' } });
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, module: ' ' } })).toMatchObject({ refusal: { details: { missing: ['module'] } } });
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, keyId: 'x'.repeat(300) } })).toMatchObject({ refusal: { code: 'card-evidence-missing' } });
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, keyId: '0A1B' } })).toMatchObject({ refusal: { code: 'card-evidence-invalid' } });
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, publicKeySha256: 'AB'.repeat(32) } })).toMatchObject({ refusal: { code: 'card-evidence-invalid' } });
  });
  it('keeps the key hash the client declared, for the consistency check', () => {
    const sha = 'ab'.repeat(32);
    expect(cardEvidenceOf({ keySource: 'card', card: { ...card, publicKeySha256: sha } })).toEqual({ evidence: { ...card, publicKeySha256: sha } });
  });
});
