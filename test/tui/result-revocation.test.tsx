// The result says what happens to the previous copy as it is: the manual's 14-day sentence for the
// 14-day rule; another delay, a revocation at once, or none (an ACME portal's acmeRevokeAfterDays
// 30, 0 or never) said as such — never "14 days" when it is not.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ReissueRequest, ReissueResult } from '../../src/domain/types.js';
import { formatDateTime } from '../../src/wizard/format.js';
import { fits } from '../helpers/ink.js';
import { csrFor, FakePortal, fakeServices } from './fakes.js';
import { endSessions, openReissueStep1, pasteCsrAtStep1, startWizard } from './harness.js';

afterEach(endSessions);

const DAY = 86_400_000;

/** A portal whose rule for the previous copy is `after` days, 0 (at once) or null (never). */
class RevokesAfter extends FakePortal {
  constructor(private after: number | null) {
    super();
  }
  override async reissue(id: string, request: ReissueRequest, key: string): Promise<ReissueResult> {
    const r = await super.reissue(id, request, key);
    const old = this.certificates.find((c) => c.id === id)!;
    const issued = Date.parse(r.certificate.notBefore);
    if (this.after === null) Object.assign(old, { state: 'valid', revocationDate: null });
    else if (this.after === 0) Object.assign(old, { state: 'revoked', revocationDate: new Date(issued).toISOString() });
    else Object.assign(old, { revocationDate: new Date(issued + this.after * DAY).toISOString() });
    return { ...r, replaced: { ...old } };
  }
}

let csr = '';
beforeAll(async () => {
  csr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
});

async function result(portal: FakePortal) {
  const session = await startWizard(fakeServices({ portal }), { columns: 80, rows: 30 });
  const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
  await pasteCsrAtStep1(t, csr);
  await t.press('enter');
  const f = await t.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
  return { flat: f.replace(/[│\s]+/g, ' '), f, old: portal.certificates[0]! };
}

describe('the result: what happens to the previous copy', () => {
  test('the 14-day rule: the manual\'s sentence', async () => {
    const { flat } = await result(new FakePortal());
    expect(flat).toContain('Reissue will automatically invalidate the previous certificate 14 days after issuing a new copy.');
  });

  test('30 days: the date, not "14 days"', async () => {
    const { flat, f, old } = await result(new RevokesAfter(30));
    expect(flat).toContain(`The previous copy will be revoked on ${formatDateTime(old.revocationDate!)} (30 days left). Install the new copy before then.`);
    expect(flat).not.toContain('14 days');
    expect(fits(f, 80, 30)).toBe(true);
  });

  test('at once: said so', async () => {
    const { flat } = await result(new RevokesAfter(0));
    expect(flat).toContain('The previous copy was revoked at once. Install the new copy now.');
    expect(flat).not.toContain('14 days');
  });

  test('never: it stays valid until it expires', async () => {
    const { flat, old } = await result(new RevokesAfter(null));
    expect(flat).toContain(`The previous copy is not revoked: it stays valid until ${formatDateTime(old.notAfter)}. Install the new copy.`);
    expect(flat).not.toContain('14 days');
  });
});
