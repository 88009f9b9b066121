// The e-mail texts: both languages hold the same keys and the same placeholders (so the tables can
// move into the language catalogs as they are), and every placeholder is filled.
import { describe, expect, it } from 'vitest';
import { issuedMessage, reminderMessage } from '../../src/server/mail/messages.js';
import { MAIL_LANGUAGES, mailText, type MailTextKey } from '../../src/server/mail/templates.js';
import type { CertificateRecord } from '../../src/server/store/records.js';

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const KEYS: MailTextKey[] = ['issued.subject', 'issued.body', 'reminder.subject', 'reminder.body', 'reminder.notDownloaded', 'reminder.downloaded', 'key.csr', 'key.card', 'key.cloud', 'key.unknown', 'signature'];

const record = (over: Partial<CertificateRecord>): CertificateRecord =>
  ({
    id: 'crt-new', serial: 'ab01', orderId: 'ORDER/1/po', commonName: 'Asseco Data Systems S.A.', domains: [], der: new Uint8Array([0x30, 0x00]),
    subscriber: { name: 'Paula', lastName: 'Chlebicka', email: 'paula@example.pl', verificationMethod: 'x' },
    notAfter: '2027-11-01T10:00:00.000Z', issuedAt: '2026-12-01T10:00:00.000Z', revocationDate: null, keySource: 'cloud', downloadedAt: null,
    product: { name: 'Code Signing in the cloud 365 days', category: 'Code Signing', keySources: ['cloud'], algorithms: ['ec-p256'] },
    ...over,
  }) as CertificateRecord;

describe('mail templates', () => {
  it('English and Polish have the same keys and placeholders', () => {
    for (const key of KEYS) {
      const [en, pl] = MAIL_LANGUAGES.map((lang) => placeholders(mailText(lang, key)));
      expect(pl, key).toEqual(en);
    }
  });

  it('"certificate issued" for a card key says what the portal knows: declared by the client and checked for consistency, not attested', () => {
    const issued = record({ keySource: 'card' });
    const old = record({ id: 'crt-old', serial: 'cd02', replacedBy: 'crt-new', revocationDate: '2026-12-15T10:00:00.000Z' });
    const en = issuedMessage({ lang: 'en', portal: 'p' }, issued, old, old.revocationDate!).text;
    expect(en).toContain('Key:            generated on a card (declared by the client and checked for consistency, not attested)');
    expect(en).not.toContain('generated on your card');
    const pl = issuedMessage({ lang: 'pl', portal: 'p' }, issued, old, old.revocationDate!).text;
    expect(pl).toContain('Klucz:          wygenerowany na karcie (zadeklarowane przez klienta i sprawdzone pod kątem spójności, nie poświadczone)');
  });

  it('fills every placeholder, in both languages', () => {
    const issued = record({});
    const old = record({ id: 'crt-old', serial: 'cd02', replacedBy: 'crt-new', revocationDate: '2026-12-15T10:00:00.000Z' });
    for (const lang of MAIL_LANGUAGES) {
      const ctx = { lang, portal: 'reissue SANDBOX portal' };
      for (const m of [issuedMessage(ctx, issued, old, old.revocationDate!), reminderMessage(ctx, old, issued, new Date('2026-12-12T10:00:00Z'))]) {
        expect(m.subject + m.text).not.toMatch(/\{\{|\}\}/);
        expect(m.to).toBe('paula@example.pl');
        expect(m.text).toContain('2026-12-15 10:00 UTC');
      }
    }
    const pl = reminderMessage({ lang: 'pl', portal: 'p' }, old, record({ downloadedAt: '2026-12-02T08:30:00.000Z' }), new Date('2026-12-12T10:00:00Z'));
    expect(pl.text).toContain('została pobrana 2026-12-02 08:30 UTC');
    expect(pl.text).toContain('za 3 d.');
  });
});
