import { afterEach, describe, expect, test } from 'vitest';
import { fits } from '../helpers/ink.js';
import { FakePortal, fakeServices, manyCertificates } from './fakes.js';
import { endSessions, startWizard, type Session } from './harness.js';
import { portalError } from '../../src/domain/errors.js';

let session: Session | null = null;
afterEach(endSessions);

describe('Certificates screen', () => {
  test('shows CN, state, product, valid to and the pending-revocation badge; fits 80×24', async () => {
    session = await startWizard(fakeServices());
    const f = await session.t.waitFor('revoked in 13 d');
    expect(f).toContain('SANDBOX portal (fake)');
    expect(f).toMatch(/> assecodata\.pl\s+Valid\s+Trusted MultiDomai…/);
    expect(f).toMatch(/shop\.example\.pl\s+Valid .* revoked in 13 d/);
    expect(f).toMatch(/old\.example\.pl\s+Revoked/);
    expect(f).toMatch(/legacy\.example\.pl\s+Expired/);
    expect(fits(f)).toBe(true);
    expect(session.t.frames().every((x) => fits(x))).toBe(true);
  });

  test('in a terminal narrower than a row, CN and product shrink; state, date and badge stay whole', async () => {
    session = await startWizard(fakeServices(), { columns: 60, rows: 20 });
    const f = await session.t.waitFor('(1–6 of 6)');
    const rows = f.split('\n').filter((l) => / (Valid|Revoked|Expired) /.test(l) && !l.startsWith('  CN '));
    expect(rows).toHaveLength(6);
    expect(rows.every((l) => [...l].length < 60)).toBe(true);
    expect(rows[0]).toMatch(/^> assecodata\.… Valid   Trusted … \d{4}-\d\d-\d\d$/);
    expect(rows.find((l) => l.includes('shop.'))).toMatch(/ Valid .* \d{4}-\d\d-\d\d revoked in 13 d$/);
    expect(session.overflowing()).toEqual([]);
  });

  test('the header names the pending revocation of the selected row', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    expect(t.lastFrame().split('\n')[1]).toBe('');
    await t.press('down');
    await t.press('down');
    const f = await t.waitFor(' — will be revoked on ');
    expect(f.split('\n')[1]).toMatch(/^⚠ shop\.example\.pl — will be revoked on \d{4}-\d\d-\d\d \d\d:\d\d \(13 days left\)$/);
  });

  test('/ filters as you type; q is text while typing; Esc clears', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    await t.write('/');
    await t.type('shopq');
    let f = await t.waitFor('Filter: shopq');
    expect(f).toContain('none found');
    await t.press('backspace');
    f = await t.waitFor((x) => x.includes('(1–2 of 2)'));
    expect(f).not.toContain('assecodata.pl  ');
    expect(f).toMatch(/shop\.example\.pl/);
    await t.press('enter');
    f = await t.waitFor('Filter: shop  (/ edit · Esc clear)');
    await t.press('escape');
    await t.waitFor('(1–6 of 6)');
  });

  test('100,000 certificates: only the visible page is fetched and rendered, End reaches the last row', async () => {
    const portal = new FakePortal({ certificates: manyCertificates(100_000) });
    session = await startWizard(fakeServices({ portal }));
    const { t } = session;
    let f = await t.waitFor('of 100,000');
    expect(f).toContain('(1–17 of 100,000)');
    expect(f.split('\n').filter((l) => l.includes('.example.com'))).toHaveLength(17);
    const started = Date.now();
    await t.press('end');
    f = await t.waitFor('> host-99999.example.com');
    expect(f).toContain('(99984–100000 of 100,000)');
    await t.press('pageUp');
    await t.waitFor('> host-99982.example.com');
    for (let i = 0; i < 5; i++) await t.press('down');
    await t.waitFor('> host-99987.example.com');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(portal.listCalls.every((q) => (q.limit ?? Infinity) <= 3 * 17)).toBe(true);
    expect(portal.listCalls.length).toBeLessThan(8);
    expect(fits(f)).toBe(true);
  });

  test('the filtered rows show first; their count follows (… meanwhile); counts of older filters never show', async () => {
    const portal = new FakePortal({ certificates: manyCertificates(1000) });
    const release = portal.holdCounts();
    session = await startWizard(fakeServices({ portal }));
    const { t } = session;
    let f = await t.waitFor('(1–17 of …)');
    expect(f.split('\n').filter((l) => l.includes('.example.com'))).toHaveLength(17);
    expect(portal.listCalls.every((q) => q.withTotal === false)).toBe(true);
    await t.write('/');
    await t.type('host-001');
    f = await t.waitFor((x) => x.includes('Filter: host-001') && x.includes('> host-00100.example.com'));
    expect(f).toContain('Certificates (1–17 of …)');
    expect(f).not.toContain('host-00099');
    // Once typing pauses the count is asked for; it is held, so the rows still show "…".
    await t.waitFor(() => portal.countCalls.some((q) => q.text === 'host-001'));
    expect(t.lastFrame()).toContain('Certificates (1–17 of …)');
    // The filters typed on the way ("h", "ho", … "host-00") were never counted.
    expect(portal.countCalls.map((q) => q.text ?? '').filter((x) => x !== '' && x !== 'host-001')).toEqual([]);
    release();
    f = await t.waitFor('(1–17 of 100)');
    expect(f).toContain('Filter: host-001');
    // The held counts of the unfiltered list (1,000) and of shorter filters came back after the
    // filter changed: none of them was ever shown with it.
    const withFilter = t.frames().filter((x) => x.includes('Filter: host-001'));
    expect(withFilter.filter((x) => / of [\d,]+\)/.test(x)).every((x) => x.includes('of 100)'))).toBe(true);
    await t.press('enter');
    await t.press('end');
    await t.waitFor('> host-00199.example.com');
  });

  test('without colour the pending count is plain text and fits 80×24', async () => {
    const portal = new FakePortal({ certificates: manyCertificates(1000) });
    portal.holdCounts();
    session = await startWizard({ ...fakeServices({ portal }) }, {});
    const f = await session.t.waitFor('(1–17 of …)');
    expect(f.split('\n')[2]).toBe('Certificates (1–17 of …)');
    expect(fits(f)).toBe(true);
  });

  test('a portal that fails to list shows the error and its next step', async () => {
    const portal = new FakePortal({ listError: portalError('network', 'Cannot reach the portal at https://portal.example.', 'Check the address and your connection.') });
    session = await startWizard(fakeServices({ portal }), { ready: 'Cannot reach the portal' });
    const f = session.t.lastFrame();
    expect(f).toContain('Certificates (not loaded · r retry)');
    expect(f).toContain('✗ Cannot reach the portal at https://portal.example. Check the address and your\nconnection.');
    const calls = portal.listCalls.length;
    await session.t.write('r');
    await session.t.waitFor(() => portal.listCalls.length > calls);
  });

  test('p opens pending revocations; Enter opens the copy; ? shows help; q quits with 0', async () => {
    session = await startWizard(fakeServices());
    const { t } = session;
    await t.write('p');
    let f = await t.waitFor('13 d');
    expect(f).toContain('Pending revocations');
    expect(f).toMatch(/❯ shop\.example\.pl\s+0badc0de0badc0de0badc0de0badc0d3 \d{4}-\d\d-\d\d \d\d:\d\d 13 d/);
    await t.write('?');
    f = await t.waitFor('Help · Pending revocations');
    await t.press('escape');
    await t.waitFor((x) => !x.includes('Help ·'));
    await t.press('enter');
    f = await t.waitFor('Certificate for order ORDER/0000123458/po');
    expect(f).toContain('Replaced by: c-0004');
    await t.press('escape');
    await t.waitFor('(1–6 of 6)');
    await t.write('q');
    expect(await session.exit).toBe(0);
    session = null;
  });
});
