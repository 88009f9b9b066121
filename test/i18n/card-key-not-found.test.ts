// The "no card holds this key" refusal (csr check / submit --key-source card) is said in the
// user's language, in both its forms (cards only; manifest and cards).
import { describe, expect, test } from 'vitest';
import { evidenceForKey } from '../../src/card/evidence.js';
import { csrProblemText } from '../../src/domain/translate.js';
import { isReissueError, type ReissueError } from '../../src/domain/errors.js';
import { localizedError } from '../../src/i18n/errors.js';
import { translator } from '../../src/i18n/i18n.js';

async function refusal(manifest: boolean): Promise<ReissueError> {
  const spki = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
  const e = await evidenceForKey(spki, manifest ? { manifest: [] } : {}).catch((x: unknown) => x);
  if (!isReissueError(e)) throw new Error('expected a refusal');
  return e;
}

describe('card-key-not-found', () => {
  test.each([false, true])('with a manifest: %s — English equals the message, Polish is Polish', async (manifest) => {
    const e = await refusal(manifest);
    expect(e.code).toBe('card-key-not-found');
    expect(localizedError(e, translator('en'))).toEqual({ message: e.message, hint: e.hint });
    const pl = localizedError(e, translator('pl'));
    expect(pl.message).toMatch(manifest ? /^Ani manifest/ : /^Żadna z obecnych kart/);
    expect(pl.hint).toMatch(/^Włóż kartę/);
    // The CSR check's problem, built as checkCsrFor builds it.
    const values: Record<string, string> = manifest ? { context: 'manifest' } : {};
    const problem = { code: 'card-key-not-found' as const, message: `${e.message} ${e.hint}`, text: { key: 'csrProblem.cardKeyNotFound', values } };
    expect(csrProblemText(problem, translator('en'))).toBe(problem.message);
    expect(csrProblemText(problem, translator('pl'))).toBe(`${pl.message} ${pl.hint}`);
  });
});
