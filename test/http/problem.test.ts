// Pure parts of the HTTP layer: error → status mapping, problem documents, CSR body decoding.
import { describe, expect, it } from 'vitest';
import { inputError, portalError, ReissueError, usageError } from '../../src/domain/errors.js';
import { csrBytesFromBody } from '../../src/server/http/csr-body.js';
import { statusFor, toProblem } from '../../src/server/http/problem.js';

describe('statusFor', () => {
  it.each([
    ['portal', 'not-found', 404],
    ['portal', 'already-replaced', 409],
    ['portal', 'conflict', 409],
    ['portal', 'idempotency-key-reused', 409],
    ['portal', 'unauthorized', 401],
    ['portal', 'forbidden', 403],
    ['portal', 'certificate-revoked', 409],
    ['input', 'csr-invalid', 422],
    ['usage', 'anything', 400],
    ['unexpected', 'anything', 500],
  ] as const)('%s/%s → %i', (kind, code, status) => {
    expect(statusFor(kind, code)).toBe(status);
  });
});

describe('toProblem', () => {
  it('keeps code, message, hint and details of a ReissueError', () => {
    const p = toProblem(portalError('already-replaced', 'Replaced.', 'Use B.', { newestCopyId: 'B' }));
    expect(p).toMatchObject({ status: 409, code: 'already-replaced', kind: 'portal', detail: 'Replaced.', hint: 'Use B.', newestCopyId: 'B', type: 'urn:reissue:problem:already-replaced' });
  });

  it('details cannot overwrite the standard members', () => {
    const p = toProblem(inputError('csr-invalid', 'Bad CSR.', undefined, { status: 200, code: 'x', problems: [] }));
    expect(p.status).toBe(422);
    expect(p.code).toBe('csr-invalid');
    expect(p.problems).toEqual([]);
  });

  it('hides unexpected errors behind a generic 500 and reports them to the log', () => {
    const seen: unknown[] = [];
    const p = toProblem(new Error('SQLITE_CORRUPT at /secret/path'), (e) => seen.push(e));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p)).not.toContain('secret');
    expect(seen).toHaveLength(1);
    const q = toProblem(new ReissueError('unexpected', 'portal-data-damaged', 'The file /secret is damaged.'));
    expect(q.status).toBe(500);
    expect(JSON.stringify(q)).not.toContain('secret');
    expect(toProblem(usageError('x', 'y')).status).toBe(400);
  });
});

describe('csrBytesFromBody', () => {
  const pem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
  it('takes PEM as text and base64 as DER, by declaration or by sniffing', () => {
    expect(Buffer.from(csrBytesFromBody({ csr: pem })).toString()).toBe(pem);
    expect(Buffer.from(csrBytesFromBody({ csr: pem, encoding: 'pem' })).toString()).toBe(pem);
    expect([...csrBytesFromBody({ csr: 'MAEC' })]).toEqual([0x30, 0x01, 0x02]);
    expect([...csrBytesFromBody({ csr: 'MAEC', encoding: 'base64' })]).toEqual([0x30, 0x01, 0x02]);
  });
  it('passes other text through unchanged so the CSR checks can name it', () => {
    expect(Buffer.from(csrBytesFromBody({ csr: 'hello world!' })).toString()).toBe('hello world!');
    expect(csrBytesFromBody({ csr: '' })).toHaveLength(0);
  });
});
