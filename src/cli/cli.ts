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
import { runWizardCommand } from './commands/wizard.js';
import { reportError } from './report.js';
import type { Io } from './context.js';
import type { WizardStart } from './wizard-start.js';

/**
 * Runs the command in `argv` and returns the process exit code. `wizard`: the wizard's context
 * and first page, already read by the launcher (`reissue` alone).
 */
export async function runCli(io: Io, argv: string[], wizard?: WizardStart | null): Promise<number> {
  let exitCode = 0;
  const program: Command = buildProgram(io, (code) => (exitCode = code));
  const r = registrarOf(program);
  program.action(r.action((ctx) => runWizardCommand(ctx, wizard?.known), { context: wizard?.ctx }));
  registerReadCommands(program, r);
  registerReissueCommands(program, r);
  registerCardCommands(program, r);
  registerConfigCommands(program, r);
  registerServeCommands(program, r);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = exitCodeForCommanderError(e);
    exitCode = code ?? reportError(e, io.stderr, io.env);
  }
  return exitCode;
}
