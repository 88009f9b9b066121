// The registry of portal kinds: which kind a --portal value names, the usage error for one it does
// not know (naming the kinds this build has), and a kind's folder loaded only when it is opened.
import { describe, expect, test } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { findPortalKind, openPortalOf, PORTAL_KINDS, portalKind, type PortalKind, type PortalOpenOptions } from '../../src/portal/registry.js';
import { coreOnlyPortal } from '../tui/fakes.js';

const options: PortalOpenOptions = { spec: 'x', dataDir: '/nonexistent', token: undefined, caFile: undefined, allowInsecureHttp: false, clock: systemClock };

describe('portal kinds', () => {
  test('the build lists only the kinds that work: local, http, acme and certum', () => {
    expect(PORTAL_KINDS.map((k) => k.name)).toEqual(['local', 'http', 'acme', 'certum']);
    expect(portalKind('acme:https://ca.example/directory')).toMatchObject({ name: 'acme', embedded: false, localSchedule: true });
    for (const spec of ['certum', 'certum-test', 'certum:https://host/service/PartnerApi', 'certum:http://127.0.0.1:8080/x']) expect(portalKind(spec)).toMatchObject({ name: 'certum', embedded: false });
    expect(portalKind('local').name).toBe('local');
    expect(portalKind('local').embedded).toBe(true);
    for (const url of ['http://127.0.0.1:8080', 'https://portal.example:8443/base', 'HTTPS://PORTAL.EXAMPLE']) expect(portalKind(url)).toMatchObject({ name: 'http', embedded: false });
  });

  test.each(['acme:ftp://ca.example/directory', 'acme:', 'certum:ftp://host/service', 'certum-prod', 'ftp://x', 'Local', ''])('"%s" is a usage error naming the kinds known', (spec) => {
    expect(findPortalKind(spec)).toBeNull();
    let thrown: unknown;
    try {
      portalKind(spec);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ kind: 'usage', code: 'bad-portal' });
    expect((thrown as Error).message).toContain(`"${spec}"`);
    expect((thrown as Error).message).toContain('local, https://HOST:PORT, acme:https://HOST/directory, certum | certum-test | certum:URL');
  });

  test('a kind list of its own (tests) is used instead of the build\'s', () => {
    const fake: PortalKind = { name: 'core-only', form: 'core-only', embedded: false, matches: (s) => s === 'core-only', load: async () => ({ open: async () => coreOnlyPortal() }) };
    expect(portalKind('core-only', [fake])).toBe(fake);
    expect(() => portalKind('local', [fake])).toThrow(/core-only/);
  });

  test("a kind's folder is loaded when its portal is opened, not when the kind is chosen", async () => {
    let loads = 0;
    const fake: PortalKind = {
      name: 'core-only',
      form: 'core-only',
      embedded: false,
      matches: (s) => s === 'core-only',
      load: async () => {
        loads++;
        return { open: async () => coreOnlyPortal() };
      },
    };
    const kind = portalKind('core-only', [fake]);
    expect(loads).toBe(0);
    const portal = await openPortalOf(kind, options);
    expect(loads).toBe(1);
    expect((await portal.info()).capabilities).toEqual([]);
  });

  test('the certum kind refuses to open without credentials, and plain http to another host, before any request', async () => {
    await expect(openPortalOf(portalKind('certum'), { ...options, spec: 'certum' })).rejects.toMatchObject({ kind: 'usage', code: 'certum-no-credentials' });
    const spec = 'certum:http://certum.example/service/PartnerApi';
    const certumCredentials = async () => ({ userName: 'u', password: 'p' });
    await expect(openPortalOf(portalKind(spec), { ...options, spec, certumCredentials })).rejects.toMatchObject({ kind: 'usage', code: 'certum-cleartext' });
  });

  test('the http kind refuses to open without a token (usage error), before any request', async () => {
    await expect(openPortalOf(portalKind('https://portal.example'), { ...options, spec: 'https://portal.example' })).rejects.toMatchObject({ kind: 'usage', code: 'no-token' });
  });
});
