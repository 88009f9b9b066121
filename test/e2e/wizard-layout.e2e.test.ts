// Every view of the wizard at 40×12, 60×20 and 80×24, in English and in Polish, through the built
// binary in a real pseudo-terminal: the walk goes on at 80×24 and, at each view, the window is
// resized to each size and the pane captured. A view is either whole — its title, its facts and
// its action row or question, no row drawn twice, nothing wider or taller than the window — or,
// only where it cannot fit (40×12), replaced by "make the window larger (at least W×H)". At 20×6
// the revoke question is not shown cut, and "y" there revokes nothing. The Polish screens hold no
// English words (a fallback to English fails the test). REISSUE_CAPTURES=DIR keeps every capture.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createSoftHsm, SOFTHSM_MODULE } from '../helpers/softhsm.js';
import type { Pane } from '../helpers/tmux-pane.js';
import { tmuxSuite } from '../helpers/tmux-suite.js';

const suite = tmuxSuite('layout');
const tmux = suite.tmux;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PIN = '582931';
type Lang = 'en' | 'pl';
const SIZES: [number, number][] = [
  [40, 12],
  [60, 20],
  [80, 24],
];

/** A view as the user must see it: what names it, what it tells, and what it lets you do. */
interface View {
  name: string;
  title: string | RegExp;
  facts: (string | RegExp)[];
  action: string | RegExp;
  /** What must not be offered here. */
  absent?: string[];
}

const DATE: Record<Lang, string> = { en: '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d', pl: '\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d' };
const TOO_SMALL: Record<Lang, RegExp> = {
  en: /^The window is too small for this view\. Make it larger: at least (\d+)×(\d+)\.$/,
  pl: /^Okno jest za małe na ten widok\. Powiększ je: co najmniej (\d+)×(\d+)\.$/,
};

function views(lang: Lang) {
  const d = DATE[lang];
  const en = lang === 'en';
  const v = (name: string, title: string | RegExp, facts: (string | RegExp)[], action: string | RegExp): View => ({ name, title, facts, action });
  return {
    list: v('list', en ? 'Certificates (1–' : 'Certyfikaty (1–', [en ? /Valid +.*\d{4}-\d\d-\d\d revoked in 11 d/ : /Ważny +.*\d\d\.\d\d\.\d{4} unieważn\. za 11 d/], en ? 'Enter details' : 'Enter otwórz'),
    pending: v('pending', en ? 'Pending revocations' : 'Oczekujące unieważnienia', [new RegExp(`sklep\\S* +(\\S+ +)?${d} 11 d`)], en ? 'Enter details' : 'Enter otwórz'),
    details: v('details', en ? 'Certificate for order ORDER/0000123456/po' : 'Certyfikat dla zamówienia ORDER/0000123456/po', [new RegExp(en ? `CERTIFICATE STATE Valid` : `STAN CERTYFIKATU Ważny`), new RegExp(`${en ? 'Valid to:' : 'Ważny do:'} ${d}`)], en ? /\[Certificate preview\].*Reissue certificate.*Revoke certificate/ : /\[Podgląd certyfikatu\].*Reissue certyfikatu.*Unieważnij certyfikat/),
    pendingDetails: { ...v('pending copy details', en ? 'Certificate for order' : 'Certyfikat dla zamówienia', [new RegExp(`${en ? 'Valid to:' : 'Ważny do:'} ${d}`), new RegExp(en ? `This copy will be revoked on ${d} \\(11 days left\\)` : `${d} \\(pozostało 11 dni\\)`)], en ? /Revoke certificate/ : /Unieważnij certyfikat/), absent: [en ? 'Reissue certificate' : 'Reissue certyfikatu'] },
    help: v('help', en ? 'Help · Certificate details' : 'Pomoc · Szczegóły certyfikatu', [], en ? 'Esc or ? closes this help' : 'Esc lub ? zamyka pomoc'),
    revoke: v('revoke', en ? 'Revoke certificate' : 'Unieważnienie certyfikatu', [en ? 'Revocation takes effect immediately and cannot be undone.' : 'Unieważnienie działa natychmiast i nie można go cofnąć.'], en ? 'Revoke this certificate? (y/n)' : 'Unieważnić ten certyfikat? (t/n)'),
    step1: v('step 1', en ? 'Reissue certificate · assecodata.pl' : 'Reissue certyfikatu · assecodata.pl', [en ? '[1 Choose generation method]' : '[1 Wybierz metodę generowania]'], '❯ CSR'),
    csr: v('CSR', en ? 'Reissue - CSR data · assecodata.pl' : 'Reissue certyfikatu - dane CSR · assecodata.pl', [en ? '[2 Key generation]' : '[2 Generowanie klucza]'], en ? /❯ Paste CSR.*Load CSR from a file/ : /❯ Wklej CSR.*Wczytaj CSR z pliku/),
    keyExists: v('CSR key file exists', en ? 'Reissue - CSR data · assecodata.pl' : 'Reissue certyfikatu - dane CSR · assecodata.pl', [en ? /The private key file \S*assecodata\.pl\.key already exists; nothing was written\./ : /Plik klucza prywatnego \S*assecodata\.pl\.key już istnieje; nic nie zapisano\./, en ? 'a private key file is never replaced.' : 'plik klucza prywatnego nigdy nie jest zastępowany.'], en ? 'Save the new private key to:' : 'Zapisz nowy klucz prywatny w:'),
    cloudStep1: v('cloud step 1', en ? 'Reissue certificate · Asseco Data Systems S.A. (cloud)' : 'Reissue certyfikatu · Asseco Data Systems S.A. (cloud)', [en ? 'Key pair for certificates stored in the cloud will be generated automatically.' : 'Para kluczy dla certyfikatów przechowywanych w chmurze zostanie wygenerowana automatycznie.'], en ? '❯ Key pair stored in the cloud' : '❯ Para kluczy przechowywana w chmurze'),
    cloudConfirm: v('cloud confirmation', en ? 'Reissue certificate · Asseco Data Systems S.A. (cloud)' : 'Reissue certyfikatu · Asseco Data Systems S.A. (cloud)', en ? ['Product: Code Signing in the cloud 365 days', 'RSA 3072', 'The portal generates the key pair in its key store', 'revoked automatically 14 days after the new copy is issued'] : ['Produkt: Code Signing in the cloud 365 days', 'RSA 3072', 'Portal wygeneruje parę kluczy w swoim magazynie kluczy', 'automatycznie unieważniona 14 dni po wydaniu nowej kopii'], en ? 'Reissue the certificate now? (y/n)' : 'Wykonać teraz reissue certyfikatu? (t/n)'),
    cloudResult: v('cloud result', en ? '✓ Reissued: a new copy of Asseco Data Systems S.A. (cloud) was issued' : '✓ Wykonano reissue: wydano nową kopię Asseco Data Systems S.A. (cloud)', [en ? /\(14 days left\)/ : /\(pozostało 14 dni\)/, en ? '= same expiry date' : '= ta sama data ważności'], en ? /Download PEM.*Back to the list/ : /Pobierz PEM.*Powrót do listy/),
    algorithm: v('card algorithm', en ? 'Reissue certificate · Asseco Data Systems S.A.' : 'Reissue certyfikatu · Asseco Data Systems S.A.', [en ? '✓ Generating key pair on card' : '✓ Generowanie pary kluczy na karcie', en ? 'KEY ALGORITHM AND KEY LENGTH' : 'ALGORYTM I DŁUGOŚĆ KLUCZA'], '❯ RSA 3072'),
    reader: v('card reader', en ? 'Reissue certificate · Asseco Data Systems S.A.' : 'Reissue certyfikatu · Asseco Data Systems S.A.', [en ? '✓ Card inserted' : '✓ Karta włożona', en ? '✓ Card can generate RSA 3072' : '✓ Karta może wygenerować RSA 3072'], /❯ .*SoftHSM|❯ .*Slot|❯ /),
    pin: v('card PIN', en ? 'Reissue certificate · Asseco Data Systems S.A.' : 'Reissue certyfikatu · Asseco Data Systems S.A.', [en ? /Card number: +[0-9a-f]{4} [0-9a-f]{4}/ : /Numer karty: +[0-9a-f]{4} [0-9a-f]{4}/, en ? '[from 4 to ' : '[od 4 do ', en ? 'Do not remove the card from the reader during the operation' : 'Nie wyjmuj karty z czytnika w trakcie operacji'], en ? 'Common profile PIN:' : 'PIN profilu standardowego:'),
    cardResult: v('card result', en ? '✓ Reissued: a new copy of Asseco Data Systems S.A. was issued' : '✓ Wykonano reissue: wydano nową kopię Asseco Data Systems S.A.', [en ? /\(14 days left\)/ : /\(pozostało 14 dni\)/, en ? '= same expiry date' : '= ta sama data ważności'], en ? /Download PEM.*Install on card.*Back to the list/ : /Pobierz PEM.*Zainstaluj na karcie.*Powrót do listy/),
  };
}

/** The screen's text with lines joined (wrapping allowed), box rules and padding dropped. */
const joined = (screen: string) =>
  screen
    .split('\n')
    .map((l) => l.replace(/^[│ ]+/, '').replace(/[│ ]+$/, ''))
    .filter(Boolean)
    .join(' ');
const has = (text: string, what: string | RegExp) => (typeof what === 'string' ? text.includes(what) : what.test(text));

/**
 * English words that a Polish screen must not show. Data from the portal (product names, the
 * subscriber's verification method, the portal's name) is taken out first: it is not translated.
 */
const PORTAL_DATA = [/Code Signing (on a card|in the cloud) 365 days/g, /Trusted (MultiDomain )?SSL( 4 domains)? 365 days/g, /Automatic identity verification/g, /SANDBOX portal \(local\)/g, /Asseco Data Systems S\.A\.( \(cloud\))?/g, /SoftHSM\S*( slot \S+)?/gi, /Code Signing/g, /SSL \(TLS\)/g];
// Words Polish does not share ("to" and "on" are Polish words too, so they are not listed).
const ENGLISH = /\b(the|and|was|were|is|are|of|with|cannot|already|exists|nothing|written|bits|or|card|try|tries|left|days|copy|key|will|be|in|for|not|from|this|that|press|back|quit|help|choose|valid|revoked)\b/i;
export function englishLeftovers(screen: string): string[] {
  return screen
    .split('\n')
    .map((line) => PORTAL_DATA.reduce((l, re) => l.replace(re, ''), line))
    .filter((line) => ENGLISH.test(line.replace(/[A-Za-z0-9._-]+\.(pl|pem|key|csr)\b/g, '')));
}

/** The pane at `columns`×`rows`, once the wizard has redrawn for it (three equal captures in a row). */
async function resized(pane: Pane, columns: number, rows: number): Promise<string> {
  tmux('resize-window', '-t', pane.name, '-x', String(columns), '-y', String(rows));
  const seen: string[] = [];
  await sleep(200);
  for (let i = 0; i < 60; i++) {
    await sleep(150);
    const now = tmux('capture-pane', '-p', '-t', pane.name).replace(/\s+$/, '');
    if (now === '' || !now.split('\n').every((l) => [...l].length <= columns)) continue;
    seen.push(now);
    if (seen.length >= 3 && seen.slice(-3).every((x) => x === now)) return now;
  }
  return seen[seen.length - 1] ?? '';
}

interface Seen {
  view: string;
  size: string;
  screen: string;
}

/** The view at every size: whole, or (only where it cannot fit) the notice alone. Back to 80×24 after. */
async function check(pane: Pane, lang: Lang, view: View, seen: Seen[]): Promise<void> {
  for (const [columns, rows] of SIZES) {
    const screen = await resized(pane, columns, rows);
    const where = `${lang} ${view.name} at ${columns}×${rows}:\n${screen}`;
    seen.push({ view: view.name, size: `${columns}×${rows}`, screen });
    const lines = screen.split('\n');
    expect(lines.length, where).toBeLessThanOrEqual(rows);
    for (const l of lines) expect([...l].length, where).toBeLessThanOrEqual(columns);
    const text = joined(screen);
    const notice = TOO_SMALL[lang].exec(text);
    if (notice) {
      // Only a window smaller than 60×20 may be too small for a view, and the size asked for is larger.
      expect(columns, where).toBeLessThan(60);
      const [w, h] = [Number(notice[1]), Number(notice[2])];
      expect(w > columns || h > rows, where).toBe(true);
      continue;
    }
    expect(has(text, view.title), `${where}\ntitle ${String(view.title)}`).toBe(true);
    for (const fact of view.facts) expect(has(text, fact), `${where}\nfact ${String(fact)}`).toBe(true);
    expect(has(text, view.action), `${where}\naction ${String(view.action)}`).toBe(true);
    for (const word of view.absent ?? []) expect(text, where).not.toContain(word);
    // No row drawn twice, no line cut at its end (the header's badge included).
    const rowsShown = lines.map((l) => l.trimEnd()).filter((l) => !/^[\s│─╭╮╰╯┌┐└┘]*$/.test(l));
    expect(new Set(rowsShown).size, `${where}\na row drawn twice`).toBe(rowsShown.length);
    expect(lines[1] ?? '', where).not.toMatch(/…$/);
    if (lang === 'pl') expect(englishLeftovers(screen), where).toEqual([]);
  }
}

async function walk(lang: Lang): Promise<Seen[]> {
  const hsm = await createSoftHsm();
  await hsm.initToken('Certum common', PIN);
  // A short folder name (the pane's): the key file's path is shown, wrapped at 60 columns, whole.
  const { pane, work, done } = await suite.wizard(lang, { env: { REISSUE_LANG: lang, SOFTHSM2_CONF: hsm.conf, REISSUE_PKCS11_MODULE: SOFTHSM_MODULE } });
  // The wizard's default key file name for assecodata.pl, already there: the CSR step must refuse it.
  writeFileSync(join(work, 'assecodata.pl.key'), 'not to be replaced\n');
  const v = views(lang);
  const seen: Seen[] = [];
  const en = lang === 'en';
  /** Keys, then what shows the view is there, then the view at every size. */
  const show = async (keys: string[], until: string | RegExp, view: View, timeoutMs?: number) => {
    await pane.keys(...keys);
    await pane.waitFor(until, timeoutMs);
    await check(pane, lang, view, seen);
  };
  try {
    await pane.waitFor(v.list.title as string);
    await check(pane, lang, v.list, seen);
    await show(['p'], / 11 d/, v.pending);
    await show(['Enter'], en ? 'Replaced by:' : 'Zastąpiony przez:', v.pendingDetails);
    await pane.keys('Escape');
    await pane.waitFor(v.list.title as string);
    await show(['Enter'], v.details.title as string, v.details);
    await show(['?'], v.help.title as string, v.help);
    await pane.keys('Escape');
    await show(['Right', 'Right', 'Right', 'Right', 'Enter'], v.revoke.action as string, v.revoke);
    // At 20×6 the question is not on screen: "y" there revokes nothing.
    const tiny = await resized(pane, 20, 6);
    expect(joined(tiny)).toMatch(TOO_SMALL[lang]);
    expect(tiny).not.toContain(en ? 'Revoke this' : 'Unieważnić ten');
    await pane.keys(en ? 'y' : 't');
    await sleep(500);
    expect(await resized(pane, 80, 24)).toContain(v.revoke.action as string);
    await pane.keys('n');
    await pane.waitFor(v.details.title as string);
    await show(['Left', 'Enter'], v.step1.action as string, v.step1);
    await show(['Enter'], en ? 'Load CSR from a file' : 'Wczytaj CSR z pliku', v.csr);
    // A key file that already exists: said under the path, in the user's language.
    await pane.keys('Down', 'Down', 'Enter');
    await pane.waitFor(en ? 'Key algorithm and key length:' : 'Algorytm i długość klucza:');
    await pane.keys('Enter');
    await pane.waitFor(v.keyExists.action as string);
    await show(['Enter'], en ? 'already exists' : 'już istnieje', v.keyExists);
    await pane.keys('Escape', 'Escape', 'Escape', 'Escape', 'Escape');
    await pane.waitFor(v.list.title as string);

    /** Filter the list, open the only row and choose "Reissue certificate" (the fourth action). */
    const reissueOf = async (filter: string) => {
      await pane.keys('/');
      await pane.type(filter);
      await pane.keys('Enter', 'Enter');
      await pane.waitFor(en ? 'Certificate for order' : 'Certyfikat dla zamówienia');
      await pane.keys('Right', 'Right', 'Right', 'Enter');
    };
    // The cloud reissue: what will happen, the question, then the result.
    await reissueOf('(cloud)');
    await pane.waitFor(v.cloudStep1.action as string);
    await check(pane, lang, v.cloudStep1, seen);
    await pane.keys('Enter');
    await pane.waitFor('❯ RSA 3072');
    await show(['Enter'], v.cloudConfirm.action as string, v.cloudConfirm);
    await show([en ? 'y' : 't'], v.cloudResult.title as string, v.cloudResult, 30_000);
    await pane.keys('Escape');
    await pane.waitFor('(cloud)');
    await pane.keys('Escape');
    await pane.waitFor(v.list.title as string);

    // The card: algorithm, reader, PIN, result.
    await reissueOf('Code Signing on a card');
    await pane.waitFor(en ? 'Generating key pair on card' : 'Generowanie pary kluczy na karcie');
    await show(['Enter'], '❯ RSA 3072', v.algorithm);
    await show(['Enter'], en ? 'Enter uses this card.' : 'Enter wybiera tę kartę.', v.reader);
    await show(['Enter'], v.pin.action as string, v.pin);
    await pane.type(PIN);
    await pane.waitFor(`${v.pin.action as string} ******`);
    await show(['Enter'], v.cardResult.title as string, v.cardResult, 60_000);
    await pane.keys('q');
    await pane.waitFor('EXIT=0');
    return seen;
  } finally {
    await done();
    await hsm.cleanup();
  }
}

describe('every view at 40×12, 60×20 and 80×24', () => {
  for (const lang of ['en', 'pl'] as const) {
    test(`${lang}: whole, or asking for a larger window; never drawn over itself`, async () => {
      const seen = await walk(lang);
      if (process.env.REISSUE_CAPTURES) writeFileSync(join(process.env.REISSUE_CAPTURES, `layout-${lang}.txt`), seen.map((x) => `=== ${x.view} ${x.size}\n${x.screen}\n`).join(''));
      // Every view was seen at every size, and every view is whole at 60×20 and 80×24.
      expect(seen.length).toBe(Object.keys(views(lang)).length * SIZES.length);
      const notices = seen.filter((s) => TOO_SMALL[lang].test(joined(s.screen)));
      expect(notices.every((s) => s.size === '40×12')).toBe(true);
    }, 240_000);
  }
});
