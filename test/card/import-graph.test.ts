// The card layer's imports go one way (DESIGN.md, Card → Ownership): card.ts is a leaf, the pure
// helpers never reach pkcs11js, and only src/card/pkcs11/ (the worker's code) loads the addon.
// Imports are read with TypeScript's own pre-processor (type-only imports count: a circle of
// types is still a circle to read).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');
const CARD = join(SRC, 'card');
const PKCS11_DIR = join(CARD, 'pkcs11');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Each file's imports: relative ones as absolute .ts paths, packages by name. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) files.push(resolve(dirname(file), fileName).replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx'));
    else packages.push(fileName);
  }
  return { files, packages };
}

const rel = (f: string) => relative(SRC, f);

/** The first import circle among `files` (as a path that ends where it starts), or null. */
function findCycle(files: string[]): string[] | null {
  const inSet = new Set(files);
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const next of importsOf(f).files.filter((n) => inSet.has(n))) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

test('src/card has no import circle', () => {
  const cycle = findCycle(sourceFiles(CARD));
  expect(cycle?.map(rel).join(' → ') ?? null).toBeNull();
});

test('card.ts (the contract) is a leaf: it imports nothing else of src/card', () => {
  const card = join(CARD, 'card.ts');
  expect(importsOf(card).files.filter((f) => f.startsWith(CARD + '/')).map(rel)).toEqual([]);
});

test('only src/card/pkcs11/ imports pkcs11js or src/card/pkcs11/: everything else stays loadable on the main thread', () => {
  const offenders = sourceFiles(SRC)
    .filter((f) => !f.startsWith(PKCS11_DIR + '/'))
    .flatMap((f) => {
      const { files, packages } = importsOf(f);
      return [...packages.filter((p) => p === 'pkcs11js'), ...files.filter((i) => i.startsWith(PKCS11_DIR + '/')).map(rel)].map((what) => `${rel(f)} imports ${what}`);
    });
  expect(offenders).toEqual([]);
});

test('the check sees a circle when there is one (a two-file circle in a temporary folder)', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'reissue-import-graph-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B;\n");
    writeFileSync(join(dir, 'b.ts'), "import { x } from './c.js';\nimport type { A } from './a.js';\nexport type B = A | typeof x;\n");
    writeFileSync(join(dir, 'c.ts'), 'export const x = 1;\n');
    expect(findCycle(sourceFiles(dir))?.map((f) => relative(dir, f))).toEqual(['a.ts', 'b.ts', 'a.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
