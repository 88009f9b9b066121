import { describe, expect, it, vi } from 'vitest';
import { resolveSettings } from '../../src/cli/env.js';

const dflt = async () => '/default/data';

describe('resolveSettings: flag, then environment, then config file, then default', () => {
  it('uses defaults when nothing is set', async () => {
    const s = await resolveSettings({}, {}, async () => ({}), dflt);
    expect(s).toMatchObject({ portal: 'local', token: undefined, dataDir: '/default/data', module: undefined, json: false });
  });

  it('prefers the flag over the environment over the config file', async () => {
    const config = async () => ({ portal: 'https://from-config', token: 'cfg', dataDir: '/cfg', module: '/cfg.so' });
    const env = { REISSUE_PORTAL: 'https://from-env', REISSUE_TOKEN: 'env', REISSUE_DATA_DIR: '/env' };
    const s = await resolveSettings({ portal: 'https://from-flag' }, env, config, dflt);
    expect(s).toMatchObject({ portal: 'https://from-flag', token: 'env', dataDir: '/env', module: '/cfg.so' });
  });

  it('does not read the config file when flags and environment settle everything', async () => {
    const config = vi.fn(async () => ({}));
    await resolveSettings({ portal: 'local', token: 't', dataDir: '/d', module: '/m.so', lang: 'en' }, {}, config, dflt);
    expect(config).not.toHaveBeenCalled();
  });

  it('takes the language from --lang, REISSUE_LANG, the setting "lang", then the locale', async () => {
    const config = async () => ({ lang: 'pl' });
    expect((await resolveSettings({}, {}, config, dflt)).lang).toBe('pl');
    expect((await resolveSettings({}, { REISSUE_LANG: 'en' }, config, dflt)).lang).toBe('en');
    expect((await resolveSettings({ lang: 'en' }, { REISSUE_LANG: 'pl' }, config, dflt)).lang).toBe('en');
    expect((await resolveSettings({}, { LANG: 'pl_PL.UTF-8' }, async () => ({}), dflt)).lang).toBe('pl');
  });

  it('treats an empty environment variable as unset', async () => {
    const s = await resolveSettings({}, { REISSUE_PORTAL: '' }, async () => ({ portal: 'https://cfg' }), dflt);
    expect(s.portal).toBe('https://cfg');
  });
});

describe('fileNameFor', () => {
  it('turns a CN into a file name a shell takes without quotes', async () => {
    const { fileNameFor } = await import('../../src/cli/commands/reissue.js');
    expect(fileNameFor('Asseco Data Systems S.A.')).toBe('Asseco-Data-Systems-S.A');
    expect(fileNameFor('www.assecodata.pl')).toBe('www.assecodata.pl');
    expect(fileNameFor('*.example.com')).toBe('example.com');
    expect(fileNameFor('...')).toBe('certificate');
  });
});

describe('resolveSettings: credentials in the portal URL', () => {
  it('keeps only the redacted URL and marks it, wherever it came from', async () => {
    for (const [flags, env, config] of [
      [{ portal: 'https://admin:s3cret@portal.example:8443/x' }, {}, {}],
      [{}, { REISSUE_PORTAL: 'https://admin:s3cret@portal.example:8443/x' }, {}],
      [{}, {}, { portal: 'https://admin:s3cret@portal.example:8443/x' }],
    ] as const) {
      const s = await resolveSettings(flags, env, async () => config, dflt);
      expect(s.portal).toBe('https://***@portal.example:8443/x');
      expect(s.portalCredentials).toBe(true);
    }
    const plain = await resolveSettings({ portal: 'https://portal.example' }, {}, async () => ({}), dflt);
    expect(plain).toMatchObject({ portal: 'https://portal.example', portalCredentials: false });
  });
});
