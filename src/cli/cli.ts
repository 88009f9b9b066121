// The command line proper: the command tree, run on process.argv. main.ts loads it with one
// dynamic import after painting the wizard's skeleton; one module here (not one import per
// command) keeps the bundle's chunks as few as a static import would.
import type { Command } from 'commander';
import { buildProgram, exitCodeForCommanderError, registrarOf } from './program.js';
import { registerReadCommands } from './commands/read.js';
import { registerConfigCommands } from './commands/config.js';
import { registerReissueCommands } from './commands/reissue.js';
import { registerServeCommands } from './commands/serve.js';
import { registerCardCommands } from './commands/card.js';
import { registerSandboxCommands } from './commands/sandbox.js';
import { registerDoctorCommands } from './commands/doctor.js';
import { registerAcmeCommands } from './commands/acme.js';
import { runWizardCommand } from './commands/wizard.js';
import { COMPLETE_ENTRY, registerCompletionCommands, runComplete } from './completion/command.js';
import { reportError } from './report.js';
import type { Io } from './context.js';
import type { WizardStart } from './wizard-start.js';
import { setLanguage } from '../i18n/i18n.js';
import { resolveLanguage } from '../i18n/language.js';

/**
 * Runs the command in `argv` and returns the process exit code. `wizard`: the wizard's context
 * and first page, already read by the launcher (`reissue` alone).
 */
export async function runCli(io: Io, argv: string[], wizard?: WizardStart | null): Promise<number> {
  let exitCode = 0;
  // The help texts are written before the settings file is read: --lang and the environment decide them.
  try {
    setLanguage(resolveLanguage({ flag: langFlag(argv), env: io.env }));
  } catch {
    // a bad --lang or REISSUE_LANG is reported once the command runs
  }
  const program: Command = buildProgram(io, (code) => (exitCode = code));
  const r = registrarOf(program);
  const wizardAction = r.action((ctx) => runWizardCommand(ctx, wizard?.known), { context: wizard?.ctx });
  program.action((...raw: unknown[]) => {
    // The wizard takes no arguments: a word here is a mistyped command ("Did you mean list?", exit 2).
    if (program.args.length > 0) (program as unknown as { unknownCommand(): never }).unknownCommand();
    return wizardAction(...raw);
  });
  registerReadCommands(program, r);
  registerReissueCommands(program, r);
  registerCardCommands(program, r);
  registerConfigCommands(program, r);
  registerServeCommands(program, r);
  registerSandboxCommands(program, r);
  registerDoctorCommands(program, r);
  registerAcmeCommands(program, r);
  registerCompletionCommands(program, r);
  // Set after the subcommands exist (they copy it when created): they keep refusing extra arguments.
  program.allowExcessArguments(true);
  // A shell asking for completions: `reissue __complete -- WORDS…`, the words read as they are.
  if (argv[2] === COMPLETE_ENTRY) return runComplete(program, argv.slice(argv[3] === '--' ? 4 : 3), io);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = exitCodeForCommanderError(e);
    exitCode = code ?? reportError(e, io.stderr, io.env);
  }
  return exitCode;
}

/** The value of --lang / --lang=X, if given. */
function langFlag(argv: string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === '--lang') return argv[i + 1];
    if (arg.startsWith('--lang=')) return arg.slice('--lang='.length);
  }
  return undefined;
}
