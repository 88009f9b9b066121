// Ctrl+C in the wizard's card generation tells the truth, in its last frame and its exit status:
// before the key pair exists nothing is left and nothing issued (130); after, the submission is
// finished (0, the result is the last frame) unless Ctrl+C comes again (130, the exact command).
// A CSR submission is finished the same way; a second Ctrl+C ends with how to see what was issued.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { csrFor, FakeCard, FakePortal, fakeServices, type FakeServices } from './fakes.js';
import { endSessions, openCardPin, openReissueStep1, startWizard, type Session } from './harness.js';

let session: Session | null = null;
afterEach(endSessions);
const PIN = '9731';

async function generating(services: FakeServices) {
  session = await startWizard(services);
  const t = await openCardPin(session);
  await t.write(PIN + '\r');
  return t;
}

describe('Ctrl+C during a card generation', () => {
  test('before the key pair exists: the card is closed, nothing issued, "Cancelled" is the last frame, exit 130', async () => {
    const card = new FakeCard({ phaseMs: 400 });
    const services = fakeServices({ card });
    const t = await generating(services);
    await t.waitFor('Generating');
    await t.press('ctrlC');
    expect(await session!.exit).toBe(130);
    expect(t.lastFrame()).toContain('Cancelled: nothing was generated or issued.');
    expect(services.portal.reissueCalls).toHaveLength(0);
    expect(card.closed).toBeGreaterThan(0);
    session = null;
  });

  test('after it exists: one Ctrl+C finishes the submission, the result is the last frame, exit 0', async () => {
    const portal = new FakePortal();
    const release = portal.holdReissues();
    const services = fakeServices({ portal });
    const t = await generating(services);
    await t.waitFor('Submitting the CSR');
    await t.press('ctrlC');
    await t.waitFor('finishing the submission');
    release();
    expect(await session!.exit).toBe(0);
    expect(t.lastFrame()).toContain('✓ Reissued');
    expect(portal.reissueCalls).toHaveLength(1);
    session = null;
  });

  test('a second Ctrl+C stops it: exit 130 with the exact command, the CSR kept for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reissue-interrupt-'));
    try {
      const portal = new FakePortal();
      portal.holdReissues(); // the portal never answers
      const services = fakeServices({ portal, workDir: dir });
      const t = await generating(services);
      await t.waitFor('Submitting the CSR');
      await t.press('ctrlC');
      await t.waitFor('finishing the submission');
      await t.press('ctrlC');
      expect(await session!.exit).toBe(130);
      const f = t.lastFrame();
      expect(f).toContain('The key pair stays on the card');
      const path = /reissue submit (\S+) --csr (\S+)/.exec(f.replace(/\n\s*/g, ' '))!;
      expect(path[1]).toBe(portal.reissueCalls[0]!.id);
      expect(existsSync(path[2]!)).toBe(true);
      expect(readFileSync(path[2]!, 'utf8')).toBe(new TextDecoder().decode(portal.reissueCalls[0]!.csr));
      session = null;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Ctrl+C during a CSR submission', () => {
  let goodCsr = '';
  beforeAll(async () => {
    goodCsr = await csrFor('assecodata.pl', ['assecodata.pl', 'www.assecodata.pl']);
  });

  /** Step 1 → Load CSR from a file → checked → Enter submits it (the portal holds its answer). */
  async function submitting(portal: FakePortal) {
    session = await startWizard(fakeServices({ portal, files: { '/srv/req.pem': goodCsr } }));
    const t = await openReissueStep1(session, 0, 'ORDER/0000123456/po');
    await t.press('enter');
    await t.waitFor('❯ Paste CSR');
    await t.press('down');
    await t.press('enter');
    await t.write('/srv/req.pem\r');
    await t.waitFor('✓ Correct');
    await t.press('enter');
    await t.waitFor('Submitting the CSR');
    return t;
  }

  test('one Ctrl+C finishes it: the result is the last frame, exit 0', async () => {
    const portal = new FakePortal();
    const release = portal.holdReissues();
    const t = await submitting(portal);
    await t.press('ctrlC');
    await t.waitFor('Finishing the submission');
    release();
    expect(await session!.exit).toBe(0);
    expect(t.lastFrame()).toContain('✓ Reissued');
    expect(portal.reissueCalls).toHaveLength(1);
    session = null;
  });

  test('a second Ctrl+C stops waiting: exit 130, the last frame says it may be issued and how to see it', async () => {
    const portal = new FakePortal();
    portal.holdReissues(); // the portal never answers
    const t = await submitting(portal);
    await t.press('ctrlC');
    await t.waitFor('Finishing the submission');
    await t.press('ctrlC');
    expect(await session!.exit).toBe(130);
    const f = t.lastFrame();
    expect(f).toContain('the new copy may have been issued');
    expect(f).toContain(`reissue show ${portal.reissueCalls[0]!.id}`);
    session = null;
  });
});
