// The launcher's skeleton must be exactly Ink's first (loading) frame, at any size the wizard
// supports, with and without styles and colours; and Ink must take it over in place.
import chalk from 'chalk';
import { afterEach, describe, expect, test } from 'vitest';
import { eraseSkeleton, paintSkeleton } from '../../src/tui/first-paint.js';
import { runWizard } from '../../src/tui/run.js';
import { setLanguage } from '../../src/i18n/i18n.js';
import { SKELETON_MIN_ROWS, skeletonFrame, skeletonMinColumns } from '../../src/tui/skeleton.js';

const SKELETON_MIN_COLUMNS = skeletonMinColumns();
import { FakeStdin, FakeStdout, plain } from '../helpers/ink.js';
import { listFrameFor } from '../../src/tui/first-page.js';
import { pageEvents } from '../../src/tui/page-events.js';
import { pageToFetch } from '../../src/wizard/list-window.js';
import { initialState, startState } from '../../src/wizard/reducer.js';
import type { WizardEvent } from '../../src/wizard/state.js';
import { demoCertificates, FakePortal, fakeServices, manyCertificates, NOW } from './fakes.js';

const level = chalk.level;
afterEach(() => {
  chalk.level = level;
  eraseSkeleton();
});

const isFrame = (w: string) => w.includes('\n');

/** Runs the real wizard on a fake terminal; returns every write up to and including its first frame. */
async function firstWrites(stdout: FakeStdout, color: boolean, services = fakeServices(), known: WizardEvent[] = []): Promise<string[]> {
  const stdin = new FakeStdin();
  const exit = runWizard(services, { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, color, known });
  const writes = [...stdout.writes];
  stdin.write('\u0003');
  await exit;
  return writes;
}

describe('skeletonFrame is Ink’s first frame', () => {
  const sizes: [number, number][] = [
    [80, 24],
    [120, 40],
    [SKELETON_MIN_COLUMNS, SKELETON_MIN_ROWS],
    [60, 15],
  ];
  for (const [columns, rows] of sizes) {
    for (const styles of [true, false]) {
      for (const color of [true, false]) {
        test(`${columns}×${rows}, ${styles ? 'styled' : 'plain'}, ${color ? 'colour' : 'NO_COLOR'}`, async () => {
          chalk.level = styles ? 1 : 0;
          const writes = await firstWrites(new FakeStdout(columns, rows), color);
          const frame = writes.find(isFrame);
          expect(frame).toBeDefined();
          expect(frame).toContain('Certificates (loading…)'.replace('Certificates', styles ? '\u001B[1mCertificates\u001B[22m' : 'Certificates'));
          expect(skeletonFrame(columns, rows, { styles, color })).toBe(frame);
        });
      }
    }
  }

  for (const [columns, rows] of [
    [80, 24],
    [60, 20],
    [120, 40],
  ] as const) {
    test(`in Polish at ${columns}×${rows}`, async () => {
      chalk.level = 1;
      setLanguage('pl');
      try {
        const frame = (await firstWrites(new FakeStdout(columns, rows), true)).find(isFrame);
        expect(frame).toContain('Certyfikaty');
        expect(skeletonFrame(columns, rows, { styles: true, color: true, lang: 'pl' })).toBe(frame);
      } finally {
        setLanguage('en');
      }
    });
  }

  test('too small for the layout: no skeleton', () => {
    expect(skeletonFrame(SKELETON_MIN_COLUMNS - 1, 24, { styles: false, color: true })).toBeNull();
    expect(skeletonFrame(80, SKELETON_MIN_ROWS - 1, { styles: false, color: true })).toBeNull();
  });
});

/** What the launcher reads before Ink loads (wizard-start.ts): the portal's name and the first page. */
async function knownAtStart(portal: FakePortal, rows: number, columns: number): Promise<WizardEvent[]> {
  const info = await portal.info();
  const list = initialState({ rows, columns, now: info.now }).list;
  const req = pageToFetch(list.query, list, list.total, list.height, null)!;
  return [{ type: 'portal-info', name: info.name, now: info.now, capabilities: info.capabilities }, ...(await pageEvents(portal, req, () => NOW))];
}

describe('the launcher’s list frame is Ink’s first frame when the wizard starts from the same page', () => {
  const demo = demoCertificates();
  const pendingFirst = [...demo.filter((c) => c.state === 'pending-revocation'), ...demo.filter((c) => c.state !== 'pending-revocation')];
  const portals: [string, () => FakePortal][] = [
    ['6 certificates', () => new FakePortal()],
    ['a pending revocation in focus', () => new FakePortal({ certificates: pendingFirst })],
    ['500 certificates (count not known yet)', () => new FakePortal({ certificates: manyCertificates(500) })],
  ];
  const sizes: [number, number][] = [
    [80, 24],
    [120, 40],
    [60, 15],
  ];
  // The language as the launcher sets it (REISSUE_LANG, --lang's setting): texts, column widths, number formats.
  const counts = { en: /Certificates \(1–\d+ of [\d,…]+\)/, pl: /Certyfikaty \(1–\d+ z [\d\u00a0…]+\)/ } as const;
  for (const lang of ['en', 'pl'] as const) {
    for (const [name, portalFor] of portals) {
      for (const [columns, rows] of sizes) {
        for (const [styles, color] of [[true, true], [true, false], [false, true]] as const) {
          test(`${lang}: ${name}, ${columns}×${rows}, ${styles ? 'styled' : 'plain'}, ${color ? 'colour' : 'NO_COLOR'}`, async () => {
            chalk.level = styles ? 1 : 0;
            setLanguage(lang);
            try {
              const portal = portalFor();
              const known = await knownAtStart(portal, rows, columns);
              const painted = listFrameFor(startState({ rows, columns, now: NOW.toISOString() }, known), { styles, color, lang });
              expect(painted).not.toBeNull();
              expect(plain(painted!)).toMatch(counts[lang]);
              const listCalls = portal.listCalls.length;
              const writes = await firstWrites(new FakeStdout(columns, rows), color, fakeServices({ portal }), known);
              expect(writes.find(isFrame)).toBe(painted);
              // The wizard does not read the page it was given again.
              expect(portal.listCalls).toHaveLength(listCalls);
            } finally {
              setLanguage('en');
            }
          });
        }
      }
    }
  }

  for (const lang of ['en', 'pl'] as const) {
    test(`${lang}: a simulated date (REISSUE_NOW) is said in the header, as Ink says it`, async () => {
      chalk.level = 1;
      setLanguage(lang);
      try {
        const portal = new FakePortal();
        const known = await knownAtStart(portal, 24, 100);
        const painted = listFrameFor(startState({ rows: 24, columns: 100, now: NOW.toISOString() }, known), { styles: true, color: true, lang }, true);
        expect(plain(painted!)).toContain(lang === 'pl' ? 'SYMULOWANA DATA' : 'SIMULATED DATE');
        const services = { ...fakeServices({ portal }), simulatedDate: true };
        expect((await firstWrites(new FakeStdout(100, 24), true, services, known)).find(isFrame)).toBe(painted);
      } finally {
        setLanguage('en');
      }
    });
  }

  test('anything but the plain list (an error, a filter) is not painted early', () => {
    const state = startState({ rows: 24, columns: 80, now: NOW.toISOString() }, [{ type: 'page-failed', query: '', error: { message: 'x', hint: null } as never }]);
    expect(listFrameFor(state, { styles: true, color: true })).toBeNull();
  });
});

function fakeIo(env: NodeJS.ProcessEnv = {}) {
  const stdout = new FakeStdout(80, 24);
  const stderr = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  return { stdout, stderr, stdin, io: { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream, env } };
}

describe('painting and handing over', () => {
  test('Ink’s first frame replaces the skeleton in place, inside one synchronized update', async () => {
    chalk.level = 1;
    const { stdout, io } = fakeIo();
    expect(await paintSkeleton(io)).toBe(true);
    const skeleton = stdout.writes[0]!;
    expect(skeleton).toBe(skeletonFrame(80, 24, { styles: true, color: true }));
    const lines = skeleton.split('\n').length - 1;
    expect(lines).toBe(23);

    const writes = await firstWrites(stdout, true);
    // Back to the skeleton's first line and clear below, opening a synchronized update…
    expect(writes[1]).toBe(`\u001B[?2026h\u001B[${lines}F\u001B[J`);
    // …then Ink's frame, identical to the skeleton, and the update is closed.
    const inkFrame = writes.slice(2).find(isFrame);
    expect(inkFrame).toBe(skeleton);
    expect(writes.slice(2).join('')).toContain('\u001B[?2026l');
  });

  test('NO_COLOR: the skeleton drops the colour like the wizard does', async () => {
    chalk.level = 1;
    const { stdout, io } = fakeIo({ NO_COLOR: '1' });
    await paintSkeleton(io);
    expect(stdout.writes[0]).toBe(skeletonFrame(80, 24, { styles: true, color: false }));
    expect(stdout.writes[0]).not.toContain('\u001B[33m');
  });

  test('an error before the wizard starts erases the skeleton first', async () => {
    const { stdout, stderr, stdin, io } = fakeIo();
    await paintSkeleton(io);
    // Keys typed while the frame is up wait raw for Ink (no echo, Enter stays a carriage return)…
    expect(stdin.rawMode).toBe(true);
    io.stderr.write('error: the portal cannot be opened\n');
    expect(stdout.writes.at(-1)).toBe('\u001B[23F\u001B[J');
    expect(stderr.writes).toEqual(['error: the portal cannot be opened\n']);
    // …and the terminal is back in line mode when Ink will not take over.
    expect(stdin.rawMode).toBe(false);
    // Only once: later writes go straight through.
    io.stderr.write('  → hint\n');
    expect(stdout.writes).toHaveLength(2);
  });

  test('no skeleton without a terminal on both ends, or in CI mode (Ink then draws only its last frame)', async () => {
    const a = fakeIo();
    (a.stdin as { isTTY: boolean }).isTTY = false;
    expect(await paintSkeleton(a.io)).toBe(false);
    const b = fakeIo({ CI: 'true' });
    expect(await paintSkeleton(b.io)).toBe(false);
    expect([...a.stdout.writes, ...b.stdout.writes]).toEqual([]);
    expect(plain(skeletonFrame(80, 24, { styles: false, color: true })!)).toContain('Certificates (loading…)');
  });
});

test('text that may take two columns a character (CJK, emoji) is left to Ink: no early list', async () => {
  const portal = new FakePortal({ certificates: [...demoCertificates().map((c, i) => (i === 2 ? { ...c, commonName: '証明書.example' } : c))] });
  const known = await knownAtStart(portal, 24, 80);
  expect(listFrameFor(startState({ rows: 24, columns: 80, now: NOW.toISOString() }, known), { styles: true, color: true })).toBeNull();
});
