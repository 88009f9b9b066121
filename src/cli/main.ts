// CLI entry (bundled to dist/cli.js). Kept small: each command loads what it needs when it runs.
import type { Command } from 'commander';
import { buildProgram, exitCodeForCommanderError, registrarOf } from './program.js';
import { registerReadCommands } from './commands/read.js';
import { registerConfigCommands } from './commands/config.js';
import { registerReissueCommands } from './commands/reissue.js';
import { registerServeCommands } from './commands/serve.js';
import { registerCardCommands } from './commands/card.js';
import { runWizardCommand } from './commands/wizard.js';
import { reportError } from './report.js';

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
let exitCode = 0;
const program: Command = buildProgram(io, (code) => (exitCode = code));
const r = registrarOf(program);
program.action(r.action(runWizardCommand));
registerReadCommands(program, r);
registerReissueCommands(program, r);
registerCardCommands(program, r);
registerConfigCommands(program, r);
registerServeCommands(program, r);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const code = exitCodeForCommanderError(e);
  exitCode = code ?? reportError(e, io.stderr, io.env);
}
process.exitCode = exitCode;
