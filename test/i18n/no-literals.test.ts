// Every user-facing string of the wizard (src/tui, src/wizard), of the CLI (src/cli) and of the
// flows they share (src/flows) comes from the message catalogs, and every message key the code
// names is in them. The pure layers keep their English words and raise errors with a code: the
// card layer's and the product rules' codes each have their text in the catalogs.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGS } from '../../src/i18n/i18n.js';
import { ROOT } from '../helpers/cli.js';
import { catalogKeysUsed, errorCodesRaised, literalsIn, userFacingLiterals } from './literals.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const files = ['src/tui', 'src/wizard', 'src/cli', 'src/flows'].flatMap((dir) => sources(join(ROOT, dir)));

/** Codes whose English words still come with their values only in the message (none left). */
const ENGLISH_ONLY_CODES: string[] = [];

function has(catalog: Record<string, unknown>, key: string): boolean {
  let node: unknown = catalog;
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (typeof node === 'string') return true;
  // A plural message exists as key_one, key_other, …
  const dot = key.lastIndexOf('.');
  let parent: unknown = catalog;
  for (const part of key.slice(0, Math.max(0, dot)).split('.').filter(Boolean)) parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[part] : undefined;
  return Boolean(parent && typeof parent === 'object' && `${key.slice(dot + 1)}_other` in (parent as object));
}

describe('user-facing strings', () => {
  it('finds words for people, not names, keys or codes (so the check below can fail)', () => {
    const { found } = literalsIn(
      [
        "import { x } from 'node:fs';",
        "const a = t('list.title');",
        "throw usageError('bad-port', 'The port is wrong.');",
        "const b = <Text color=\"red\">Certificate revoked</Text>;",
        "const c = { kind: 'pending-revocation', label: 'Valid' };",
        "if (s === 'Some words here') {}",
        "program.command('list').option('--json', 'one JSON document');",
      ].join('\n'),
      'fixture.tsx',
    );
    expect(found.map((f) => f.text)).toEqual(['The port is wrong.', 'Certificate revoked', 'Valid', 'one JSON document']);
  });

  it('in src/tui, src/wizard, src/cli and src/flows all come from the catalogs', () => {
    expect(files.length).toBeGreaterThan(60);
    const outside = files.flatMap(userFacingLiterals).map((l) => `${relative(ROOT, l.file)}:${l.line} ${JSON.stringify(l.text)}`);
    expect(outside).toEqual([]);
  });

  it('every message key the code names is in the catalogs', () => {
    const all = [...sources(join(ROOT, 'src'))].flatMap(catalogKeysUsed);
    expect(all.length).toBeGreaterThan(100);
    const missing = all.filter((k) => !has(CATALOGS.en, k.text) || !has(CATALOGS.pl, k.text)).map((k) => `${relative(ROOT, k.file)}:${k.line} ${k.text}`);
    expect(missing).toEqual([]);
  });

  it('every error the card layer, card install\'s plan, the product rules and the admin commands raise has its text in both catalogs', () => {
    const raised = ['src/card/messages.ts', 'src/card/pkcs11/errors.ts', 'src/card/install-plan.ts', 'src/domain/policy.ts', 'src/server/service.ts'].flatMap((f) => errorCodesRaised(join(ROOT, f)));
    expect(raised.length).toBeGreaterThan(35);
    const missing = raised
      .filter((c) => !ENGLISH_ONLY_CODES.includes(c.text))
      // The CLI refuses --partner for a partner itself, in its own words, before the service is asked.
      .filter((c) => !(c.file.endsWith('service.ts') && c.text === 'bad-option'))
      .filter((c) => !has(CATALOGS.en, `errors.${c.text}.message`) || !has(CATALOGS.pl, `errors.${c.text}.message`))
      .map((c) => `${relative(ROOT, c.file)}:${c.line} ${c.text}`);
    expect(missing).toEqual([]);
  });
});
