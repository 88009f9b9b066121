// The wizard on a CA that validates before it issues (a fake pending kind): after Next the screen
// says the portal is still working on the order and asks again by itself until the new copy comes.
import { afterEach, beforeAll, expect, test } from 'vitest';
import { csrFor, FakePortal, fakeServices, pendingPortal } from './fakes.js';
import { endSessions, openReissueStep1, pasteCsrAtStep1, startWizard } from './harness.js';

afterEach(endSessions);

let goodCsr = '';
beforeAll(async () => {
  goodCsr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
});

test('a pending order shows progress and is polled until the new copy arrives', async () => {
  const fake = new FakePortal();
  // Pending at the reissue and at the first check, issued at the second; 600 ms between checks.
  const portal = pendingPortal(fake, 1, 600);
  const session = await startWizard({ ...fakeServices({ portal: fake }), portal });
  const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
  await pasteCsrAtStep1(t, goodCsr);
  await t.press('enter');
  await t.waitFor('⧗ Order order-1 is pending at the portal; next check in 1 s (pending ×1).');
  await t.waitFor('(pending ×2)');
  const f = await t.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
  expect(f).not.toContain('is pending at the portal');
  expect(portal.resumed).toEqual(['order-1', 'order-1']);
  expect(fake.reissueCalls).toHaveLength(1);
});
