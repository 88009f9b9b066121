// A portal that validates step by step (an ACME CA) reports its progress; the runner turns each
// line into an event, the reducer keeps the latest while a copy is being issued, and the screen
// draws them under the spinner, inside its frame (the CLI writes them to stderr, which under Ink
// would break the frame).
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fits } from '../helpers/ink.js';
import { csrFor, fakeServices, type FakeServices } from './fakes.js';
import { endSessions, openCardPin, openReissueStep1, pasteCsrAtStep1, startWizard } from './harness.js';

afterEach(endSessions);

/** Fake services whose portal reports progress through `emit`. */
function withProgress(): { services: FakeServices; emit: (line: string) => void } {
  const services = fakeServices();
  const listeners = new Set<(line: string) => void>();
  services.onPortalProgress = (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return { services, emit: (line) => listeners.forEach((l) => l(line)) };
}

let csr = '';
beforeAll(async () => {
  csr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
});

describe('the portal\'s progress while it issues', () => {
  test('CSR path: order, each name, finalizing — the latest four under the spinner; none left once issued', async () => {
    const { services, emit } = withProgress();
    const release = services.portal.holdReissues();
    const session = await startWizard(services);
    const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
    await pasteCsrAtStep1(t, csr);
    await t.press('enter');
    await t.waitFor('Submitting the CSR: issuing the new copy…');
    emit('order https://ca.example/order/1: pending');
    emit('  assecodata.pl: http-01 … pending');
    let f = await t.waitFor('assecodata.pl: http-01 … pending');
    expect(f).toContain('order https://ca.example/order/1: pending');
    emit('  assecodata.pl: valid');
    emit('  www.assecodata.pl: http-01 … pending');
    emit('  www.assecodata.pl: valid');
    f = await t.waitFor('www.assecodata.pl: valid');
    // The latest four: the order line has scrolled away.
    expect(f).not.toContain('order https://ca.example/order/1');
    expect(f).toContain('assecodata.pl: http-01 … pending');
    expect(fits(f)).toBe(true);
    release();
    f = await t.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
    expect(f).not.toContain('http-01');
    // A step reported after the copy was issued is not shown anywhere.
    emit('  late.example: http-01 … pending');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.lastFrame()).not.toContain('late.example');
  });

  test('card path: the same lines while the card\'s CSR is submitted', async () => {
    const { services, emit } = withProgress();
    const release = services.portal.holdReissues();
    const session = await startWizard(services);
    const t = await openCardPin(session);
    await t.write('1234\r');
    await t.waitFor('Submitting the CSR: issuing the new copy…');
    emit('finalizing the order with the CSR …');
    const f = await t.waitFor('finalizing the order with the CSR …');
    expect(fits(f)).toBe(true);
    release();
    await t.waitFor('✓ Reissued: a new copy of');
  });

  test('a line longer than the terminal is cut, not wrapped', async () => {
    const { services, emit } = withProgress();
    const release = services.portal.holdReissues();
    const session = await startWizard(services, { columns: 60, rows: 20 });
    const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
    await pasteCsrAtStep1(t, csr);
    await t.press('enter');
    await t.waitFor('Submitting');
    emit(`order https://ca.example/${'x'.repeat(120)}: pending`);
    const f = await t.waitFor('order https://ca.example/');
    expect(f.split('\n').filter((l) => l.includes('xxxx'))).toHaveLength(1);
    expect(fits(f, 60, 20)).toBe(true);
    release();
  });
});
