// Shell completion from the command tree itself: the commander program that parses the command
// line and writes the help is walked into plain data (treeOf), and a line being typed is
// completed against that data (complete, pure). Nothing here is written twice for the shells.
import type { Command, Option } from 'commander';
import { valuesOf } from '../option-values.js';

/** What a value is, judged by its placeholder: <FILE> and <PATH> a file, <DIR> a folder, <ID> a certificate id. */
export type ValueKind = 'file' | 'dir' | 'id' | 'other';

export interface OptionNode {
  /** "--lang", "-h": every spelling. */
  names: string[];
  /** The option's key in commander's results ("dataDir"). */
  key: string;
  description: string;
  takesValue: boolean;
  kind: ValueKind;
  /** The words it takes, when it takes one of a list. */
  values: readonly string[] | null;
}

export interface CommandNode {
  name: string;
  description: string;
  options: OptionNode[];
  commands: CommandNode[];
  /** The positional arguments, in order; the last one may repeat. */
  args: { kind: ValueKind; variadic: boolean; values: readonly string[] | null }[];
}

const KINDS: Record<string, ValueKind> = { FILE: 'file', PATH: 'file', DIR: 'dir', ID: 'id' };

function kindOf(placeholder: string | undefined): ValueKind {
  return (placeholder && KINDS[placeholder.replace(/\.\.\.$/, '')]) || 'other';
}

function optionNode(o: Option): OptionNode {
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1];
  return {
    names: [o.long, o.short].filter((n): n is string => Boolean(n)),
    key: o.attributeName(),
    description: o.description,
    takesValue: o.required || o.optional,
    kind: kindOf(placeholder),
    values: valuesOf(o) ?? null,
  };
}

/** The program as completion sees it: the commands, options and arguments help shows. */
export function treeOf(command: Command): CommandNode {
  const help = command.createHelp();
  return {
    name: command.name(),
    description: command.description(),
    options: help.visibleOptions(command).map(optionNode),
    // The implicit `help` command adds nothing a user would Tab for.
    commands: help.visibleCommands(command).filter((c) => c.name() !== 'help').map(treeOf),
    args: command.registeredArguments.map((a) => ({ kind: kindOf(a.name()), variadic: a.variadic, values: valuesOf(a) ?? null })),
  };
}

export interface Candidate {
  value: string;
  description: string;
}

export type Completion =
  | { type: 'words'; candidates: Candidate[] }
  /** The shell completes a file (or folder) name itself. */
  | { type: 'file' }
  | { type: 'dir' }
  | { type: 'id' };

export interface Completed {
  completion: Completion;
  /** The options already typed for the program itself (--portal, --data-dir…), by key. */
  globals: Record<string, string | true>;
}

const NOTHING: Completion = { type: 'words', candidates: [] };

/**
 * Completes the last of `words` (what follows `reissue` on the line; the last is the word being
 * typed, possibly ""). Options of a command's parents count too, as commander reads them there.
 */
export function complete(root: CommandNode, words: readonly string[]): Completed {
  const globals: Completed['globals'] = {};
  const path: CommandNode[] = [root];
  const current = words[words.length - 1] ?? '';
  let positional = 0;
  let onlyArgs = false;
  const findOption = (name: string): { option: OptionNode; owner: CommandNode } | null => {
    for (const owner of [...path].reverse()) {
      const option = owner.options.find((o) => o.names.includes(name));
      if (option) return { option, owner };
    }
    return null;
  };

  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    const here = path[path.length - 1]!;
    if (onlyArgs || !word.startsWith('-') || word === '-') {
      const sub = onlyArgs ? undefined : here.commands.find((c) => c.name === word);
      if (sub && positional === 0) path.push(sub);
      else positional++;
      continue;
    }
    if (word === '--') {
      onlyArgs = true;
      continue;
    }
    const [name, inline] = splitInline(word);
    const found = findOption(name);
    if (!found) continue;
    let value: string | true = true;
    if (found.option.takesValue && inline === undefined) {
      // bash splits "--lang=pl" at the "=" (COMP_WORDBREAKS): the value is the word after it.
      if (words[i + 1] === '=' && i + 1 < words.length - 1) i++;
      // The option's value is the next word; the word being typed, when there is no next one.
      if (i + 1 === words.length - 1) return { completion: valueCompletion(found.option, current), globals };
      value = words[++i]!;
    } else if (inline !== undefined) value = inline;
    if (found.owner === root) globals[found.option.key] = value;
  }

  const here = path[path.length - 1]!;
  if (!onlyArgs && current.startsWith('-')) {
    const [name, inline] = splitInline(current);
    const found = inline === undefined ? null : findOption(name);
    if (found?.option.takesValue) return { completion: valueCompletion(found.option, inline!, `${name}=`), globals };
    const options = [...path].reverse().flatMap((c) => c.options).flatMap((o) => o.names.filter((n) => n.startsWith('--') || current === '-').map((n) => ({ value: n, description: o.description })));
    return { completion: matching(unique(options), current), globals };
  }
  if (here.commands.length && positional === 0) {
    return { completion: matching(here.commands.map((c) => ({ value: c.name, description: c.description })), current), globals };
  }
  const arg = here.args[positional] ?? (here.args.at(-1)?.variadic ? here.args.at(-1) : undefined);
  if (!arg) return { completion: NOTHING, globals };
  return { completion: arg.values ? matching(arg.values.map((v) => ({ value: v, description: '' })), current) : kindCompletion(arg.kind), globals };
}

function splitInline(word: string): [string, string | undefined] {
  const at = word.indexOf('=');
  return at < 0 ? [word, undefined] : [word.slice(0, at), word.slice(at + 1)];
}

function valueCompletion(option: OptionNode, typed: string, prefix = ''): Completion {
  if (option.values) return matching(option.values.map((v) => ({ value: `${prefix}${v}`, description: '' })), `${prefix}${typed}`);
  return prefix ? NOTHING : kindCompletion(option.kind);
}

function kindCompletion(kind: ValueKind): Completion {
  return kind === 'other' ? NOTHING : { type: kind };
}

function matching(candidates: Candidate[], typed: string): Completion {
  return { type: 'words', candidates: candidates.filter((c) => c.value.startsWith(typed)) };
}

function unique(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.value) && seen.add(c.value));
}
