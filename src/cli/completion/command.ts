// `reissue completion bash|zsh|fish` prints the script for that shell; the script asks
// `reissue __complete -- WORDS…` (runComplete) for the candidates of the word being typed.
import { Argument, type Command } from 'commander';
import { t } from '../../i18n/i18n.js';
import type { Io } from '../context.js';
import { oneOf, SHELLS } from '../option-values.js';
import { parseChoice, type Registrar } from '../program.js';
import type { Candidate } from './tree.js';
import type { GlobalFlags } from '../env.js';

/** The hidden entry the scripts call; not a command of the tree (its words are never parsed as options). */
export const COMPLETE_ENTRY = '__complete';

export function registerCompletionCommands(program: Command, r: Registrar): void {
  program
    .command('completion')
    .description(t('cli.completion.description'))
    .addArgument(oneOf(new Argument('<SHELL>', t('cli.completion.shell')), SHELLS))
    .action(
      r.action(async (ctx, shell: string) => {
        const scripts = await import('./scripts.js');
        ctx.io.stdout.write(scripts.SCRIPTS[parseChoice('SHELL', shell, SHELLS)]);
      }),
    );
}

/**
 * Prints one candidate a line ("word<TAB>description"), or ":file" / ":dir" for the shell to
 * complete a path itself. `words` follow `reissue` on the line, the last being typed. Prints
 * nothing, and exits 0, on any failure.
 */
export async function runComplete(program: Command, words: string[], io: Io): Promise<number> {
  try {
    // Only a Tab needs the completion engine and the portal registry: every other command skips them.
    const [{ complete, treeOf }, { certificateIds }] = await Promise.all([import('./tree.js'), import('./ids.js')]);
    const typed = words.length ? words : [''];
    const { completion, globals } = complete(treeOf(program), typed);
    const lines =
      completion.type === 'words'
        ? completion.candidates.map(line)
        : completion.type === 'id'
          ? (await certificateIds(globals as GlobalFlags, io.env, typed.at(-1)!)).map(line)
          : [`:${completion.type}`];
    if (lines.length) io.stdout.write(`${lines.join('\n')}\n`);
  } catch {
    // a Tab never prints an error
  }
  return 0;
}

function line(c: Candidate): string {
  // One line a candidate: a description never breaks it.
  const description = c.description.replace(/\s+/g, ' ').trim();
  return description ? `${c.value}\t${description}` : c.value;
}
