// Errors raised by the pure layers (card layer, product rules) in English, said in Polish from the
// catalogs by their code and details; code, kind and exit status stay as they were.
import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { toCardError } from '../../src/card/pkcs11/errors.js';
import { pinLocked } from '../../src/card/messages.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardError, type ReissueError } from '../../src/domain/errors.js';
import { parseReminderDays, productRefusal, reissueRefusal } from '../../src/domain/policy.js';
import { checkOutputs, FORCE_HINT } from '../../src/util/files.js';
import type { Certificate } from '../../src/domain/types.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';

const pl = translator('pl');
const en = translator('en');

const cert = { id: 'crt-aaaaaaaaaa', orderId: 'ORDER/1/po', product: 'Trusted SSL', keySources: ['csr'], algorithms: ['rsa-2048', 'ec-p256'], replacedBy: null, state: 'revoked', notAfter: '2027-01-01T00:00:00.000Z' } as unknown as Certificate;

function ckr(code: number): Error {
  return Object.assign(new Error('CKR'), { code });
}

describe('errors in the user\'s language', () => {
  it('card errors: a wrong PIN, a card removed during key generation, a locked PIN', () => {
    const wrong = toCardError(ckr(pkcs11js.CKR_PIN_INCORRECT), 'login');
    expect(localizedError(wrong, pl)).toEqual({ message: 'Błędny PIN.', hint: 'Wpisz ponownie PIN profilu standardowego; każdy błędny PIN zużywa jedną z prób karty.' });
    expect(localizedError(wrong, en)).toEqual({ message: wrong.message, hint: wrong.hint });
    expect([wrong.code, wrong.exitCode]).toEqual(['pin-wrong', 4]);
    const removed = toCardError(ckr(pkcs11js.CKR_DEVICE_REMOVED), 'generate');
    expect(localizedError(removed, pl).message).toBe('Karta została wyjęta podczas generowania klucza; nic nie zostało wysłane.');
    expect(localizedError(pinLocked(), pl).hint).toContain('kodem PUK');
  });

  it('product rules: revoked, algorithm not allowed, already replaced', () => {
    expect(localizedError(reissueRefusal(cert, 'csr', cert.id)!, pl).message).toBe('Certyfikat crt-aaaaaaaaaa jest unieważniony; nie można wykonać jego reissue.');
    const alg = productRefusal(cert, { keySource: 'csr', algorithm: 'rsa-4096' })!;
    expect(localizedError(alg, pl)).toEqual({ message: 'Produkt "Trusted SSL" nie dopuszcza RSA 4096.', hint: 'Wybierz jeden z: rsa-2048, ec-p256.' });
    expect([alg.code, alg.exitCode]).toEqual(['algorithm-not-allowed', 3]);
    const replaced = reissueRefusal({ ...cert, replacedBy: 'crt-b' }, 'csr', 'crt-newest')!;
    expect(localizedError(replaced, pl).hint).toBe('Wykonaj reissue certyfikatu crt-newest.');
  });

  it('a wrong PIN says what the card reports about its tries, in Polish too', () => {
    const low = cardError('pin-wrong', 'The PIN is wrong. The card reports that few tries are left.', 'H', { tries: 'low' });
    expect(localizedError(low, pl).message).toBe('Błędny PIN. Karta zgłasza, że zostało niewiele prób.');
    expect(localizedError({ ...low, details: { tries: 'final' } }, pl).message).toBe('Błędny PIN. Karta zgłasza, że została jedna próba: następny błędny PIN ją zablokuje.');
    expect(localizedError(low, en).message).toBe(low.message);
  });

  it('files, the reminder setting, the card catch-all and a busy database speak Polish (no English fallback)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reissue-err-'));
    try {
      await writeFile(join(dir, 'k.key'), 'x');
      const exists = await checkOutputs([{ path: join(dir, 'k.key'), what: pl('flows.privateKeyFile') }]).catch((e: unknown) => e as ReissueError);
      expect(localizedError(exists as ReissueError, pl).message).toBe(`Plik klucza prywatnego ${join(dir, 'k.key')} już istnieje; nic nie zapisano.`);
      const forced = await checkOutputs([{ path: join(dir, 'k.key'), what: 'Plik', existsHint: FORCE_HINT }]).catch((e: unknown) => e as ReissueError);
      expect(localizedError(forced as ReissueError, pl).hint).toBe('Wybierz inną nazwę pliku albo dodaj --force, aby go zastąpić.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    let days: unknown;
    try {
      parseReminderDays('20');
    } catch (e) {
      days = e;
    }
    expect(localizedError(days as ReissueError, pl).message).toBe('Liczba dni przypomnienia musi być liczbą całkowitą od 1 do 13, a nie "20".');
    expect(localizedError(toCardError(new Error('boom')), pl).message).toBe('Nieoczekiwany błąd obsługi karty: boom');
  });

  it('a key source the product does not take is said in Polish, with the sources it takes', () => {
    const refused = productRefusal({ ...cert, keySources: ['card', 'cloud'] }, { keySource: 'csr' })!;
    expect(localizedError(refused, pl).message).toBe('Ten produkt nie dopuszcza CSR; przyjmuje parę kluczy wygenerowaną na karcie albo parę kluczy wygenerowaną w magazynie kluczy w chmurze.');
    expect(localizedError(refused, en).message).toBe(refused.message);
  });

  it('keeps the English words of a code whose details miss what the text names', () => {
    expect(localizedError({ code: 'csr-invalid', message: 'EN', hint: 'H', details: {} }, pl)).toEqual({ message: 'EN', hint: 'H' });
    expect(localizedError({ code: 'no-such-code', message: 'EN' }, pl)).toEqual({ message: 'EN', hint: undefined });
  });
});
