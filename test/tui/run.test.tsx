import { afterEach, describe, expect, test } from 'vitest';
import { Text } from 'ink';
import { useServices } from '../../src/tui/services.js';
import { useWizardState } from '../../src/tui/context.js';
import { createCardHolder } from '../../src/tui/card-holder.js';
import { fits, render, type Terminal } from '../helpers/ink.js';
import { FakeCard, FakePortal, fakeServices, manyCertificates } from './fakes.js';
import { endSessions, openCardPin, startWizard, type Session } from './harness.js';

let session: Session | null = null;
let term: Terminal | null = null;
afterEach(async () => {
  term?.unmount();
  term = null;
  await endSessions();
});

function UsesServices() {
  useServices();
  return <Text>unreachable</Text>;
}
function UsesState() {
  useWizardState();
  return <Text>unreachable</Text>;
}

describe('runWizard and the providers', () => {
  test('useServices() and useWizardState() refuse to work outside their providers', async () => {
    term = await render(<UsesServices />);
    expect(term.lastFrame()).toContain('useServices() must be used inside <ServicesContext.Provider>.');
    term.unmount();
    term = await render(<UsesState />);
    expect(term.lastFrame()).toContain('useWizardState() must be used inside <App/>.');
  });

  test('the card service is opened lazily, once, and closed once', async () => {
    const services = fakeServices();
    const holder = createCardHolder(services);
    await holder.close();
    expect(services.openCardCalls).toBe(0);
    const [a, b] = await Promise.all([holder.get(), holder.get()]);
    expect(a).toBe(b);
    expect(services.openCardCalls).toBe(1);
    await holder.close();
    await holder.close();
    expect(services.card.closed).toBe(1);
  });

  test('q quits with 0 without ever opening the card', async () => {
    const services = fakeServices();
    session = await startWizard(services);
    await session.t.write('q');
    expect(await session.exit).toBe(0);
    expect(services.openCardCalls).toBe(0);
    session = null;
  });

  test('q is ignored while the card works; the reissue completes', async () => {
    const card = new FakeCard({ phaseMs: 300 });
    const services = fakeServices({ card });
    session = await startWizard(services);
    const t = await openCardPin(session);
    await t.type('2468');
    await t.press('enter');
    await t.waitFor('Logging in to the card…');
    await t.write('q');
    await t.waitFor('✓ Reissued', 8000);
    expect(services.portal.reissueCalls).toHaveLength(1);
  });

  test('a taller terminal shows more rows; every frame fits its terminal', async () => {
    session = await startWizard(fakeServices({ portal: new FakePortal({ certificates: manyCertificates(100) }) }), { rows: 24 });
    const { t } = session;
    await t.waitFor('(1–17 of 100)');
    t.stdout.resize(100, 40);
    const f = await t.waitFor('(1–33 of 100)');
    expect(fits(f, 100, 40)).toBe(true);
  });

  test('? explains the current step, Esc closes it, keys go back to the step', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    await t.write('?');
    let f = await t.waitFor('Help · Certificates');
    expect(f).toContain('A badge "revoked in N d" marks a copy that was reissued');
    await t.press('down');
    await t.press('escape');
    f = await t.waitFor((x) => !x.includes('Help ·'));
    expect(f).toContain('> assecodata.pl');
    await t.press('enter');
    await t.waitFor('Certificate for order');
    for (let i = 0; i < 3; i++) await t.press('right');
    await t.press('enter');
    await t.waitFor('Key pair generation method');
    await t.write('?');
    f = await t.waitFor('Help · Reissue — Choose generation method');
    expect(f).toContain('The previous copy is revoked automatically 14 days later.');
    expect(fits(f)).toBe(true);
    await t.write('?');
    await t.waitFor('Key pair generation method');
  });
});
