// Every problem the CSR check reports has its catalog message, so text output is in the user's
// language even where the DER reader's own (English, technical) words are part of it: those travel
// as a marked technical detail. Two guards: the source scan (a new problem without a catalog key
// fails here) and a corpus of damaged, truncated and refused CSRs whose every problem is rendered
// in both languages (English equal to the JSON message, Polish in Polish).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsrProblem } from '../../src/domain/types.js';
import { csrProblemText } from '../../src/domain/translate.js';
import { translator } from '../../src/i18n/i18n.js';
import { checkCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { ROOT } from '../helpers/cli.js';
import { ecKey, hostileCsr, NULL, rsaKey } from '../helpers/hostile-csr.js';
import { Workdir, headerOffsets, makeCsr, makeKey, rng } from '../pki/helpers.js';

/** problem(code, message) and fail(code, message) calls that pass no catalog text. */
function problemsWithoutText(source: string, file: string): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && ['problem', 'fail'].includes(node.expression.text) && node.arguments.length === 2) {
      found.push(`${file}:${tree.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

const ORDER: CsrCheckContext = { domains: ['assecodata.pl', 'www.assecodata.pl'], algorithms: ['rsa-2048', 'rsa-3072', 'ec-p256', 'ec-p384'] };
const en = translator('en');
const pl = translator('pl');

let w: Workdir;
let seeds: Buffer[];
let keys: Record<'rsa' | 'k1', string>;
beforeAll(() => {
  w = new Workdir();
  keys = { rsa: makeKey(w, 'rsa:2048'), k1: makeKey(w, 'secp256k1') };
  seeds = [makeCsr(keys.rsa, { der: true }), makeCsr(makeKey(w, 'P-256'), { der: true })];
});
afterAll(() => w.cleanup());

/** Each problem said in both languages: English as the JSON message, Polish different and complete. */
function expectBothLanguages(p: CsrProblem): void {
  expect(p.text, `${p.code}: ${p.message}`).toBeDefined();
  expect(csrProblemText(p, en)).toBe(p.message);
  const polish = csrProblemText(p, pl);
  expect(polish).not.toBe(p.message);
  expect(polish, polish).not.toMatch(/\{\{|\$t\(|csrProblem\./);
  // The main sentence is Polish: English words appear only inside the marked technical detail.
  expect(polish.replace(/\[szczegóły techniczne[^\]]*\]/g, ''), polish).not.toMatch(/\b(the|is|CSR's|Generate|Copy|damaged|truncated)\b/);
}

describe('CSR problems in the catalogs', () => {
  it('the scan finds a problem without catalog text (so the check below can fail)', () => {
    const fixture = "problems.push(problem('malformed', 'Bad.'));\nreturn fail('x', 'y', { key: 'k' });";
    expect(problemsWithoutText(fixture, 'fixture.ts')).toEqual(['fixture.ts:1']);
  });

  it('every problem the CSR check makes in src/pki names its catalog message', () => {
    const dir = join(ROOT, 'src/pki');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    const found = files.flatMap((f) => problemsWithoutText(readFileSync(join(dir, f), 'utf8'), relative(ROOT, join(dir, f))));
    expect(found).toEqual([]);
  });

  it('the DER reader\'s messages (damaged, truncated, not a CSR) are said in Polish with the detail marked', async () => {
    const der = seeds[0]!;
    const cases: { input: Buffer; code: string; polish: RegExp }[] = [
      { input: der.subarray(0, 200), code: 'truncated', polish: /^CSR jest niekompletny: dane urywają się przed końcem\. Skopiuj ponownie cały plik\. \[szczegóły techniczne z parsera DER, po angielsku: .+\]$/ },
      {
        input: Buffer.from(`-----BEGIN CERTIFICATE REQUEST-----\n${der.subarray(0, 200).toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`),
        code: 'truncated',
        polish: /^CSR jest niekompletny: .* Skopiuj ponownie cały blok\. \[szczegóły techniczne/,
      },
      { input: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]), code: 'not-a-csr', polish: /^Te dane DER nie są żądaniem podpisania certyfikatu \(CSR\)\. \[szczegóły techniczne/ },
      { input: hostileCsr(rsaKey(), { version: Buffer.from([0x01]) }), code: 'malformed', polish: /^CSR jest uszkodzony w części: wersja\. Wygeneruj CSR ponownie\. \[szczegóły techniczne z parsera DER, po angielsku: the request version is not 1\]$/ },
    ];
    for (const c of cases) {
      const r = await checkCsr(c.input, ORDER);
      expect(r.problems.map((p) => p.code)).toEqual([c.code]);
      expectBothLanguages(r.problems[0]!);
      expect(csrProblemText(r.problems[0]!, pl)).toMatch(c.polish);
    }
  });

  it('the other refusals that had English words only: unsupported curve, product rules, non-standard parameters, a cut-off block', async () => {
    const named: Record<string, CsrProblem[]> = {
      curve: (await checkCsr(makeCsr(keys.k1, { der: true }), ORDER)).problems,
      product: (await checkCsr(seeds[1]!, { ...ORDER, algorithms: ['rsa-3072', 'rsa-4096'], productName: 'Code Signing' })).problems,
      anyProduct: (await checkCsr(seeds[1]!, { ...ORDER, algorithms: ['rsa-3072'] })).problems,
      keyParams: (await checkCsr(hostileCsr(rsaKey(), { keyParams: Buffer.alloc(0) }), ORDER)).problems,
      sigParams: (await checkCsr(hostileCsr(ecKey(), { sigParams: NULL }), ORDER)).problems,
      block: (await checkCsr(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n'), ORDER)).problems,
    };
    for (const [name, problems] of Object.entries(named)) {
      expect(problems.length, name).toBe(1);
      expectBothLanguages(problems[0]!);
    }
    expect(csrProblemText(named.product![0]!, pl)).toBe('Produkt "Code Signing" dopuszcza klucze: RSA od 3072 do 4096 bitów; CSR ma klucz EC P-256. Wygeneruj parę kluczy dozwolonego typu.');
    expect(csrProblemText(named.curve![0]!, pl)).toContain('krzywej secp256k1');
  });

  it('2,000 damaged and truncated CSRs: every problem said in both languages', async () => {
    const r = rng(20261207);
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = seeds[i % seeds.length]!;
      const b = Buffer.from(s);
      if (i % 3 === 0) b[headerOffsets(b)[Math.floor(r() * headerOffsets(b).length)]! + 1] = Math.floor(r() * 256);
      else if (i % 3 === 1) b[Math.floor(r() * b.length)]! ^= 1 << Math.floor(r() * 8);
      const input = i % 3 === 2 ? s.subarray(0, Math.floor(r() * s.length)) : b;
      for (const p of (await checkCsr(input, ORDER)).problems) {
        codes.add(p.code);
        expectBothLanguages(p);
      }
    }
    // The corpus reaches the reader's own messages, not only the checks after it.
    expect([...codes]).toEqual(expect.arrayContaining(['truncated', 'malformed', 'not-a-csr']));
  });
});
