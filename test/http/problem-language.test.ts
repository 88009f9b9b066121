// Problem details follow Accept-Language: the words change, the status and code do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLanguage } from '../../src/i18n/i18n.js';
import { startTestPortal, type TestPortal } from './helpers.js';

let portal: TestPortal;
beforeAll(async () => {
  portal = await startTestPortal();
});
afterAll(async () => {
  setLanguage('en');
  await portal.close();
});

async function ask(path: string, init: RequestInit & { lang?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${portal.tokens.demo}`, ...(init.headers as Record<string, string>) };
  if (init.lang) headers['accept-language'] = init.lang;
  const r = await fetch(`${portal.url}${path}`, { ...init, headers });
  return { status: r.status, language: r.headers.get('content-language'), body: (await r.json()) as Record<string, unknown> };
}

describe('problem details in the language asked for', () => {
  it.each([
    ['no token', '/v1/certificates', { headers: { authorization: '' } }],
    ['unknown certificate', '/v1/certificates/crt-nothere', {}],
    ['unknown route', '/v1/nothing-here', {}],
    ['malformed JSON', '/v1/certificates/crt-nothere/reissue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"csr":' }],
  ] as const)('%s: Polish words, the same status and code', async (_what, path, init) => {
    const en = await ask(path, { ...init });
    const pl = await ask(path, { ...init, lang: 'pl-PL,pl;q=0.9,en;q=0.5' });
    expect(pl.status).toBe(en.status);
    expect(pl.body.code).toBe(en.body.code);
    expect(pl.body.kind).toBe(en.body.kind);
    expect(en.language).toBe('en');
    expect(pl.language).toBe('pl');
    expect(pl.body.detail).not.toBe(en.body.detail);
    expect(pl.body.title).not.toBe(en.body.title);
    expect(String(pl.body.detail)).toMatch(/[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]|nie /i);
  });

  it('the CLI client asks in its own language', async () => {
    setLanguage('pl');
    const client = portal.client(portal.tokens.demo);
    const error = await client.get('crt-nothere').then(
      () => null,
      (e: unknown) => e as { code: string; message: string; exitCode: number },
    );
    setLanguage('en');
    expect(error).toMatchObject({ code: 'not-found', exitCode: 5 });
    expect(error!.message).toBe('W tym portalu nie ma certyfikatu "crt-nothere".');
  });
});
