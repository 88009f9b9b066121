// The completion rules on a small commander program: what the word being typed is (a command, an
// option, an option's value, an argument) is read from the tree commander itself holds.
import { Argument, Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { complete, treeOf } from '../../src/cli/completion/tree.js';
import { oneOf } from '../../src/cli/option-values.js';

function program(): Command {
  const p = new Command('tool')
    .option('--portal <URL>', 'portal')
    .option('--data-dir <DIR>', 'data')
    .addOption(oneOf(new Option('--lang <L>', 'language'), ['en', 'pl']))
    .option('--json', 'json');
  p.command('show').description('one').argument('<ID>').option('--raw', 'raw');
  p.command('hidden-one', { hidden: true });
  const card = p.command('card').description('cards');
  card.command('keygen').description('make').option('--token <LABEL>', 'card label').option('--for <ID>', 'for').option('--csr-out <FILE>', 'out');
  card.command('install').description('put').argument('[ID]');
  p.command('files').argument('<FILE...>');
  p.command('completion').addArgument(oneOf(new Argument('<SHELL>'), ['bash', 'zsh', 'fish']));
  return p;
}

const at = (...words: string[]) => complete(treeOf(program()), words);
const values = (...words: string[]) => {
  const c = at(...words).completion;
  return c.type === 'words' ? c.candidates.map((x) => x.value) : c.type;
};

describe('completion from the command tree', () => {
  it('offers the visible commands with their descriptions, then a group’s subcommands', () => {
    expect(at('').completion).toEqual({
      type: 'words',
      candidates: [
        { value: 'show', description: 'one' },
        { value: 'card', description: 'cards' },
        { value: 'files', description: '' },
        { value: 'completion', description: '' },
      ],
    });
    expect(values('card', '')).toEqual(['keygen', 'install']);
    expect(values('card', 'k')).toEqual(['keygen']);
    // Options before a command do not hide it.
    expect(values('--portal', 'http://x', '--json', 'ca')).toEqual(['card']);
  });

  it('offers the command’s own options first, then its parents’', () => {
    expect(values('card', 'keygen', '--')).toEqual(['--token', '--for', '--csr-out', '--help', '--portal', '--data-dir', '--lang', '--json']);
    expect(values('show', 'x', '-')).toContain('-h');
  });

  it('reads what an option takes from its placeholder or its list of words', () => {
    expect(values('--lang', '')).toEqual(['en', 'pl']);
    expect(values('--lang=p')).toEqual(['--lang=pl']);
    // bash hands "--lang=p" over as three words.
    expect(values('--lang', '=', 'p')).toEqual(['pl']);
    expect(at('--portal', '=', 'http://p', 'show', '').globals).toEqual({ portal: 'http://p' });
    expect(values('--data-dir', '')).toBe('dir');
    expect(values('card', 'keygen', '--csr-out', '')).toBe('file');
    expect(values('card', 'keygen', '--for', '')).toBe('id');
    expect(values('card', 'keygen', '--token', '')).toEqual([]);
    expect(values('completion', 'z')).toEqual(['zsh']);
  });

  it('counts arguments: an id, then nothing; a repeated file stays a file', () => {
    expect(values('show', '')).toBe('id');
    expect(values('show', 'crt-1', '')).toEqual([]);
    expect(values('card', 'install', '')).toBe('id');
    expect(values('files', 'a', 'b', '')).toBe('file');
    // An option's value is not an argument.
    expect(values('card', 'keygen', '--token', 'label', '')).toEqual([]);
    expect(values('--portal', 'http://x', 'show', '')).toBe('id');
    // After --, every word is an argument, a dash first or not.
    expect(values('show', '--', '--ra')).toBe('id');
    expect(values('show', '--', 'crt-1', '--ra')).toEqual([]);
  });

  it('keeps the program’s own options for the id lookup; an option of the same name below belongs there', () => {
    expect(at('--portal', 'http://p', '--data-dir=/d', '--json', 'show', '').globals).toEqual({ portal: 'http://p', dataDir: '/d', json: true });
    const t = new Command('t').option('--token <T>', 'api token');
    t.command('card').option('--token <LABEL>', 'card').argument('[ID]');
    expect(complete(treeOf(t), ['--token', 'api', 'card', '--token', 'label', '']).globals).toEqual({ token: 'api' });
  });
});
