// NO_COLOR: no colour codes at all, and nothing lost. Colour support is forced on for this file
// (vitest's stdout is not a terminal), so the test can see the difference.
import { afterEach, describe, expect, test } from 'vitest';

process.env.FORCE_COLOR = '1';

const COLOR_CODE = /\u001B\[(3[0-7]|9[0-7]|38;[25];[\d;]+)m/;

let stop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await stop?.();
  stop = null;
});

async function walk(color: boolean) {
  const { runWizard } = await import('../../src/tui/run.js');
  const { FakeStdin, FakeStdout, terminalFor } = await import('../helpers/ink.js');
  const { fakeServices } = await import('./fakes.js');
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const exit = runWizard(fakeServices(), { stdin: stdin as never, stdout: stdout as never, debug: true, color });
  const t = terminalFor(stdin, stdout);
  stop = async () => {
    await t.press('ctrlC');
    await exit;
  };
  // The list (badge, header warning), details, step 1 (menu, info box).
  await t.waitFor('revoked in 13 d');
  await t.press('down');
  await t.press('down');
  await t.waitFor(' — will be revoked on ');
  await t.press('enter');
  await t.waitFor('⚠ This copy will be revoked on');
  await t.press('escape');
  await t.press('up');
  await t.press('up');
  await t.press('enter');
  await t.waitFor('Certificate for order ORDER/0000123456/po');
  for (let i = 0; i < 3; i++) await t.press('right');
  await t.press('enter');
  await t.waitFor('❯ CSR');
  return { raw: stdout.writes.join(''), frames: t.frames() };
}

describe('colour', () => {
  test('with colour on, colours are used (so the NO_COLOR test below can fail)', async () => {
    const { raw } = await walk(true);
    expect(raw).toMatch(COLOR_CODE);
  });

  test('with NO_COLOR, no colour code is written and the same words are on screen', async () => {
    const plain = await walk(false);
    await stop?.();
    stop = null;
    const colored = await walk(true);
    expect(plain.raw).not.toMatch(COLOR_CODE);
    expect(plain.frames.at(-1)).toBe(colored.frames.at(-1));
  });

  test('Revoked is red and Expired magenta in the list; without colour the same words stay', async () => {
    const { raw } = await walk(true);
    expect(raw).toMatch(/\u001B\[31mRevoked\u001B\[39m/);
    expect(raw).toMatch(/\u001B\[35mExpired\u001B\[39m/);
    await stop?.();
    stop = null;
    const plain = await walk(false);
    expect(plain.raw).toMatch(/ Revoked .* Expired /s);
  });

  test('NO_COLOR in the environment turns colour off by default', async () => {
    const { colorFromEnv } = await import('../../src/tui/theme.js');
    expect(colorFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colorFromEnv({ NO_COLOR: '' })).toBe(true);
    expect(colorFromEnv({})).toBe(true);
  });
});
