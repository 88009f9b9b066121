// Step 1 explains what a reissue on this portal does before the user starts one: the manual's
// words (same expiry, old copy revoked 14 days later) for our own portal and Certum, and what
// really happens on a portal announcing other terms (an ACME CA sets the expiry; this tool revokes
// the old copy after its configured delay, at once, or never) — in the info box and in the help.
import { afterEach, describe, expect, test } from 'vitest';
import type { KindInfo, ReissueTerms } from '../../src/portal/portal.js';
import { FakePortal, fakeServices } from './fakes.js';
import { endSessions, openReissueStep1, startWizard } from './harness.js';

afterEach(endSessions);

class PortalWithTerms extends FakePortal {
  constructor(private terms: ReissueTerms) {
    super();
  }
  override async info(): Promise<KindInfo> {
    return { ...(await super.info()), terms: this.terms };
  }
}

async function step1(portal: FakePortal, rows = 40) {
  const session = await startWizard(fakeServices({ portal }), { columns: 100, rows });
  const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
  return { t, frame: (await t.waitFor('Key pair generation method')).replace(/[│\s]+/g, ' ') };
}

describe("step 1's reissue terms", () => {
  test("our own portal: the manual's words", async () => {
    const { frame } = await step1(new FakePortal());
    expect(frame).toContain('with new pair of keys but with the same expiration date as the original certificate');
    expect(frame).toContain('automatically revoke the previous certificate after 14 days');
  });

  test('a CA that sets the expiry, old copy revoked at once: said so, the manual\'s promise not made', async () => {
    const { frame } = await step1(new PortalWithTerms({ expiry: 'set-by-ca', revokeAfterDays: 0 }));
    expect(frame).toContain('The CA sets its expiration date');
    expect(frame).toContain('revokes the previous certificate as soon as the new copy is issued');
    expect(frame).not.toContain('same expiration date');
    expect(frame).not.toContain('14 days');
  });

  test('30 days, and never: the delay as configured, in the info box and in the help', async () => {
    const { t, frame } = await step1(new PortalWithTerms({ expiry: 'set-by-ca', revokeAfterDays: 30 }));
    expect(frame).toContain('revokes the previous certificate 30 days after the new copy is issued');
    await t.write('?');
    const help = (await t.waitFor(/Reissue gives a new\s+copy/)).replace(/[│\s]+/g, ' ');
    expect(help).toContain('The CA sets its expiration date');
    expect(help).toContain('30 days after');
    expect(help).not.toContain('14 days later');

    const never = await step1(new PortalWithTerms({ expiry: 'set-by-ca', revokeAfterDays: null }));
    expect(never.frame).toContain('does not revoke the previous certificate');
  });
});
