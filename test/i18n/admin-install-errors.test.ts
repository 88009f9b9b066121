// The refusals of `reissue admin …` (accounts, tokens) and of `card install`'s plan (which card
// holds the certificate's key) are said in Polish: every branch, its catalog message filled in from
// the error's details. English stays the error's own words (what JSON and logs keep).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyLocation, TokenInfo } from '../../src/card/card.js';
import { certificatesIn, planInstall, type BundleCertificate } from '../../src/card/install-plan.js';
import { publicKeySha256 } from '../../src/card/key-ids.js';
import type { ManifestLine } from '../../src/card/manifest.js';
import { isReissueError, ReissueError } from '../../src/domain/errors.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';
import type { LocalPortalService } from '../../src/server/service.js';
import { seededService, testClock } from '../server/helpers.js';

const pl = translator('pl');
const en = translator('en');

/** The error in Polish: its catalog text, filled in, with no English left. */
function polish(e: unknown): { message: string; hint?: string } {
  if (!isReissueError(e)) throw new Error(`expected a ReissueError, got ${String(e)}`);
  expect(localizedError(e, en)).toEqual({ message: e.message, hint: e.hint });
  const said = localizedError(e, pl);
  expect(said.message, e.code).not.toBe(e.message);
  // Commands (`reissue admin account create …`) are not words to translate.
  expect(`${said.message} ${said.hint ?? ''}`.replace(/`[^`]*`/g, ''), e.code).not.toMatch(/\{\{|\b(the|is|not|card|certificate|account|Choose|Insert|Install|Use|Create)\b/);
  return said;
}

const token = (label: string, serial: string) => ({ label, serial }) as TokenInfo;
const at = (label: string, serial: string) => ({ module: '/m.so', token: token(label, serial), key: { id: '01' } }) as unknown as KeyLocation;
const cert = (index: number): BundleCertificate => ({ der: new Uint8Array([index]), spki: new Uint8Array([0x30, index]), index });

describe('card install: which card, in Polish', () => {
  const plan = (...args: Parameters<typeof planInstall>) => {
    const r = planInstall(...args);
    if (!(r instanceof ReissueError)) throw new Error('expected a refusal');
    return r;
  };

  it('no card holds the key: every card searched or the chosen ones, one certificate or a bundle', () => {
    expect(polish(plan([cert(1)], [[]], null)).message).toBe('Żadna z obecnych kart nie ma klucza tego certyfikatu.');
    expect(polish(plan([cert(1), cert(2)], [[], []], null)).message).toBe('Żadna z obecnych kart nie ma klucza żadnego z certyfikatów w pliku.');
    const narrowed = polish(plan([cert(1)], [[]], null, true));
    expect(narrowed.message).toBe('Żadna z kart wybranych przez --token / --serial / --key nie ma klucza tego certyfikatu.');
    expect(narrowed.hint).toMatch(/^Pomiń --token/);
    expect(polish(plan([cert(1), cert(2)], [[], []], null, true)).message).toMatch(/^Żadna z kart wybranych .* żadnego z certyfikatów w pliku\.$/);
    expect(polish(plan([cert(1)], [[]], null)).hint).toMatch(/^Włóż kartę, na której wygenerowano parę kluczy/);
  });

  it('the manifest names the absent card; several cards or several certificates are ambiguous', () => {
    const line = { publicKeySha256: publicKeySha256(cert(1).spki), tokenLabel: 'biuro', cardSerial: '42', keyId: '01' } as ManifestLine;
    expect(polish(plan([cert(1)], [[]], [line]))).toEqual({ message: 'Klucz tego certyfikatu przygotowano na karcie "biuro" (numer 42), której nie ma w czytniku.', hint: 'Włóż tę kartę i uruchom to samo polecenie ponownie.' });
    expect(polish(plan([cert(1)], [[at('a', '1'), at('b', '2')]], null)).message).toBe('Klucz certyfikatu jest na więcej niż jednej karcie (etykieta i numer): "a" (1), "b" (2).');
    expect(polish(plan([cert(1), cert(2)], [[at('a', '1')], [at('b', '2')]], null)).message).toMatch(/^Liczba certyfikatów w pliku, których klucz jest na karcie: 2/);
  });

  it('a file that is not a certificate: no PEM certificate, a bad one in a bundle, not X.509', () => {
    const refusal = (bytes: string | Uint8Array) => {
      try {
        certificatesIn(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      } catch (e) {
        return e;
      }
      throw new Error('expected a refusal');
    };
    expect(polish(refusal('-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n')).message).toBe('Plik nie zawiera certyfikatu PEM ("BEGIN CERTIFICATE").');
    expect(polish(refusal(new Uint8Array([0x30, 0x00]))).message).toBe('Plik nie jest certyfikatem X.509 (PEM ani DER).');
    const bundle = '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'.repeat(2);
    expect(polish(refusal(bundle)).message).toBe('Certyfikat nr 1 w pliku nie jest certyfikatem X.509 (PEM ani DER).');
  });

  it('what a bundle leaves out is kept as positions for the words of each language', () => {
    const r = planInstall([cert(1), cert(2)], [[], [at('a', '1')]], null);
    if (r instanceof ReissueError) throw r;
    expect(r.left).toEqual([{ index: 1, total: 2 }]);
    expect(r.skipped).toEqual([expect.stringMatching(/^Certificate 1 of 2 was not installed/)]);
    expect(pl('cli.card.notInstalled', r.left[0])).toMatch(/^Certyfikat 1 z 2 nie został zainstalowany/);
  });
});

describe('reissue admin: accounts and tokens, in Polish', () => {
  let service: LocalPortalService;
  let cleanup: () => void;
  beforeAll(async () => {
    ({ service, cleanup } = await seededService(testClock()));
  });
  afterAll(() => cleanup());

  it('a bad name, an existing account, an unknown one, a customer named as partner, a bad role', async () => {
    expect(polish(await service.createAccount('Zły Klient', 'customer').catch((e: unknown) => e)).message).toBe('"Zły Klient" nie jest poprawną nazwą konta.');
    expect(polish(await service.createAccount('demo', 'customer').catch((e: unknown) => e))).toEqual({ message: 'Konto "demo" już istnieje.', hint: 'Wybierz inną nazwę.' });
    expect(polish(await service.createToken('nikt').catch((e: unknown) => e)).message).toBe('W tym portalu nie ma konta "nikt".');
    expect(polish(await service.createAccount('klient2', 'customer', 'demo').catch((e: unknown) => e)).message).toBe('Konto "demo" jest kontem klienta, a nie partnera.');
    expect(polish(await service.createAccount('klient3', 'admin' as 'customer').catch((e: unknown) => e)).message).toBe('Rola musi mieć wartość customer albo partner, a nie "admin".');
  });
});
