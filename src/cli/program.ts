// The command tree (commander). Each command file registers its commands with `action()`, which
// builds the context, runs the handler, and turns any failure into a message and an exit code.
import { Command, CommanderError, Option } from 'commander';
import { isReissueError, usageError } from '../domain/errors.js';
import { setLanguage, t } from '../i18n/i18n.js';
import { localizeCommanderError } from './commander-messages.js';
import { createContext, type CliContext, type Io } from './context.js';
import { loadSettings, type GlobalFlags } from './env.js';
import { redactOptionValues, reportError } from './report.js';
import { LANGUAGES, oneOf } from './option-values.js';

/** Commander's help headings → their catalog messages. */
const HELP_TITLES: Record<string, string> = {
  'Usage:': 'cli.help.usage',
  'Options:': 'cli.help.options',
  'Commands:': 'cli.help.commands',
  'Arguments:': 'cli.help.arguments',
  'Global Options:': 'cli.help.globalOptions',
};

/** A command handler returns its exit code (0 unless it says otherwise). */
export type Handler<A extends unknown[]> = (ctx: CliContext, ...args: A) => Promise<number | void>;

export interface ActionOptions {
  /** The last line when Ctrl+C ends the command before it took over the signal itself. */
  interrupted?: () => string;
  /** A context made before the command line was read (the wizard's, opened while its first frame was painted). */
  context?: CliContext;
}

export interface Registrar {
  /** Wraps a handler for commander: (…positional, options, command). */
  action<A extends unknown[]>(handler: Handler<A>, opts?: ActionOptions): (...args: unknown[]) => Promise<void>;
}

/** Commander's usage line ("reissue card [options] [command]") with its placeholders in the user's language. */
const USAGE_WORDS: Record<string, string> = { '[options]': 'cli.help.usageOptions', '[command]': 'cli.help.usageCommand' };
function localizedUsage(usage: string): string {
  return usage
    .split(' ')
    .map((word) => (word in USAGE_WORDS ? t(USAGE_WORDS[word]!) : word))
    .join(' ');
}

export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('reissue');
  program
    .description(t('cli.program.description'))
    .addOption(new Option('--portal <local|URL>', t('cli.program.portal')))
    .addOption(new Option('--token <T>', t('cli.program.token')))
    .addOption(new Option('--token-file <FILE>', t('cli.program.tokenFile')))
    .addOption(new Option('--certum-password-file <FILE>', t('certum.passwordFileOption')))
    .addOption(new Option('--data-dir <DIR>', t('cli.program.dataDir')))
    .addOption(new Option('--module <PATH>', t('cli.program.module')))
    .addOption(new Option('--ca-file <FILE>', t('cli.program.caFile')))
    .addOption(oneOf(new Option('--lang <pl|en>', t('cli.program.lang')), LANGUAGES))
    .option('--allow-insecure-http', t('cli.program.allowInsecureHttp'))
    .addOption(oneOf(new Option('--challenge <http-01|dns-01>', t('cli.program.challenge')), ['http-01', 'dns-01']))
    .addOption(new Option('--http-address <ADDR:PORT>', t('cli.program.httpAddress')))
    .addOption(new Option('--webroot <DIR>', t('cli.program.webroot')))
    .addOption(new Option('--dns-hook <CMD>', t('cli.program.dnsHook')))
    .option('--json', t('cli.program.json'))
    .option('--no-color', t('cli.program.noColor'))
    .option('-V, --version', t('cli.program.version'))
    .showHelpAfterError(t('cli.program.helpAfterError'))
    // Commander's own headings and help texts, in the user's language (subcommands inherit both).
    .configureHelp({ styleTitle: (title) => (title in HELP_TITLES ? t(HELP_TITLES[title]!) : title), styleUsage: localizedUsage, styleSubcommandTerm: localizedUsage })
    .helpOption('-h, --help', t('cli.help.helpOption'))
    .helpCommand('help [command]', t('cli.help.helpCommand'))
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(localizeCommanderError(redactOptionValues(s))),
    })
    .exitOverride()
    // --version wherever it is written, before any command runs; with --json (read after it too) the versions in use.
    .hook('preAction', async (_program, action) => {
      if (!program.opts().version) return;
      await (await import('./version.js')).printVersion(io, action.optsWithGlobals());
      throw new CommanderError(0, 'commander.version', '');
    });

  const registrar: Registrar = {
    action<A extends unknown[]>(handler: Handler<A>, opts: ActionOptions = {}) {
      return async (...raw: unknown[]) => {
        const command = raw[raw.length - 1] as Command;
        const flags = command.optsWithGlobals() as GlobalFlags;
        if (flags.color === false) io.env.NO_COLOR = '1';
        let ctx: CliContext | undefined;
        // Once the command has answered, its exit status stands: a late Ctrl+C only waits for the cleanup.
        let answered = false;
        const onSignal = (signal: NodeJS.Signals) => {
          if (ctx?.handlesSignals || answered) return;
          if (signal === 'SIGINT' && opts.interrupted) io.stderr.write(`\n${opts.interrupted()}\n`);
          // Close the card session and the database before leaving; 130/143 as shells expect.
          void (ctx?.close() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          // The settings file is read only when a flag or variable leaves a setting to it.
          const settings = opts.context?.settings ?? (await loadSettings(flags, io.env));
          setLanguage(settings.lang);
          ctx = opts.context ?? createContext(settings, io);
          const code = await handler(ctx, ...(raw.slice(0, -1) as A));
          // A command that printed no text still says that its date was simulated.
          if (!settings.json) ctx.io.stderr.write(ctx.simulatedDateNotice());
          answered = true;
          setExitCode(code ?? 0);
        } catch (e) {
          answered = true;
          setExitCode(reportError(e, io.stderr, io.env));
          if (isReissueError(e)) await (await import('./last-errors.js')).recordLastError(e, commandPath(command), new Date());
        } finally {
          await ctx?.close();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      };
    },
  };
  return Object.assign(program, { registrar });
}

/** "card keygen": the command's words, without arguments or options. */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ') || 'wizard';
}

export function registrarOf(program: Command): Registrar {
  return (program as Command & { registrar: Registrar }).registrar;
}

/** Commander's own errors (unknown option, missing argument) are usage errors: exit 2. */
export function exitCodeForCommanderError(e: unknown): number | null {
  if (!(e instanceof CommanderError)) return null;
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
  return 2;
}

export function parseChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw usageError('bad-option', t('cli.badChoice', { name, choices: choices.join(', '), value }));
}

/** A whole number from 1 to `max` typed by the user ("--limit 20"); anything else is a usage error (exit 2). */
export function parseCount(name: string, value: string, max: number): number {
  const n = /^[0-9]+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (Number.isSafeInteger(n) && n >= 1 && n <= max) return n;
  throw usageError('bad-option', t('cli.badCount', { name, max, value }));
}

export { isReissueError };
