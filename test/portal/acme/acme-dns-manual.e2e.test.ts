// dns-01 by hand (no --dns-hook), against a real Pebble whose DNS is pebble-challtestsrv: the
// built binary in tmux prints (CLI) or draws (wizard, 80×24) each TXT record, the test reads the
// record from the screen, publishes it in challtestsrv as a person would in their zone, presses
// Enter, and Pebble's real dns-01 validation issues the copy. Esc in the wizard cancels the order;
// without a terminal, dns-01 needs --dns-hook (exit 2) before any order is placed.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate } from '../../../src/domain/types.js';
import Database from 'better-sqlite3';
import { acmeFolder } from '../../../src/portal/acme/spec.js';
import { cliSandbox, runCli, type CliResult } from '../../helpers/cli.js';
import { opensslCsr, opensslStatus, publicKeyHex } from '../../helpers/openssl.js';
import { startPebble, type Pebble } from '../../helpers/pebble.js';
import { RAW, paneClass, tmuxOn } from '../../helpers/tmux-pane.js';

const SOCKET = `reissue-dnsmanual-${process.pid}`;
const Pane = paneClass(SOCKET);
let pebble: Pebble;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reissue-dns-manual-'));
  pebble = await startPebble();
}, 60_000);
afterAll(async () => {
  try {
    tmuxOn(SOCKET)('kill-server');
  } catch {
    // no server left
  }
  await pebble?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A data dir with an account and a first copy of `name` obtained over http-01 (the built-in responder). */
async function withCopy(name: string) {
  const box = await cliSandbox();
  const globals = ['--portal', `acme:${pebble.directoryUrl}`, '--ca-file', pebble.caFile];
  const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli([...globals, ...args], { env: { ...box.env, ...env }, timeoutMs: 60_000 });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  await ok(['acme', 'account', '--email', 'dns@reissue.test', '--agree-tos']);
  const first = JSON.parse(await ok(['--http-address', `127.0.0.1:${pebble.httpPort}`, 'acme', 'order', '--domain', name, '--key-out', join(box.dir, 'first.key'), '--json'])) as { certificate: Certificate };
  return { box, globals, cli, ok, copy: first.certificate };
}

/** Every `_acme-challenge.NAME. TXT "VALUE"` on a screen (the name and the rest may be on two lines). */
function recordsOn(screen: string): { name: string; value: string }[] {
  return [...screen.matchAll(/(_acme-challenge\.[^\s"]+\.)\s+TXT\s+"([A-Za-z0-9_-]+)"/g)].map((m) => ({ name: m[1]!, value: m[2]! }));
}

async function verifiedByPebble(pem: string): Promise<string> {
  const chain = join(dir, `chain-${Date.now()}.pem`);
  writeFileSync(chain, `${await pebble.roots()}\n${await pebble.intermediates()}`);
  return opensslStatus(['verify', '-CAfile', chain, pem]).output;
}

describe('dns-01 by hand on Pebble', () => {
  test('CLI in a terminal: the exact record printed, nothing asked of the CA before Enter; the record published, Enter, the reissue passes Pebble\'s validation', async () => {
    const name = 'cli.dns-manual.example.test';
    const p = await withCopy(name);
    const { csrPath } = opensslCsr(p.box.dir, 'cli', { key: 'ec-p256', cn: name, sans: [name] });
    const pane = Pane.start('cli', p.box.dir, p.box.env, join(p.box.dir, 'terminal.log'), { columns: 200, rows: 40 }, undefined, [...p.globals, '--challenge', 'dns-01', 'submit', p.copy.id, '--csr', csrPath]);
    try {
      const s = await pane.waitFor('Press Enter once the records are published', 30_000);
      const records = recordsOn(s);
      expect(records).toHaveLength(1);
      expect(records[0]!.name).toBe(`_acme-challenge.${name}.`);
      // The record line is exactly the zone-file form.
      expect(s).toContain(`  _acme-challenge.${name}. TXT "${records[0]!.value}"`);
      expect(s).toContain(`${name}: dns-01 … pending`);
      // Waiting for Enter: the CA was not asked to validate (no answer yet, no verdict drawn).
      await new Promise((r) => setTimeout(r, 1500));
      const still = pane.screen();
      expect(still).not.toContain(`${name}: valid`);
      expect(still).not.toContain('EXIT=');

      await pebble.setTxt(records[0]!.name, records[0]!.value);
      pane.send(RAW.enter);
      const done = await pane.waitFor(/EXIT=\d+/, 45_000);
      expect(done).toContain(`${name}: valid`);
      expect(done).toContain('EXIT=0');
      const fresh = (JSON.parse(await p.ok(['list', '--json'])) as Certificate[]).find((c) => c.replaces === p.copy.id);
      expect(fresh).toBeDefined();
      expect(done).toContain(`reissue download ${fresh!.id}`);
      const pem = join(p.box.dir, 'new.pem');
      await p.ok(['download', fresh!.id, '--out', pem]);
      expect(await verifiedByPebble(pem)).toContain(`${pem}: OK`);
      expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
      expect(await pebble.certStatus(fresh!.serialNumber)).toEqual({ status: 'Valid' });
    } finally {
      pane.kill();
      await pebble.clearTxt(`_acme-challenge.${name}`);
      await p.box.cleanup();
    }
  }, 120_000);

  test('CLI: Esc at the prompt cancels the order (exit 2, as any cancelled prompt), nothing issued, nothing left to resume', async () => {
    const name = 'esc.dns-manual.example.test';
    const p = await withCopy(name);
    const { csrPath } = opensslCsr(p.box.dir, 'esc', { key: 'ec-p256', cn: name, sans: [name] });
    const pane = Pane.start('esc', p.box.dir, p.box.env, join(p.box.dir, 'terminal.log'), { columns: 200, rows: 40 }, undefined, [...p.globals, '--challenge', 'dns-01', 'submit', p.copy.id, '--csr', csrPath]);
    try {
      await pane.waitFor('Press Enter once the records are published', 30_000);
      await pane.keys('Escape');
      const s = await pane.waitFor(/EXIT=\d+/, 15_000);
      expect(s).toContain('EXIT=2');
      expect(s).toContain('Cancelled: the order was given up before the CA checked the TXT records; no certificate was issued.');
      expect(s).not.toContain(`${name}: valid`);
    } finally {
      pane.kill();
    }
    expect((JSON.parse(await p.ok(['list', '--json'])) as Certificate[]).map((c) => c.id)).toEqual([p.copy.id]);
    const db = new Database(join(acmeFolder(p.box.dataDir, pebble.directoryUrl), 'ledger.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT order_url FROM orders WHERE new_certificate_id IS NULL').all()).toEqual([]);
    } finally {
      db.close();
    }
    await p.box.cleanup();
  }, 90_000);

  test('no terminal and no --dns-hook: exit 2 naming --dns-hook, before any order; acmeChallenge in the config chooses dns-01 too, and a wrong value is refused', async () => {
    const name = 'script.dns-manual.example.test';
    const p = await withCopy(name);
    const { csrPath } = opensslCsr(p.box.dir, 'script', { key: 'ec-p256', cn: name, sans: [name] });
    const r = await p.cli(['--challenge', 'dns-01', 'submit', p.copy.id, '--csr', csrPath]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('The dns-01 challenge needs --dns-hook CMD when reissue runs without a terminal');
    // Nothing reached the CA: no order line, no authorization drawn.
    expect(r.stderr).not.toContain('order https://');
    const pl = await p.cli(['--lang', 'pl', '--challenge', 'dns-01', 'submit', p.copy.id, '--csr', csrPath]);
    expect(pl.code).toBe(2);
    expect(pl.stderr).toContain('Wyzwanie dns-01 wymaga --dns-hook POLECENIE');

    const typo = await p.cli(['--challenge', 'dns-03', 'submit', p.copy.id, '--csr', csrPath]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"dns-03" is not a challenge reissue answers.');
    expect((await runCli(['config', 'set', 'acmeChallenge', 'dns-02'], { env: p.box.env })).code).toBe(2);
    expect((await runCli(['config', 'set', 'acmeChallenge', 'dns-01'], { env: p.box.env })).code).toBe(0);
    const fromConfig = await p.cli(['submit', p.copy.id, '--csr', csrPath]);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('--dns-hook');
    // The flag wins over the config: http-01 through the built-in responder issues it.
    const viaHttp = await p.cli(['--challenge', 'http-01', '--http-address', `127.0.0.1:${pebble.httpPort}`, 'submit', p.copy.id, '--csr', csrPath, '--json']);
    expect(viaHttp.code, viaHttp.stderr).toBe(0);
    expect(viaHttp.stderr).toContain(`${name}: http-01 … pending`);
    await p.box.cleanup();
  }, 120_000);

  test('wizard at 80×24: the record drawn readably, read from the screen, published, Enter → reissued by Pebble; Esc cancels the order cleanly', async () => {
    const name = 'wizard.dns-manual.example.test';
    const p = await withCopy(name);
    const work = await mkdtemp(join(dir, 'wiz-'));
    const { csrPath } = opensslCsr(work, 'new', { key: 'ec-p256', cn: name, sans: [name] });
    const start = (label: string) => Pane.start(label, work, p.box.env, join(work, `${label}.log`), undefined, undefined, [...p.globals, '--challenge', 'dns-01']);
    /** Through the details and step 1 to the submitted CSR file, in one write per step. */
    const submitCsr = async (pane: ReturnType<typeof start>) => {
      await pane.waitFor(/Certificates \(1–\d+ of \d+\)/);
      pane.send(RAW.enter);
      await pane.waitFor('Domain list [1]: ' + name);
      pane.send(`${RAW.right}${RAW.right}${RAW.right}${RAW.enter}`);
      await pane.waitFor('Key pair generation method');
      pane.send(RAW.enter);
      await pane.waitFor('❯ Paste CSR');
      pane.send(`${RAW.down}${RAW.enter}`);
      await pane.waitFor('CSR file (PEM or DER):');
      pane.send(`${csrPath}${RAW.enter}`);
      await pane.waitFor('✓ Correct');
      pane.send(RAW.enter);
      return pane.waitFor('Enter: published, ask the CA · Esc: cancel the order', 30_000);
    };

    // Esc first: the order is cancelled, nothing issued, the wizard says so and goes on.
    const cancel = start('cancel');
    try {
      const s = await submitCsr(cancel);
      expect(recordsOn(s)).toHaveLength(1);
      cancel.send(RAW.escape);
      const after = await cancel.waitFor('Cancelled: the order was given up', 10_000);
      expect(after.replace(/\s+/g, ' ')).toContain('no certificate was issued');
      // The order is dropped from the ledger (read with sqlite, as it is on disk): the next submit
      // starts afresh instead of resuming it.
      const db = new Database(join(acmeFolder(p.box.dataDir, pebble.directoryUrl), 'ledger.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT order_url FROM orders WHERE new_certificate_id IS NULL').all()).toEqual([]);
      } finally {
        db.close();
      }
      cancel.send('q');
    } finally {
      cancel.kill();
    }
    const afterCancel = JSON.parse(await p.ok(['list', '--json'])) as Certificate[];
    expect(afterCancel.map((c) => c.id)).toEqual([p.copy.id]);

    const pane = start('publish');
    try {
      const s = await submitCsr(pane);
      // 80 columns: every line of the screen fits, the record is whole (name, then TXT "VALUE").
      expect(s.split('\n')[0]).toContain('reissue · ACME CA'); // the whole frame on 24 rows: nothing scrolled away
      expect(s.split('\n').every((line) => [...line].length <= 80)).toBe(true);
      const records = recordsOn(s);
      expect(records).toEqual([{ name: `_acme-challenge.${name}.`, value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) }]);
      expect(s).toContain('Create these TXT records in the DNS zone (1):');
      expect(s.split('\n').at(-1)).toContain('Enter published · Esc cancel the order');
      await pebble.setTxt(records[0]!.name, records[0]!.value);
      pane.send(RAW.enter);
      await pane.waitFor(`✓ Reissued: a new copy of ${name} was issued`, 45_000);
      pane.send('q');
      await pane.waitFor('EXIT=0');
    } finally {
      pane.kill();
      await pebble.clearTxt(`_acme-challenge.${name}`);
    }
    const copies = JSON.parse(await p.ok(['list', '--json'])) as Certificate[];
    const fresh = copies.find((c) => c.replaces === p.copy.id);
    expect(fresh, JSON.stringify(copies)).toBeDefined();
    const pem = join(work, 'fresh.pem');
    await p.ok(['download', fresh!.id, '--out', pem]);
    expect(await verifiedByPebble(pem)).toContain(`${pem}: OK`);
    expect(publicKeyHex(pem, 'x509')).toBe(publicKeyHex(csrPath, 'req'));
    expect(readFileSync(join(work, 'publish.log'), 'latin1')).toContain(`${name}: dns-01`);
    await p.box.cleanup();
  }, 180_000);
});
