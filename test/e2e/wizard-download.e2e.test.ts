// The wizard's Download PEM through the shared writer, in tmux at 80×24: a file name too long for
// the file system is named with its cause (never "Unexpected error: ENAMETOOLONG"), and nothing is
// written; a PKCS#12 keystore at the typed path is kept even after "y" to replace it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openssl } from '../helpers/openssl.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('download');

/** The screen's text with the lines joined, so a message wrapped at 80 columns reads whole. */
const flat = (s: string) => s.replace(/\s*\n\s*/g, ' ');

describe('Download PEM in the wizard', () => {
  test('a 300-character file name: the cause in words, nothing written; a PKCS#12 at the path is never replaced', async () => {
    const { pane, work, done } = await suite.wizard('download');
    const dir = suite.dir;
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
      await done();
    }
  });
});
