// The built wizard on a fresh data directory, as `npm ci && npm start` meets it: the first run
// (which creates and seeds the portal while the skeleton is up), the second run, and a run after a
// rebuild with a changed bundle. Each time the launcher paints the first page of the list before
// Ink takes over, and the list works (a filter typed in one burst, then quit). The build is a
// private copy of this checkout (its own dist/), so the shared dist/ is never rebuilt under other
// tests. The start-up keeps no snapshot or cache, so a rebuilt bundle is what runs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { ROOT, cliSandbox } from '../helpers/cli.js';
import { tmuxSuite, type Sandbox } from '../helpers/tmux-suite.js';

// This file builds its own checkout (below), not the shared dist/.
const suite = tmuxSuite('first-page', { needsBuild: false });

const HINT = 'Press / to filter by CN';
/** The seeded portal's whole first page: "(1–7 of 7)". */
const WHOLE_LIST = /Certificates \(1–(\d+) of \1\)/;
const CHANGED_HINT = 'Press / to filter (rebuilt) by CN';
/** Ink's hand-over of the screen: back to the first line of what is painted (80×24: 23 lines), clear. */
const HAND_OVER = '\u001B[23F\u001B[J';

let checkout = '';
const build = () => execFileSync(process.execPath, [join(checkout, 'scripts', 'build.mjs')], { cwd: checkout, stdio: 'pipe', timeout: 120_000 });

beforeAll(() => {
  checkout = join(suite.dir, 'checkout');
  mkdirSync(checkout);
  for (const part of ['src', 'scripts', 'bin', 'package.json']) cpSync(join(ROOT, part), join(checkout, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
  build();
}, 180_000);

/** The private checkout's launcher on `box`, in the suite's tmux. */
const started = (name: string, box: Sandbox, env: Record<string, string> = {}) => suite.wizard(name, { box, env, bin: join(checkout, 'bin', 'reissue') });

async function runOnce(name: string, box: Sandbox, hint: string): Promise<void> {
  const { pane, done } = await started(name, box, { NO_COLOR: '1' });
  try {
    const s = await pane.waitFor(WHOLE_LIST, 30_000);
    expect(s).toContain(hint);
    expect(s).toMatch(/> assecodata\.pl\s+Valid/);
    // It works: Enter at once (most likely before Ink is up: the key waits, raw, for it) opens
    // the certificate under the cursor; then a filter typed in one burst, its rows, then quit.
    await pane.keys('Enter');
    await pane.waitFor('Certificate for order');
    await pane.keys('Escape');
    await pane.waitFor(WHOLE_LIST);
    await pane.type('/sklep');
    const filtered = await pane.waitFor(/Filter: sklep[\s\S]*Certificates \(1–2 of 2\)|Certificates \(1–2 of 2\)[\s\S]*Filter: sklep/);
    expect(filtered).toMatch(/sklep\.assecodata\.pl/);
    expect(filtered).not.toMatch(/> assecodata\.pl/);
    // The list was on screen before Ink took the screen over (the launcher painted it).
    // (Ink is up now: its hand-over is the last time the whole frame is rewound.)
    const raw = Buffer.from(pane.raw(), 'latin1').toString('utf8');
    const beforeInk = stripVTControlCharacters(raw.slice(0, raw.lastIndexOf(HAND_OVER)));
    expect(beforeInk).toContain('SANDBOX portal (local)');
    expect(beforeInk).toMatch(WHOLE_LIST);
    expect(beforeInk).toContain('assecodata.pl');

    await pane.keys('Escape');
    await pane.waitFor(WHOLE_LIST);
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
  } finally {
    await done();
  }
}

test('first run, second run and a run after a rebuild: the list is painted before Ink, and works', async () => {
  const box = await cliSandbox();
  try {
    await runOnce('first', box, HINT);
    await runOnce('second', box, HINT);

    // A changed bundle: the hint comes from the first-frame catalog, in the launcher's frame and in Ink's list screen.
    const path = join(checkout, 'src/i18n/locales/en.first-frame.json');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(HINT);
    writeFileSync(path, text.replace(HINT, CHANGED_HINT));
    build();
    await runOnce('rebuilt', box, CHANGED_HINT);
  } finally {
    await box.cleanup();
  }
}, 240_000);

test('REISSUE_LANG=pl: the launcher paints the list in Polish, and Ink takes the same list over', async () => {
  const box = await cliSandbox();
  const { pane, done } = await started('pl', box, { REISSUE_LANG: 'pl' });
  try {
    const wholeList = /Certyfikaty \(1–(\d+) z \1\)/;
    await pane.waitFor(wholeList, 30_000);
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    const raw = Buffer.from(pane.raw(), 'latin1').toString('utf8');
    const beforeInk = stripVTControlCharacters(raw.slice(0, raw.lastIndexOf(HAND_OVER)));
    expect(beforeInk).toMatch(wholeList);
    expect(beforeInk).toContain('assecodata.pl');
    expect(beforeInk).not.toContain('Certificates');
  } finally {
    await done();
    await box.cleanup();
  }
}, 120_000);
