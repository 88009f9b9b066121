// Keys that arrive in ONE write (typing ahead, a paste, key repeat, a slow SSH link) all count:
// the built wizard in a real pseudo-terminal (tmux, 80×24), each sequence sent as one write.
import { describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { opensslCsr } from '../helpers/openssl.js';
import { SOFTHSM_MODULE, softHsmWithToken } from '../helpers/softhsm.js';
import { RAW } from '../helpers/tmux-pane.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('typeahead');
const { enter, right, down, backspace } = RAW;

/** A wizard on a fresh sandbox, its list on screen. */
const started = (name: string, env: Record<string, string> = {}) => suite.wizard(name, { env, ready: 'Certificates (1–' });

describe('one write, every key', () => {
  test('from the list, Enter Right Right Right Enter reaches step 1 of the reissue', async () => {
    const w = await started('arrows');
    try {
      w.pane.send(enter + right + right + right + enter);
      const s = await w.pane.waitFor('Key pair generation method');
      expect(s).toContain('[1 Choose generation method] → 2 Key generation');
    } finally {
      await w.done();
    }
  }, 30_000);

  test('a filter typed with its Enter and a second Enter opens the details of the first match', async () => {
    const w = await started('filter');
    try {
      w.pane.send(`/poczta${enter}${enter}`);
      const s = await w.pane.waitFor('Certificate for order');
      expect(s).toContain('CN: poczta.assecodata.pl');
    } finally {
      await w.done();
    }
  }, 30_000);

  test('assecodataXX, two Backspaces and Enter filter by "assecodata"', async () => {
    const w = await started('erase');
    try {
      w.pane.send(`/assecodataXX${backspace}${backspace}${enter}`);
      // The rows of the filter, not just its echo (a loading frame may come between).
      const s = await w.pane.waitFor(/Filter: assecodata\b[^]*> assecodata\.pl\s+Valid/);
      expect(s).not.toContain('assecodataX');
    } finally {
      await w.done();
    }
  }, 30_000);

  test('a whole reissue from a CSR file typed as one write reaches the review; the Enter typed ahead of it submits nothing', async () => {
    const w = await started('csrfile');
    try {
      const { csrPath } = opensslCsr(w.work, 'new', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });
      const copies = async () => (JSON.parse((await runCli(['list', '--json'], { env: w.box.env })).stdout) as unknown[]).length;
      const before = await copies();
      // Details, Reissue, step 1 (CSR), "Load CSR from a file", the path, and an Enter typed ahead
      // of the "✓ Correct" review: only an Enter typed after the review is on screen submits.
      w.pane.send(enter + right + right + right + enter + enter + down + enter + csrPath + enter + enter);
      await w.pane.waitFor('✓ Correct', 20_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect(w.pane.screen()).toContain('✓ Correct');
      expect(await copies()).toBe(before);
      w.pane.send(enter);
      const s = await w.pane.waitFor('✓ Reissued: a new copy of assecodata.pl was issued', 20_000);
      expect(s).toContain('= same expiry date');
      expect(await copies()).toBe(before + 1); // exactly one new copy
    } finally {
      await w.done();
    }
  }, 40_000);
});

describe('one write on the card path (SoftHSM2)', () => {
  const PIN = '739146';
  const softhsm = softHsmWithToken('Certum common', PIN);

  test('a PIN and Enter in one write are submitted; the PIN never reaches the terminal', async () => {
    const w = await started('pin', { SOFTHSM2_CONF: softhsm().conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE });
    try {
      w.pane.send(`/Code Signing${enter}${enter}`);
      await w.pane.waitFor('Product category: Code Signing');
      w.pane.send(right + right + right + enter + enter);
      await w.pane.waitFor('❯ RSA 3072'); // the card's algorithms, once scanned: RSA 3072, RSA 4096, EC P-256, …
      w.pane.send(down + down + enter);
      const s0 = await w.pane.waitFor('Enter uses this card.');
      expect(s0).toContain('Key pair on card · EC P-256');
      w.pane.send(enter);
      await w.pane.waitFor('Common profile PIN:');
      w.pane.send(PIN + enter);
      const s = await w.pane.waitFor('✓ Reissued: a new copy of Asseco Data Systems S.A. was issued', 30_000);
      expect(s).toMatch(/Key\s+on card [0-9a-f ]+/);
      expect(w.pane.raw()).not.toContain(PIN);
    } finally {
      await w.done();
    }
  }, 60_000);
});
