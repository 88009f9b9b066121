// The certificate preview's X.509 code loads only when a preview is opened, and the screen shows
// a loading state meanwhile.
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { FakePortal, fakeServices } from './fakes.js';
import { endSessions, startWizard, type Session } from './harness.js';

const preview = vi.hoisted(() => ({ loaded: false }));
vi.mock('../../src/pki/preview.js', () => {
  preview.loaded = true;
  return { describeCertificate: (der: Uint8Array) => `Certificate dump of ${der.length} bytes` };
});

let session: Session | null = null;
afterEach(endSessions);

describe('lazy certificate preview', () => {
  test('the real services import src/pki/preview.ts on the first preview, not before', async () => {
    const { createWizardServices } = await import('../../src/cli/wizard-services.js');
    const services = createWizardServices({} as CliContext, new FakePortal());
    expect(preview.loaded).toBe(false);
    const text = services.describeCertificate(new Uint8Array(42));
    expect(text).toBeInstanceOf(Promise);
    await expect(text).resolves.toBe('Certificate dump of 42 bytes');
    expect(preview.loaded).toBe(true);
  });

  test('the preview screen shows a loading state until the dump is ready', async () => {
    const services = fakeServices();
    let release = () => {};
    services.previewGate = new Promise<void>((r) => (release = r));
    session = await startWizard(services);
    const { t } = session;
    await t.press('enter');
    await t.waitFor('Certificate for order');
    await t.press('enter');
    let f = await t.waitFor('Loading the certificate…');
    expect(f).toContain('Certificate preview · assecodata.pl');
    release();
    f = await t.waitFor('Raw: certificate');
    expect(f).not.toContain('Loading the certificate…');
  });
});
