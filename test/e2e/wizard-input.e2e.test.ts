// How keys reach the wizard, through the built binary in a real pseudo-terminal (tmux, 80×24),
// each sequence in ONE write as a fast typist, a paste or a slow link delivers it: Escape before
// other keys, pastes without bracketed-paste markers, keys typed ahead of an irreversible
// question, F1 from the PIN field, keys typed while a remote portal loads a page, and Ctrl+C
// twice while the portal never answers.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { opensslCsr } from '../helpers/openssl.js';
import { exited, serve, tokenFor } from '../helpers/serve.js';
import { SOFTHSM_MODULE, softHsmWithToken } from '../helpers/softhsm.js';
import { RAW } from '../helpers/tmux-pane.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('input');
const { enter, right, down, escape, ctrlC, backspace } = RAW;
const F1 = '\u001bOP';
const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A wizard on a fresh sandbox (or on `env`'s portal), its list on screen. */
async function started(name: string, env: Record<string, string> = {}, ready = 'Certificates (1–') {
  const w = await suite.wizard(name, { env, ready });
  return { ...w, copies: async () => (JSON.parse((await runCli(['list', '--json'], { env: w.box.env })).stdout) as Certificate[]).length };
}

/**
 * A loopback proxy in front of `served`: each request passes, or is held forever (`'hold'`), or
 * passes after a pause (a number of ms), as `rule` says.
 */
async function proxy(served: string, rule: (req: http.IncomingMessage) => 'pass' | 'hold' | number) {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const what = rule(req);
    if (what === 'hold') {
      held.push(res);
      req.resume();
      return;
    }
    const forward = () => {
      const out = http.request(new URL(req.url ?? '/', served), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(out);
    };
    if (what === 'pass') forward();
    else setTimeout(forward, what);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    close() {
      for (const res of held) res.destroy();
      server.close();
    },
  };
}

/** From the list: the first row's details, Reissue certificate, the CSR method, the CSR sources. */
const TO_CSR_SOURCES = enter + right + right + right + enter + enter;

describe('Escape followed by other keys in the same write', () => {
  test('Escape / assecodata Enter: the old filter is cleared and the new one typed, not appended', async () => {
    const w = await started('escape');
    try {
      w.pane.send(`/poczta${enter}`);
      await w.pane.waitFor('Filter: poczta  (/ edit');
      w.pane.send(`${escape}/assecodata${enter}`);
      const s = await w.pane.waitFor(/Filter: assecodata {2}\(\/ edit[^]*> assecodata\.pl/);
      expect(s).not.toMatch(/Filter: poczta|pocztaassecodata/);
    } finally {
      await w.done();
    }
  }, 30_000);
});

describe('a CSR is submitted only from its "✓ Correct" review, by an Enter typed after it was on screen', () => {
  const pemOf = (work: string) => readFileSync(opensslCsr(work, 'new', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] }).csrPath, 'utf8');

  test('pasted without bracketed paste (lines as a terminal sends them, CR after each): stops at the review', async () => {
    const w = await started('plainpaste');
    try {
      const before = await w.copies();
      w.pane.send(TO_CSR_SOURCES + enter); // Paste CSR
      await w.pane.waitFor('Paste the CSR here');
      w.pane.send(pemOf(w.work).replace(/\n/g, '\r'));
      await w.pane.waitFor('✓ Correct');
      await sleep(1000);
      expect(w.pane.screen()).toContain('✓ Correct');
      expect(await w.copies()).toBe(before); // the paste's last line break confirmed nothing
      w.pane.send(enter);
      await w.pane.waitFor('✓ Reissued: a new copy of assecodata.pl was issued', 20_000);
      expect(await w.copies()).toBe(before + 1);
    } finally {
      await w.done();
    }
  }, 40_000);
});

describe('irreversible questions take only keys typed after they are on screen', () => {
  test('Right Right Right Right Enter y in one write: the y is dropped with a note; a later y revokes', async () => {
    const w = await started('revoke');
    try {
      w.pane.send(enter);
      await w.pane.waitFor('Certificate for order');
      w.pane.send(right + right + right + right + enter + 'y');
      const s = await w.pane.waitFor('Keys typed before this question appeared were ignored');
      expect(s).toContain('Revoke this certificate? (y/n)');
      await sleep(500);
      const state = async () => (JSON.parse((await runCli(['list', '--json'], { env: w.box.env })).stdout) as Certificate[]).find((c) => c.commonName === 'assecodata.pl')!.state;
      expect(await state()).toBe('valid');
      w.pane.send('y');
      await w.pane.waitFor('✓ The certificate was revoked.');
      expect(await state()).toBe('revoked');
    } finally {
      await w.done();
    }
  }, 30_000);
});

describe('the PIN field takes only PIN characters (SoftHSM2)', () => {
  const PIN = '739146';
  const softhsm = softHsmWithToken('Certum common', PIN);

  test('? is typed into the PIN; F1 opens help and leaves the PIN as typed; the footer says F1', async () => {
    const w = await started('pinhelp', { SOFTHSM2_CONF: softhsm().conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE });
    try {
      w.pane.send(`/Code Signing${enter}${enter}`);
      await w.pane.waitFor('Product category: Code Signing');
      w.pane.send(right + right + right + enter + enter);
      await w.pane.waitFor('❯ RSA 3072');
      w.pane.send(down + down + enter);
      await w.pane.waitFor('Enter uses this card.');
      w.pane.send(enter);
      let s = await w.pane.waitFor('Common profile PIN:');
      expect(s.split('\n').at(-1)).toContain('F1 help');
      expect(s.split('\n')[0]).toContain('F1 help');
      expect(s).not.toContain('? help');
      w.pane.send('?');
      s = await w.pane.waitFor('Common profile PIN: *');
      expect(s).not.toContain('Help ·');
      w.pane.send(F1);
      await w.pane.waitFor('Help ·');
      w.pane.send(escape);
      await w.pane.waitFor('Common profile PIN: *');
      w.pane.send(backspace + PIN + enter);
      await w.pane.waitFor('✓ Reissued: a new copy of Asseco Data Systems S.A. was issued', 30_000);
      expect(w.pane.raw()).not.toContain(PIN);
    } finally {
      await w.done();
    }
  }, 60_000);
});

describe('the command line: a question that cannot be taken back (SoftHSM2)', () => {
  const PIN = '482615';
  const softhsm = softHsmWithToken('leftovers', PIN);

  test('card delete: a "y" typed while the card is read is dropped with a note; the key stays until a later y', async () => {
    const box = await cliSandbox();
    const env = { ...box.env, SOFTHSM2_CONF: softhsm().conf };
    const cli = (args: string[], input?: string) => runCli(['--module', SOFTHSM_MODULE, ...args], { env, input });
    try {
      const gen = await cli(['card', 'keygen', '--cn', 'left.example', '--algorithm', 'ec-p256', '--token', 'leftovers', '--pin-stdin', '--csr-out', join(box.dir, 'left.csr'), '--json'], `${PIN}\n`);
      expect(gen.code, gen.stderr).toBe(0);
      const { keyId, keyUri } = JSON.parse(gen.stdout) as { keyId: string; keyUri: string };
      const keys = async () => ((JSON.parse((await cli(['card', 'list', '--json'])).stdout) as { readers: { keys?: { id: string }[] }[] }).readers.flatMap((r) => r.keys ?? []).filter((k) => k.id === keyId)).length;
      expect(await keys()).toBe(1);
      const { pane, done } = await suite.wizard('carddelete', { box, env: { SOFTHSM2_CONF: softhsm().conf }, args: ['--module', SOFTHSM_MODULE, 'card', 'delete', keyUri] });
      try {
        pane.send(`y${enter}`); // typed at once, before the question
        const s = await pane.waitFor('Keys typed before this question appeared were ignored');
        expect(s).toContain('[y/N]');
        expect(await keys()).toBe(1);
        pane.send(`y${enter}`);
        await pane.waitFor('PIN');
        pane.send(`${PIN}${enter}`);
        await pane.waitFor('EXIT=0', 20_000);
        expect(await keys()).toBe(0);
      } finally {
        await done();
      }
    } finally {
      await box.cleanup();
    }
  }, 60_000);
});

describe('a remote portal (reissue serve on 127.0.0.1)', () => {
  let dataDir = '';
  let served: Awaited<ReturnType<typeof serve>>;
  let token = '';
  let certs: Certificate[] = [];
  beforeAll(async () => {
    dataDir = join(suite.dir, 'served');
    token = await tokenFor(dataDir, 'demo');
    served = await serve(dataDir);
    const r = await runCli(['--portal', served.url, '--token', token, 'list', '--json']);
    expect(r.code, r.stderr).toBe(0);
    certs = JSON.parse(r.stdout) as Certificate[];
  }, 30_000);
  afterAll(async () => {
    served.child.kill();
    await exited(served.child);
  });

  test('/ORDER Enter Enter sent as the wizard starts opens that certificate, 10 runs of 10', async () => {
    const target = certs.find((c) => c.commonName.startsWith('poczta'))!;
    // One idle session keeps the tmux server up between runs (it exits with its last session).
    suite.tmux('new-session', '-d', '-s', 'keeper', 'sleep 600');
    const opened: boolean[] = [];
    for (let run = 0; run < 10; run++) {
      const { pane, done } = await suite.wizard(`remote${run}`, { env: { REISSUE_PORTAL: served.url, REISSUE_TOKEN: token } });
      try {
        await pane.waitFor('Certificates');
        // The first page is still on its way from the portal.
        pane.send(`/${target.orderId}${enter}${enter}`);
        // The details of that certificate, or a screen that stopped elsewhere (a lost Enter).
        const s = await pane.waitFor(`Certificate for order ${target.orderId}`, 15_000).catch(() => pane.screen());
        opened.push(s.includes(`Certificate for order ${target.orderId}`));
      } finally {
        await done();
      }
    }
    expect(opened).toEqual(Array(10).fill(true));
  }, 120_000);

  test('Ctrl+C twice while the portal never answers the submission: gone within 2 s, saying how to check', async () => {
    // serve behind a proxy that holds the reissue forever.
    const front = await proxy(served.url, (req) => (req.method === 'POST' && /\/reissue$/.test(req.url ?? '') ? 'hold' : 'pass'));
    const { url, held } = front;
    const { pane, work, done } = await suite.wizard('hang', { env: { REISSUE_PORTAL: url, REISSUE_TOKEN: token } });
    const { csrPath } = opensslCsr(work, 'new', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl', 'www.assecodata.pl'] });
    try {
      await pane.waitFor('Certificates (1–');
      pane.send(`/assecodata.pl${enter}${enter}`);
      await pane.waitFor('Certificate for order');
      pane.send(right + right + right + enter + enter + down + enter + csrPath + enter);
      await pane.waitFor('✓ Correct');
      const id = certs.find((c) => c.commonName === 'assecodata.pl')!.id;
      pane.send(enter);
      await pane.waitFor('Submitting');
      await sleep(300);
      expect(held).toHaveLength(1);
      pane.send(ctrlC);
      await pane.waitFor('Finishing');
      const t0 = Date.now();
      pane.send(ctrlC);
      let s = '';
      while (!(s = pane.screen()).includes('EXIT=') && Date.now() - t0 < 10_000) await sleep(50);
      const ms = Date.now() - t0;
      expect(s).toContain('EXIT=130');
      expect(ms).toBeLessThan(2000);
      expect(s).toContain('the new copy may have been issued');
      expect(s).toContain(`reissue show ${id}`);
      expect(s).not.toContain('please wait');
    } finally {
      await done();
      front.close();
    }
  }, 60_000);

  test('a bracketed paste with an Enter 1 ms behind it, while the portal checks the CSR: the Enter submits nothing', async () => {
    // The portal takes a second to check: the Enter surely arrives before the review is on screen.
    const front = await proxy(served.url, (req) => (/\/csr-check$/.test(req.url ?? '') ? 1000 : 'pass'));
    const { pane, work, done } = await suite.wizard('pasteenter', { env: { REISSUE_PORTAL: front.url, REISSUE_TOKEN: token } });
    const pem = readFileSync(opensslCsr(work, 'new', { key: 'ec-p256', cn: 'sklep.assecodata.pl', sans: ['sklep.assecodata.pl'] }).csrPath, 'utf8');
    const copies = async () => (JSON.parse((await runCli(['--portal', served.url, '--token', token, 'list', '--json'])).stdout) as Certificate[]).length;
    try {
      await pane.waitFor('Certificates (1–');
      const before = await copies();
      pane.send(`/sklep${enter}${enter}`);
      await pane.waitFor('Certificate for order');
      pane.send(right + right + right + enter + enter + enter);
      await pane.waitFor('Paste the CSR here');
      pane.send(`${PASTE_START}${pem.replace(/\n/g, '\r')}${PASTE_END}`);
      await sleep(1);
      pane.send(enter);
      await pane.waitFor('✓ Correct', 10_000);
      await sleep(1000);
      expect(pane.screen()).toContain('✓ Correct');
      expect(await copies()).toBe(before);
      pane.send(enter);
      await pane.waitFor('✓ Reissued: a new copy of sklep.assecodata.pl was issued', 20_000);
      expect(await copies()).toBe(before + 1);
    } finally {
      await done();
      front.close();
    }
  }, 60_000);
});
