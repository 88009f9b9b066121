// The card layer's imports go one way (DESIGN.md, Card → Ownership): card.ts is a leaf, the pure
// helpers never reach pkcs11js, and only src/card/pkcs11/ (the worker's code) loads the addon.
// Imports are read by test/helpers/import-graph.ts.
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { findCycle, importsOf, rel, sourceFiles, SRC } from '../helpers/import-graph.js';

const CARD = join(SRC, 'card');
const PKCS11_DIR = join(CARD, 'pkcs11');

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
