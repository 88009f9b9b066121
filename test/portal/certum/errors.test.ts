// Certum's refusals as portal errors: successCode 2 is bad credentials, known errorCodes get
// their own code and message (English and Polish), unknown ones are named with their numbers,
// and a fault's text never carries the password.
import { afterEach, describe, expect, test } from 'vitest';
import { setLanguage } from '../../../src/i18n/i18n.js';
import { answerError, faultError, timeoutError } from '../../../src/portal/certum/errors.js';

afterEach(() => setLanguage('en'));

describe('answerError', () => {
  test('successCode 2 (and 3, as the SDK’s Polish catalogue has it): the credentials, whatever the codes', () => {
    for (const code of [2, 3]) expect(answerError('getOrderState', code, [], 'X')).toMatchObject({ code: 'certum-auth', kind: 'portal' });
    expect(answerError('getOrderState', 1, [{ errorCode: 1090, value: null }], 'X').code).toBe('certum-auth');
  });
  test('known codes: their own code, kind and message; a CSR problem is the input’s (exit 3)', () => {
    expect(answerError('getOrderByOrderID', 1, [{ errorCode: 1033, value: 'ORDER/9' }], 'ORDER/9')).toMatchObject({ code: 'not-found', exitCode: 5, message: 'Certum has no order "ORDER/9" for this partner (error 1033).' });
    expect(answerError('reissueCertificate', 1, [{ errorCode: 1032, value: null }], 'ORDER/1')).toMatchObject({ code: 'certum-csr-key-used', exitCode: 3 });
    expect(answerError('reissueCertificate', 1, [{ errorCode: 2126, value: null }], 'ORDER/1')).toMatchObject({ code: 'already-replaced', exitCode: 5 });
    setLanguage('pl');
    expect(answerError('getOrderByOrderID', 1, [{ errorCode: 1033, value: null }], 'ORDER/9').message).toBe('Certum nie ma zamówienia „ORDER/9” tego partnera (błąd 1033).');
  });
  test('unknown codes: every number and Certum’s value named', () => {
    const e = answerError('reissueCertificate', 1, [{ errorCode: 4242, value: 'odd' }, { errorCode: 4343, value: null }], 'ORDER/1');
    expect(e.code).toBe('certum-refused');
    expect(e.message).toBe('Certum refused reissueCertificate: error code 4242 (odd), 4343.');
    expect(e.details).toMatchObject({ errorCodes: [4242, 4343] });
  });
  test('a failure without codes', () => {
    expect(answerError('getProductList', 1, [], '').code).toBe('certum-failed');
  });
});

describe('faults and timeouts', () => {
  test('a fault that echoes the password shows *** instead', () => {
    const e = faultError('getOrderState', 'bad request <password>S3cret&</password>', 'S3cret&');
    expect(e.message).toContain('<password>***</password>');
    expect(e.message).not.toContain('S3cret&');
    expect(faultError('x', 'echo: S3cret&amp;&lt;', 'S3cret&<').message).toBe('Certum answered x with a SOAP fault: echo: ***');
  });
  test('the timeout names the seconds, the operation and the endpoint', () => {
    expect(timeoutError('getOrderState', 1.5, 'https://gs.test.certum.pl/service/PartnerApi').message).toBe(
      'Certum did not answer within 1.5 s (getOrderState at https://gs.test.certum.pl/service/PartnerApi).',
    );
  });
});
