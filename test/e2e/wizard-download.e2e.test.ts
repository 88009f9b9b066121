// The wizard's Download PEM through the shared writer, in tmux at 80×24: a file name too long for
// the file system is named with its cause (never "Unexpected error: ENAMETOOLONG"), and nothing is
// written; a PKCS#12 keystore at the typed path is kept even after "y" to replace it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, cliSandbox } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';
import { paneClass, tmuxOn } from '../helpers/tmux-pane.js';

const SOCKET = `reissue-download-${process.pid}`;
const tmux = tmuxOn(SOCKET);
const Pane = paneClass(SOCKET);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-download-e2e-'));
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first.');
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await rm(dir, { recursive: true, force: true });
});

/** The screen's text with the lines joined, so a message wrapped at 80 columns reads whole. */
const flat = (s: string) => s.replace(/\s*\n\s*/g, ' ');

describe('Download PEM in the wizard', () => {
  test('a 300-character file name: the cause in words, nothing written; a PKCS#12 at the path is never replaced', async () => {
    const box = await cliSandbox();
    const work = await mkdtemp(join(dir, 'work-'));
    const pane = Pane.start('download', work, box.env, join(dir, 'terminal.log'));
    try {
      await pane.waitFor('Certificates (1–');
      await pane.keys('Enter');
      await pane.waitFor('Certificate for order');
      await pane.keys('Right');
      await pane.keys('Enter');
      await pane.waitFor('Save to:');
      // Typed after the default name: 300 more characters.
      pane.send('x'.repeat(300));
      await pane.keys('Enter');
      const s = flat(await pane.waitFor(/too\s+long/));
      expect(s).toMatch(/the file name is too long for the file system/);
      expect(s).not.toMatch(/ENAMETOOLONG|nexpected/);
      expect(readdirSync(work).filter((f) => f !== 'terminal.log')).toEqual([]);

      // Back to the path (kept as typed), now a PKCS#12 keystore's name; "y" to replace it.
      openssl(['req', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'p12.key'), '-out', join(dir, 'p12.crt'), '-subj', '/CN=p12', '-days', '1']);
      openssl(['pkcs12', '-export', '-in', join(dir, 'p12.crt'), '-inkey', join(dir, 'p12.key'), '-out', join(work, 'ks.p12'), '-passout', 'pass:secret']);
      const p12 = readFileSync(join(work, 'ks.p12'));
      await pane.keys('Escape');
      await pane.waitFor(/Save to:\s+assecodata\.pl\.pemx/);
      pane.send('\u007F'.repeat(400) + 'ks.p12');
      await pane.waitFor(/Save to:\s+ks\.p12\s*$/m);
      await pane.keys('Enter');
      await pane.waitFor(/already exists/);
      await pane.keys('y');
      const refused = flat(await pane.waitFor(/does not\s+hold/));
      expect(refused).toContain('ks.p12');
      expect(readFileSync(join(work, 'ks.p12'))).toEqual(p12);
    } finally {
      pane.kill();
      await box.cleanup();
    }
  });
});
