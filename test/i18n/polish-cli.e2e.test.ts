// The CLI in Polish where the words come from the card layer and the CSR checks: `card list`, a
// wrong PIN on `card keygen` (SoftHSM2), and the report of a weak CSR. The built binary, a real
// SoftHSM2 token, the embedded sandbox; the exit codes, error codes and JSON stay those of English.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { opensslCsr } from '../helpers/openssl.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const PIN = '1234';
const tmux = tmuxSuite('plprompt');
let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;

const cli = (args: string[], input?: string) => runCli(['--module', hsm.module, ...args], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf }, input });

beforeAll(async () => {
  hsm = await createSoftHsm();
  box = await cliSandbox();
  await hsm.initToken('karta-pl', PIN);
});
afterAll(async () => {
  await hsm.cleanup();
  await box.cleanup();
});

describe('the CLI in Polish', () => {
  test('card list --lang pl: the card, its PIN state and what it can generate in Polish; JSON the same in both languages', async () => {
    const r = await cli(['card', 'list', '--lang', 'pl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Moduł ${hsm.module}`);
    expect(r.stdout).toMatch(/Czytnik .* \(slot \d+\)/);
    expect(r.stdout).toContain(`Karta "karta-pl"  numer ${await hsm.serialOf('karta-pl')}`);
    expect(r.stdout).toMatch(/PIN: ustawiony; od \d+ do \d+ bajtów/);
    expect(r.stdout).toContain('Może wygenerować: rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384');
    expect(r.stdout).toContain('Klucze: brak');
    expect(r.stdout).not.toMatch(/\b(Reader|Card|Can generate|Keys)\b/);
    const json = async (lang: string) => JSON.parse((await cli(['card', 'list', '--json', '--lang', lang])).stdout);
    expect(await json('pl')).toEqual(await json('en'));
  });

  test('card keygen --pin-stdin --lang pl with a wrong PIN: the card error in Polish, exit 4, the PIN nowhere', async () => {
    const r = await cli(['card', 'keygen', '--cn', 'pl.example', '--algorithm', 'ec-p256', '--token', 'karta-pl', '--pin-stdin', '--lang', 'pl'], '86420000\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('błąd: Błędny PIN.');
    expect(r.stderr).toContain('→ Wpisz ponownie PIN profilu standardowego; każdy błędny PIN zużywa jedną z prób karty.');
    expect(r.stderr).toContain('Generowanie nowej pary kluczy EC P-256 na karcie');
    expect(r.stderr).not.toContain('The PIN is wrong');
    expect(r.stderr + r.stdout).not.toContain('86420000');
  });

  test('csr check --lang pl on a weak CSR: the report in Polish, exit 3, the same codes in the JSON', async () => {
    const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
    const cert = list.find((c) => c.keySources.includes('csr') && !c.replacedBy && c.state === 'valid' && c.domains.includes('assecodata.pl'))!;
    const { csrPath } = opensslCsr(box.dir, 'weak-pl', { key: 'rsa-1024', cn: 'assecodata.pl', sans: ['assecodata.pl'], md: 'sha1' });
    const r = await cli(['csr', 'check', csrPath, '--for', cert.id, '--lang', 'pl']);
    expect(r.code).toBe(3);
    // Polish plural forms ("1024 bity") and the allowed keys in Polish, not "(RSA 2048-4096 bits, … or …)".
    expect(r.stdout).toContain('✗ Klucz RSA w CSR ma 1024 bity, to za słaby klucz: wymagane jest co najmniej 2048 bitów. Wygeneruj nową parę kluczy (RSA od 2048 do 4096 bitów, EC P-256 lub EC P-384).');
    expect(r.stdout).toContain('✗ CSR jest podpisany algorytmem SHA-1');
    expect(r.stdout).toMatch(/Klucz: +RSA 1024 bity/);
    expect(r.stdout).not.toMatch(/\bbits\b| or /);
    expect(r.stdout).toMatch(/Nazwa \(CN\): +assecodata\.pl/);
    expect(r.stdout).not.toMatch(/too weak|Common name/);
    const json = async (lang: string) => JSON.parse((await cli(['csr', 'check', csrPath, '--for', cert.id, '--json', '--lang', lang])).stdout);
    const pl = await json('pl');
    expect(pl).toEqual(await json('en'));
    expect(pl.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['weak-key', 'weak-hash']));
  });

  test('card keygen --help --lang pl: commander\'s headings and the options in Polish', async () => {
    const r = await cli(['--lang', 'pl', 'card', 'keygen', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Użycie: reissue card keygen/);
    expect(r.stdout).toContain('Opcje:');
    expect(r.stdout).toMatch(/odczytaj PIN z pierwszego\s+wiersza/);
    expect(r.stdout).toContain('wyświetl pomoc polecenia');
    expect(r.stdout).not.toMatch(/Usage:|Options:|display help/);
  });

  test('commander\'s usage line in Polish: "Użycie: reissue card [opcje] [polecenie]", no [options] or [command]', async () => {
    const r = await cli(['--lang', 'pl', 'card', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Użycie: reissue card \[opcje\] \[polecenie\]/);
    expect(r.stdout).not.toMatch(/\[options\]|\[command\]/);
    expect((await cli(['--lang', 'en', 'card', '--help'])).stdout).toMatch(/^Usage: reissue card \[options\] \[command\]/);
  });

  test('an unreachable portal is said in Polish (issue 13\'s English fallback)', async () => {
    const r = await runCli(['--lang', 'pl', '--portal', 'http://127.0.0.1:1', 'list'], { env: { ...box.env, REISSUE_TOKEN: 'not-a-real-token' } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('Nie można połączyć się z portalem pod adresem http://127.0.0.1:1 (ECONNREFUSED).');
    expect(r.stderr).not.toMatch(/Cannot reach|Check that/);
  });

  test('a prompt in a terminal says [t/N] in Polish and takes "t" as yes', async () => {
    const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
    const cert = list.find((c) => c.state === 'valid' && !c.replacedBy && c.commonName === 'sklep.assecodata.pl')!;
    const { pane, done } = await tmux.wizard('p', { box, args: ['--lang', 'pl', 'revoke', cert.id], size: { columns: 100, rows: 10 } });
    try {
      expect(await pane.waitFor('[t/N]')).toContain(`Unieważnić ${cert.commonName}`);
      await pane.keys('t', 'Enter');
      expect(await pane.waitFor('EXIT=')).toContain('EXIT=0');
    } finally {
      await done();
    }
    const shown: Certificate = JSON.parse((await cli(['show', cert.id, '--json'])).stdout);
    expect(shown.state).toBe('revoked');
  });

  test('show --lang pl names the revocation reason in Polish, not "superseded"', async () => {
    const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
    const pending = list.find((c) => c.state === 'pending-revocation')!;
    const r = await cli(['--lang', 'pl', 'show', pending.id]);
    expect(r.stdout).toContain('powód: zastąpiony nową kopią');
    expect(r.stdout).not.toContain('superseded');
  });
});

// Where the words came from the DER reader, the admin commands and card install's plan: in Polish
// by the locale alone (LANG=pl_PL.UTF-8), with the exit codes and JSON of English.
describe('the CLI in Polish where the words were English only', () => {
  const polishEnv = { LANG: 'pl_PL.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
  const plCli = (args: string[], input?: string) => runCli(['--module', hsm.module, ...args], { env: { ...box.env, ...polishEnv, SOFTHSM2_CONF: hsm.conf }, input });

  test('csr check on a truncated and on a damaged CSR: the DER reader\'s detail marked as such, the sentence in Polish', async () => {
    const { csrPath } = opensslCsr(box.dir, 'cut-pl', { key: 'ec-p256', cn: 'assecodata.pl', sans: ['assecodata.pl'] });
    const der = Buffer.from(readFileSync(csrPath, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const cut = join(box.dir, 'cut.der');
    writeFileSync(cut, der.subarray(0, der.length - 20));
    const r = await plCli(['csr', 'check', cut]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/✗ CSR jest niekompletny: dane urywają się przed końcem\. Skopiuj ponownie cały plik\. \[szczegóły techniczne z parsera DER, po angielsku: .+\]/);
    expect(r.stdout).not.toMatch(/The CSR is truncated|Copy the whole/);
    // The version INTEGER (at a fixed place after the two SEQUENCE headers) set to 5.
    const damaged = Buffer.from(der);
    const version = damaged.indexOf(Buffer.from([0x02, 0x01, 0x00]));
    damaged[version + 2] = 5;
    writeFileSync(join(box.dir, 'damaged.der'), damaged);
    const d = await plCli(['csr', 'check', join(box.dir, 'damaged.der')]);
    expect(d.code).toBe(3);
    expect(d.stdout).toContain('✗ CSR jest uszkodzony w części: wersja. Wygeneruj CSR ponownie. [szczegóły techniczne z parsera DER, po angielsku: the request version is not 1]');
    const json = JSON.parse((await plCli(['csr', 'check', cut, '--json'])).stdout);
    expect(json).toEqual(JSON.parse((await runCli(['csr', 'check', cut, '--json'], { env: box.env })).stdout));
    expect(json.problems[0].code).toBe('truncated');
  });

  test('admin account create and token create: an existing account, an unknown one, a bad name in Polish', async () => {
    const exists = await plCli(['admin', 'account', 'create', 'demo', '--role', 'customer']);
    expect(exists.code).toBe(5);
    expect(exists.stderr).toContain('Konto "demo" już istnieje.');
    expect(exists.stderr).toContain('→ Wybierz inną nazwę.');
    const unknown = await plCli(['admin', 'token', 'create', 'nikt']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('W tym portalu nie ma konta "nikt".');
    const bad = await plCli(['admin', 'account', 'create', 'Zła Nazwa', '--role', 'partner']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Zła Nazwa" nie jest poprawną nazwą konta.');
    expect(exists.stderr + unknown.stderr + bad.stderr).not.toMatch(/already exists|There is no account|is not a valid account name|Choose another|Create it/);
  });

  test('card install --cert of a certificate whose key is on no card: the refusal in Polish, exit 4', async () => {
    const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
    const cert = list.find((c) => c.state === 'valid')!;
    const file = join(box.dir, 'no-key.pem');
    expect((await cli(['download', cert.id, '--out', file])).code).toBe(0);
    const r = await plCli(['card', 'install', '--cert', file, '--pin-stdin'], `${PIN}\n`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Żadna z obecnych kart nie ma klucza tego certyfikatu.');
    expect(r.stderr).toContain('→ Włóż kartę, na której wygenerowano parę kluczy');
    const narrowed = await plCli(['card', 'install', '--cert', file, '--token', 'karta-pl', '--pin-stdin'], `${PIN}\n`);
    expect(narrowed.code).toBe(4);
    expect(narrowed.stderr).toContain('Żadna z kart wybranych przez --token / --serial / --key nie ma klucza tego certyfikatu.');
    expect(r.stderr + narrowed.stderr).not.toMatch(/No card|holds the key|Insert the card|Leave out/);
  });
});
