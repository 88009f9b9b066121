// The launcher paints the wizard's skeleton before it imports anything heavy: what dist/cli.js
// loads statically (before its first await) must be tiny and free of commander, Ink, React and
// the portal. Reads the built bundle (the global setup builds it).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

/** Every file dist/cli.js pulls in through static `import … from` (dynamic import() excluded). */
function staticClosure(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']|^\s*import\s*["'](\.[^"']+)["']/gm)) {
      visit(resolve(dirname(file), (m[1] ?? m[2])!));
    }
  };
  visit(entry);
  return seen;
}

test('dist/cli.js statically loads only the skeleton painter (a few KB, no commander/ink/react)', () => {
  const files = staticClosure(join(dist, 'cli.js'));
  const all = [...files.values()].join('\n');
  expect(all).toContain('connecting to the portal');
  // Both languages' first-frame messages and the list frame the launcher repaints with rows (issue 14).
  expect(all.length).toBeLessThan(22_000);
  for (const heavy of ['commander', 'react-reconciler', 'yoga', 'better-sqlite3', 'useInput']) expect(all).not.toContain(heavy);
  // The painter runs before the command tree is even imported.
  const cli = files.get(join(dist, 'cli.js'))!;
  expect(cli.indexOf('paintSkeleton(')).toBeGreaterThan(-1);
  expect(cli.indexOf('import("./chunks/')).toBeGreaterThan(-1);
  expect(cli.indexOf('paintSkeleton(')).toBeLessThan(cli.indexOf('import("./chunks/'));
});

test('nodemailer is loaded only by a dynamic import(), when a message is delivered: no start-up path pays for it', () => {
  const chunks = join(dist, 'chunks');
  const files = readdirSync(chunks).filter((f) => f.endsWith('.js'));
  const mailer = files.filter((f) => readFileSync(join(chunks, f), 'utf8').includes('SMTPConnection'));
  expect(mailer).toHaveLength(1);
  const name = mailer[0]!;
  for (const f of [...files.map((x) => join(chunks, x)), join(dist, 'cli.js')]) {
    const text = readFileSync(f, 'utf8');
    expect(text, f).not.toMatch(new RegExp(`from\\s*["']\\./(chunks/)?${name.replace(/[.-]/g, '\\$&')}["']`));
  }
  expect(files.some((f) => readFileSync(join(chunks, f), 'utf8').includes(`import("./${name}")`))).toBe(true);
});
