// The import graph of src/, read with TypeScript's own pre-processor (type-only and dynamic
// imports count: a circle of types is still a circle to read). Shared by the layers' import tests.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Each file's imports: relative ones as absolute .ts paths, packages by name. */
export function importsOf(file: string): { files: string[]; packages: string[] } {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of importedFiles) {
    if (fileName.startsWith('.')) files.push(resolve(dirname(file), fileName).replace(/\.js$/, '.ts').replace(/\.jsx$/, '.tsx'));
    else packages.push(fileName);
  }
  return { files, packages };
}

export const rel = (f: string) => relative(SRC, f);

/** The first import circle among `files` (as a path that ends where it starts), or null. */
export function findCycle(files: string[]): string[] | null {
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
