// The built binary in tmux: the launcher's skeleton is on screen before Ink's first frame, Ink
// replaces it in place (one header, one footer, nothing left over), an early error replaces it
// too, and keys typed in one burst all reach the filter.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BIN, cliSandbox } from '../helpers/cli.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

// The suite gives the server, the folder and the teardown; the panes are started here (below).
const suite = tmuxSuite('skeleton');
const tmux = suite.tmux;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Not the suite's wizard(): the binary starts 0.3 s after the session (so pipe-pane records its
 * very first bytes) and with colours (NO_COLOR unset), as the first frame is what is tested.
 */
function start(name: string, env: Record<string, string>): { screen: () => string; raw: () => string } {
  const log = join(suite.dir, `${name}.log`);
  const unset = ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'REISSUE_PORTAL', 'REISSUE_TOKEN', 'REISSUE_NOW'].map((v) => `-u ${v}`).join(' ');
  const vars = Object.entries({ TERM: 'xterm-256color', ...env })
    .map(([k, v]) => `${k}=${q(v)}`)
    .join(' ');
  // The pause lets pipe-pane attach before the binary writes anything.
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', `sleep 0.3; env ${unset} ${vars} ${q(process.execPath)} ${q(BIN)}; echo "EXIT=$?"; sleep 60`);
  tmux('pipe-pane', '-o', '-t', name, `cat >> ${q(log)}`);
  return {
    screen: () => tmux('capture-pane', '-p', '-t', name).replace(/\s+$/, ''),
    raw: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
  };
}

async function waitFor(screen: () => string, what: string | ((s: string) => boolean), timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (typeof what === 'string' ? s.includes(what) : what(s)) return s;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the screen:\n${s}`);
    await sleep(50);
  }
}

describe('first frame before Ink', () => {
  test('skeleton first, then Ink over it in place; a burst of keys all lands in the filter', async () => {
    const box = await cliSandbox();
    try {
      const pane = start('ok', box.env);
      let s = await waitFor(pane.screen, 'Certificates (1–');
      const raw = pane.raw();
      const skeletonAt = raw.indexOf('connecting to the portal');
      const handOverAt = raw.indexOf('\u001B[?2026h\u001B[23F\u001B[J');
      expect(skeletonAt).toBeGreaterThanOrEqual(0);
      expect(handOverAt).toBeGreaterThan(skeletonAt);
      // The skeleton is styled like Ink's frame (bold title), since this terminal has colours.
      expect(raw.slice(0, handOverAt)).toContain('\u001B[1mCertificates\u001B[22m (loading…)');

      const lines = s.split('\n');
      expect(lines[0]).toMatch(/^reissue · SANDBOX portal \(local\) +\? help$/);
      expect(lines.filter((l) => l.includes('↑↓ PgUp PgDn move'))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('reissue · '))).toHaveLength(1);
      expect(s).not.toContain('loading…');
      expect(s).not.toContain('connecting to the portal');

      // One chunk: "/sklep" (the terminal delivers it in a single read).
      tmux('send-keys', '-t', 'ok', '-l', '/sklep');
      // The filter's rows, once loaded (a "loading…" frame may come first).
      s = await waitFor(pane.screen, (x) => x.includes('Filter: sklep') && x.includes('Certificates (1–'));
      expect(s).toMatch(/sklep\.assecodata\.pl/);
      expect(s).not.toMatch(/stary\.assecodata\.pl/);
    } finally {
      await box.cleanup();
    }
  });

  test('an error before the wizard starts replaces the skeleton', async () => {
    const file = join(suite.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const pane = start('bad', { REISSUE_DATA_DIR: join(file, 'data') });
    const s = await waitFor(pane.screen, 'EXIT=');
    expect(pane.raw()).toContain('connecting to the portal');
    expect(s.split('\n')[0]).toMatch(/^error: /);
    expect(s).toContain('EXIT=1');
    expect(s).not.toContain('Certificates');
    expect(s).not.toContain('q quit');
  });
});
