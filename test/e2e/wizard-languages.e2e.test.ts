// The built wizard in Polish and in English, in a real pseudo-terminal at 80×24 and at 60×20: the
// same walk (list → details → step 1 → card → PIN → progress → result on a SoftHSM2 token) in
// both languages. Nothing the English screens show whole may be cut in the Polish ones.
// With REISSUE_CAPTURES=DIR the Polish 80×24 screens are written there (for the README).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSoftHsm, SOFTHSM_MODULE } from '../helpers/softhsm.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('lang');

const PIN = '582931';
type Lang = 'en' | 'pl';
type Stage = 'list' | 'step1' | 'card' | 'pin' | 'progress' | 'result';

/** What each language shows at each stage: what to wait for, and what must be there whole. */
const WORDS: Record<Lang, Record<Stage | 'filtered' | 'details' | 'algorithms', string>> = {
  en: {
    list: 'Certificates (1–',
    filtered: '(1–1 of 1)',
    details: 'ORDER/0000123457/po',
    step1: 'Key pair generation method',
    algorithms: 'KEY ALGORITHM AND KEY LENGTH',
    card: 'Enter uses this card.',
    pin: 'Common profile PIN:',
    progress: 'Generating the key pair on the card…',
    result: '✓ Reissued',
  },
  pl: {
    list: 'Certyfikaty (1–',
    filtered: '(1–1 z 1)',
    details: 'ORDER/0000123457/po',
    step1: 'Metoda generowania pary kluczy',
    algorithms: 'ALGORYTM I DŁUGOŚĆ KLUCZA',
    card: 'Enter wybiera tę kartę.',
    pin: 'PIN profilu standardowego:',
    progress: 'Generowanie pary kluczy na karcie…',
    result: '✓ Wykonano reissue',
  },
};

/** Facts that must be on screen whole (lines joined, so wrapping is allowed, cutting is not). */
const FACTS: Record<Lang, Partial<Record<Stage, (string | RegExp)[]>>> = {
  en: {
    list: [/ Valid +\S.* \d{4}-\d\d-\d\d revoked in 11 d/, / Revoked /, / Expired /],
    step1: ['❯ Generating key pair on card', 'automatically revoke the previous certificate after 14 days.'],
    card: ['✓ Card inserted', '✓ User PIN set (common profile initialized)', '✓ Card can generate RSA 3072'],
    pin: ['New key pair generation', /Card number: +[0-9a-f]{4} [0-9a-f]{4}/, '[from 4 to ', 'Do not remove the card from the reader during the operation'],
    result: ['✓ Reissued: a new copy of Asseco Data Systems S.A. was issued', /\(14 days left\)/, '= same expiry date'],
  },
  pl: {
    list: [/ Ważny +\S.* \d\d\.\d\d\.\d{4} unieważn\. za 11 d/, / Unieważniony /, / Wygasły /],
    step1: ['❯ Generowanie pary kluczy na karcie', 'automatycznie unieważni poprzedni certyfikat po 14 dniach.'],
    card: ['✓ Karta włożona', '✓ PIN użytkownika ustawiony (profil standardowy zainicjowany)', '✓ Karta może wygenerować RSA 3072'],
    pin: ['Generowanie nowej pary kluczy', /Numer karty: +[0-9a-f]{4} [0-9a-f]{4}/, '[od 4 do ', 'Nie wyjmuj karty z czytnika w trakcie operacji'],
    result: ['✓ Wykonano reissue: wydano nową kopię Asseco Data Systems S.A.', /\(pozostało 14 dni\)/, '= ta sama data ważności'],
  },
};

/** The walk; returns the screen of each stage. */
async function walk(lang: Lang, columns: number, rows: number): Promise<Record<Stage, string>> {
  // One card in one reader, the same in both languages.
  const hsm = await createSoftHsm();
  await hsm.initToken('Certum common', PIN);
  const w = WORDS[lang];
  const { pane, done } = await suite.wizard(`${lang}${columns}`, { env: { REISSUE_LANG: lang, SOFTHSM2_CONF: hsm.conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE }, size: { columns, rows } });
  const screens = {} as Record<Stage, string>;
  try {
    screens.list = await pane.waitFor(w.list);
    await pane.keys('/');
    await pane.type('Code Signing on a card');
    await pane.waitFor(w.filtered);
    await pane.keys('Enter', 'Enter');
    await pane.waitFor(w.details);
    await pane.keys('Right', 'Right', 'Right', 'Enter');
    screens.step1 = await pane.waitFor(w.step1);
    await pane.keys('Enter');
    await pane.waitFor(w.algorithms);
    await pane.waitFor('❯ RSA 3072');
    await pane.keys('Enter');
    screens.card = await pane.waitFor(w.card);
    await pane.keys('Enter');
    screens.pin = await pane.waitFor(w.pin);
    await pane.type(PIN);
    await pane.waitFor(`${w.pin} ******`);
    await pane.keys('Enter');
    // The key pair takes a moment on SoftHSM: the progress view is on screen meanwhile.
    screens.progress = await pane.waitFor(w.progress, 30_000);
    screens.result = await pane.waitFor(w.result, 60_000);
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    for (const s of pane.screens) {
      const lines = s.split('\n');
      expect(lines.length).toBeLessThanOrEqual(rows);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(columns);
    }
    expect(pane.screens.some((s) => s.includes(PIN))).toBe(false);
    return screens;
  } finally {
    await done();
    await hsm.cleanup();
  }
}

/** Lines cut with an ellipsis (the header's pending-revocation line included). */
const cutLines = (screen: string) => screen.split('\n').filter((l) => l.endsWith('…')).length;
const joined = (screen: string) => screen.split('\n').map((l) => l.replace(/^[│ ]+/, '').trimEnd()).join(' ');

describe.each([
  [80, 24],
  [60, 20],
])('the wizard at %i×%i in Polish and English', (columns, rows) => {
  test('the same walk; every fact whole in both; Polish cuts no more than English', async () => {
    const shown: Record<Lang, Record<Stage, string>> = { en: await walk('en', columns, rows), pl: await walk('pl', columns, rows) };
    for (const lang of ['en', 'pl'] as const) {
      for (const [stage, facts] of Object.entries(FACTS[lang]) as [Stage, (string | RegExp)[]][]) {
        const text = joined(shown[lang][stage]);
        for (const fact of facts) {
          if (typeof fact === 'string') expect(text, `${lang} ${stage}`).toContain(fact);
          else expect(text, `${lang} ${stage}`).toMatch(fact);
        }
      }
    }
    for (const stage of Object.keys(shown.en) as Stage[]) {
      expect(cutLines(shown.pl[stage]), `${stage}:\n${shown.pl[stage]}\n---\n${shown.en[stage]}`).toBeLessThanOrEqual(cutLines(shown.en[stage]));
    }
    if (process.env.REISSUE_CAPTURES && columns === 80) {
      mkdirSync(process.env.REISSUE_CAPTURES, { recursive: true });
      for (const [stage, screen] of Object.entries(shown.pl)) writeFileSync(join(process.env.REISSUE_CAPTURES, `${stage}.txt`), `${screen}\n`);
    }
  }, 180_000);
});
