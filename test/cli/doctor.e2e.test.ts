// `reissue doctor` as a support desk meets it: a real `reissue serve` with an API token in the
// settings, a SoftHSM2 card with a PIN, a passphrase-protected key, a wrong PIN and a refused
// token on record. The checklist names the module, reader and card; the bundle written with --out
// holds the last errors with their codes and none of the secrets.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { serve, type Served } from '../helpers/serve.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';

const PIN = 'Pq7-card-PIN-x4';
const WRONG_PIN = 'Wr0ng-PIN-zz9';
const PASSPHRASE = 'support-passphrase-Kd83';
const BOGUS_TOKEN = 'rsk_bogusTokenForTheRefusedCall123';

let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;
let served: Served;
let token: string;
const cli = (args: string[], input?: string) => runCli(['--module', hsm.module, ...args], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf }, input });

beforeAll(async () => {
  hsm = await createSoftHsm();
  box = await cliSandbox();
  await hsm.initToken('support-card', PIN);
  expect((await cli(['list'])).code).toBe(0); // creates the sandbox
  const created = await cli(['admin', 'token', 'create', 'demo']);
  expect(created.code).toBe(0);
  token = created.stdout.trim();
  served = await serve(box.dataDir, box.env);
  expect((await cli(['config', 'set', 'portal', served.url])).code).toBe(0);
  expect((await cli(['config', 'set', 'token', token])).code).toBe(0);
});
afterAll(async () => {
  served?.child.kill('SIGTERM');
  await hsm.cleanup();
  await box.cleanup();
});

describe('reissue doctor', () => {
  it('lists what it sees and writes a bundle without a PIN, passphrase, token or key', async () => {
    const certs: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
    const manual = certs.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!;
    const cardOnly = certs.find((c) => c.keySources.join() === 'card' && !c.replacedBy)!;

    // A key protected by a passphrase.
    const key = join(box.dir, 'new.key');
    const made = await cli(['csr', 'new', '--for', manual.id, '--algorithm', 'ec-p256', '--key-out', key, '--out', join(box.dir, 'new.csr'), '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(made.code, made.stderr).toBe(0);
    const keyPem = await readFile(key, 'utf8');
    // A wrong PIN on the card, and a token the portal refuses: the last card and portal errors.
    const wrongPin = await cli(['card', 'keygen', '--for', cardOnly.id, '--algorithm', 'ec-p256', '--token', 'support-card', '--pin-stdin'], `${WRONG_PIN}\n`);
    expect(wrongPin.code).toBe(4);
    const refused = await cli(['--token', BOGUS_TOKEN, 'list']);
    expect(refused.code).toBe(5);

    const out = join(box.dir, 'doctor.json');
    const r = await cli(['doctor', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const line = (pattern: RegExp) => lines.find((l) => pattern.test(l));
    expect(line(/^✓ reissue \d+\.\d+\.\d+ · Node\.js v\d+/)).toBeDefined();
    expect(line(new RegExp(`^✓ PKCS#11 module ${hsm.module} loaded`))).toBeDefined();
    expect(line(/^✓ Reader ".*" \(slot \d+\): card inserted$/)).toBeDefined();
    expect(line(/^✓ Card "support-card" no\. \S+ .*PIN flags user PIN set/)).toBeDefined();
    expect(line(new RegExp(`^✓ Portal reachable: portal at ${served.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`))).toBeDefined();
    expect(line(/^✓ API token accepted by the portal$/)).toBeDefined();
    expect(line(/^✗ Last card error \[pin-wrong\] in `card keygen`/)).toBeDefined();
    expect(line(/^✗ Last portal error \[unauthorized\] in `list`/)).toBeDefined();
    // Every ✗ says what to do next.
    lines.forEach((l, i) => {
      if (l.startsWith('✗')) expect(lines[i + 1]).toMatch(/^ {4}→ \S/);
    });

    const text = await readFile(out, 'utf8');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const bundle = JSON.parse(text);
    expect(bundle.card.modules).toContainEqual(expect.objectContaining({ path: hsm.module, loaded: true }));
    expect(bundle.card.readers.find((x: { token: { label: string } | null }) => x.token?.label === 'support-card').token.pin).toMatchObject({ userPinSet: true, locked: false });
    expect(bundle.lastErrors.card).toMatchObject({ code: 'pin-wrong', command: 'card keygen' });
    expect(bundle.lastErrors.portal).toMatchObject({ code: 'unauthorized', command: 'list' });
    expect(bundle.portal).toMatchObject({ reachable: true, tokenAccepted: true });
    expect(bundle.settings.tokenSet).toBe(true);
    expect(bundle.checks.length).toBeGreaterThan(8);

    const keyBody = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const secret of [PIN, WRONG_PIN, PASSPHRASE, token, token.slice(4), BOGUS_TOKEN, ...keyBody]) {
      expect(text).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
  });

  it('says where the portal is not usable and what to do, in Polish too', async () => {
    const r = await cli(['--lang', 'pl', '--portal', 'http://127.0.0.1:9', 'doctor']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✗ Portal http:\/\/127\.0\.0\.1:9 niedostępny: /m);
    expect(r.stdout).toMatch(/^✓ Moduł PKCS#11 .* załadowany/m);
  });
});
