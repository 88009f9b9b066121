// A CA that sets the expiry itself (ACME without notAfter, e.g. Let's Encrypt or Pebble): the
// result says so with both dates, to the second when they fall in the same minute, instead of two
// equal-looking dates marked as different.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ReissueRequest, ReissueResult } from '../../src/domain/types.js';
import { formatDateTime, formatDateTimeSeconds } from '../../src/wizard/format.js';
import { fits } from '../helpers/ink.js';
import { csrFor, FakePortal, fakeServices } from './fakes.js';
import { endSessions, openReissueStep1, pasteCsrAtStep1, startWizard } from './harness.js';

afterEach(endSessions);

/** A portal whose CA ends the new copy `shiftMs` after the old one. */
class CaSetsExpiry extends FakePortal {
  constructor(private shiftMs: number) {
    super();
  }
  override async reissue(id: string, request: ReissueRequest, key: string): Promise<ReissueResult> {
    const r = await super.reissue(id, request, key);
    const notAfter = new Date(Date.parse(r.replaced.notAfter) + this.shiftMs).toISOString();
    const fresh = this.certificates.find((c) => c.id === r.certificate.id)!;
    fresh.notAfter = notAfter;
    return { ...r, certificate: { ...r.certificate, notAfter } };
  }
}

let csr = '';
beforeAll(async () => {
  csr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
});

async function result(portal: FakePortal, size: { columns?: number; rows?: number } = {}) {
  const services = fakeServices({ portal });
  const session = await startWizard(services, size);
  const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
  await pasteCsrAtStep1(t, csr);
  await t.press('enter');
  const f = await t.waitFor('✓ Reissued: a new copy of assecodata.pl was issued');
  return { f, fresh: portal.certificates.at(-1)!, old: portal.certificates[0]! };
}

describe('the result when the CA set the expiry', () => {
  test('22 s later, same minute: both dates to the second, "≠ set by the CA", and the sentence with both', async () => {
    // 22 s away from the old expiry, inside its minute.
    const seconds = new Date(new FakePortal().certificates[0]!.notAfter).getSeconds();
    const { f, fresh, old } = await result(new CaSetsExpiry(seconds < 30 ? 22_000 : -22_000));
    expect(formatDateTime(fresh.notAfter)).toBe(formatDateTime(old.notAfter));
    expect(f).toMatch(new RegExp(`Valid to\\s+${formatDateTimeSeconds(fresh.notAfter)}\\s+${formatDateTimeSeconds(old.notAfter)}`));
    expect(f).toContain('≠ set by the CA');
    // The sentence wraps at 80 columns.
    expect(f.replace(/\s+/g, ' ')).toContain(`The CA set the expiry: ${formatDateTimeSeconds(fresh.notAfter)}; the old copy ends ${formatDateTimeSeconds(old.notAfter)}.`);
    expect(f).not.toContain('= same expiry date');
    expect(fits(f)).toBe(true);
  });

  test('90 days later: minutes are enough; the sentence names both dates', async () => {
    const { f, fresh, old } = await result(new CaSetsExpiry(-90 * 86_400_000));
    expect(f).toMatch(new RegExp(`Valid to\\s+${formatDateTime(fresh.notAfter)}\\s+${formatDateTime(old.notAfter)}`));
    expect(f.replace(/\s+/g, ' ')).toContain(`The CA set the expiry: ${formatDateTime(fresh.notAfter)}; the old copy ends ${formatDateTime(old.notAfter)}.`);
    expect(fits(f)).toBe(true);
  });

  test('the same expiry: no such sentence', async () => {
    const { f } = await result(new FakePortal());
    expect(f).toContain('= same expiry date');
    expect(f).not.toContain('The CA set the expiry');
    expect(f).not.toContain('set by the CA');
  });

  test('60 columns (stacked copies): the sentence wraps and nothing is cut', async () => {
    const { f, fresh } = await result(new CaSetsExpiry(-90 * 86_400_000), { columns: 60, rows: 24 });
    expect(f.replace(/\s+/g, ' ')).toContain(`The CA set the expiry: ${formatDateTime(fresh.notAfter)};`);
    expect(fits(f, 60, 24)).toBe(true);
  });
});
