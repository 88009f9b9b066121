// The wizard on a portal kind without the e-mail log (a real CA keeps none for us): the details
// view opens without asking for e-mails and shows no "E-mails sent" line; on our own portal the
// same certificate shows its e-mails.
import { afterEach, describe, expect, test } from 'vitest';
import type { PortalEmail } from '../../src/domain/types.js';
import { coreOnlyPortal, FakePortal, fakeServices } from './fakes.js';
import { endSessions, startWizard } from './harness.js';

afterEach(endSessions);

const mail: PortalEmail = { id: 1, kind: 'certificate-issued', to: 'paula.chlebicka@assecodata.pl', subject: 'Issued', createdAt: '2026-11-20T10:00:00Z', status: 'sent', sentAt: '2026-11-20T10:00:00Z', attempts: 1, lastError: null, deliveredTo: 'outbox/1.eml' };
const withMail = () => new FakePortal({ emails: { 'c-0001': [mail] } });

describe('details by the portal kind', () => {
  test('our own portal: the details show the e-mails it wrote', async () => {
    const session = await startWizard(fakeServices({ portal: withMail() }));
    await session.t.press('enter');
    await session.t.waitFor('E-mails sent:');
  });

  test('a core-only portal: the e-mail log is never asked for and no e-mail line is shown', async () => {
    const fake = withMail();
    let gets = 0;
    const get = fake.get.bind(fake);
    fake.get = (id) => (gets++, get(id));
    const portal = coreOnlyPortal(fake);
    const session = await startWizard({ ...fakeServices({ portal: fake }), portal });
    await session.t.press('enter');
    await session.t.waitFor('Certificate for order');
    // The details' refresh has been answered (and dispatched) before the frame is read.
    await session.t.waitFor(() => gets > 0);
    await new Promise((r) => setTimeout(r, 150));
    expect(session.t.lastFrame()).not.toContain('E-mails sent:');
    expect(portal.calls).not.toContain('emails');
  });
});
