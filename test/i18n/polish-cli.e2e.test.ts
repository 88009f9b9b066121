// The CLI in Polish where the words come from the card layer and the CSR checks: `card list`, a
// wrong PIN on `card keygen` (SoftHSM2), and the report of a weak CSR. The built binary, a real
// SoftHSM2 token, the embedded sandbox; the exit codes, error codes and JSON stay those of English.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { opensslCsr } from '../helpers/openssl.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { BIN } from '../helpers/cli.js';
import { tmuxOn } from '../helpers/tmux-pane.js';

const PIN = '1234';
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
    const socket = `reissue-plprompt-${process.pid}`;
    const tmux = tmuxOn(socket);
    const env = Object.entries(box.env).map(([k, v]) => `${k}='${v}'`).join(' ');
    tmux('new-session', '-d', '-s', 'p', '-x', '100', '-y', '10', `env -u REISSUE_PORTAL -u REISSUE_TOKEN ${env} NO_COLOR=1 '${process.execPath}' '${BIN}' --lang pl revoke ${cert.id}; echo EXIT=$?; sleep 30`);
    try {
      const screen = async (what: string) => {
        for (let i = 0; i < 100; i++) {
          const s = tmux('capture-pane', '-p', '-t', 'p');
          if (s.includes(what)) return s;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`no ${what} in:\n${tmux('capture-pane', '-p', '-t', 'p')}`);
      };
      expect(await screen('[t/N]')).toContain(`Unieważnić ${cert.commonName}`);
      tmux('send-keys', '-t', 'p', 't', 'Enter');
      expect(await screen('EXIT=')).toContain('EXIT=0');
    } finally {
      tmux('kill-server');
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
