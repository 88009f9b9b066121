// External Account Binding on a Pebble that requires it: no binding, a wrong HMAC key and the
// right one (from a 0600 file and from stdin), with the HMAC key never in argv, output or errors.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cliSandbox, runCli } from '../../helpers/cli.js';
import { startPebble, type Pebble } from '../../helpers/pebble.js';

const KID = 'kid-1';
const HMAC = 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W';
const WRONG = 'b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH';
let pebble: Pebble;
let box: Awaited<ReturnType<typeof cliSandbox>>;

const account = (email: string, extra: string[], input?: string) =>
  runCli(['--portal', `acme:${pebble.directoryUrl}`, '--ca-file', pebble.caFile, 'acme', 'account', '--email', email, '--agree-tos', ...extra], { env: box.env, input, timeoutMs: 60_000 });

beforeAll(async () => {
  [pebble, box] = await Promise.all([startPebble({ requireEab: true, eabKeys: { [KID]: HMAC } }), cliSandbox()]);
}, 60_000);
afterAll(async () => {
  await pebble?.stop();
  await box?.cleanup();
});

describe('ACME External Account Binding (Pebble with externalAccountBindingRequired)', () => {
  test('without a binding: refused before anything is sent to newAccount (exit 3), saying which options', async () => {
    const r = await account('a@example.test', []);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('registers accounts only with External Account Binding');
    expect(r.stderr).toContain('--eab-kid KID and --eab-hmac-file FILE');
  });

  test('a wrong HMAC key: the CA refuses (exit 5), the key id and the CA\'s words named, the key itself nowhere', async () => {
    const file = join(box.dir, 'wrong.hmac');
    await writeFile(file, `${WRONG}\n`, { mode: 0o600 });
    const r = await account('b@example.test', ['--eab-kid', KID, '--eab-hmac-file', file]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('The CA refused the External Account Binding with key id kid-1');
    expect(r.stderr).toMatch(/external account binding/i);
    expect(r.stdout + r.stderr).not.toContain(WRONG);
  });

  test('an HMAC file others can read is refused (exit 2) before it is used', async () => {
    const file = join(box.dir, 'open.hmac');
    await writeFile(file, `${HMAC}\n`, { mode: 0o644 });
    const r = await account('c@example.test', ['--eab-kid', KID, '--eab-hmac-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('can be read by other users');
    expect(r.stdout + r.stderr).not.toContain(HMAC);
  });

  test('the right HMAC key from a 0600 file, and from stdin: the account is made, its key 0600', async () => {
    const file = join(box.dir, 'right.hmac');
    await writeFile(file, `${HMAC}\n`, { mode: 0o600 });
    const r = await account('d@example.test', ['--eab-kid', KID, '--eab-hmac-file', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const made = JSON.parse(r.stdout) as { url: string; keyFile: string; eabKid: string; created: boolean };
    expect(made).toMatchObject({ eabKid: KID, created: true });
    expect((await stat(made.keyFile)).mode & 0o777).toBe(0o600);
    expect(r.stdout + r.stderr).not.toContain(HMAC);

    const fromStdin = await account('e@example.test', ['--eab-kid', KID, '--eab-hmac-file', '-', '--json'], `${HMAC}\n`);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ eabKid: KID, created: true });
  });
});
