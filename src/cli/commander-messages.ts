// Commander writes its own usage errors in English; these are the ones a user meets, said in the
// current language (the words inside quotes, the suggestion and the exit code stay as they are).
import { t } from '../i18n/i18n.js';

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^error: unknown command '(.*)'$/, (m) => t('cli.commander.unknownCommand', { name: m[1] })],
  [/^error: unknown option '(.*)'$/, (m) => t('cli.commander.unknownOption', { name: m[1] })],
  [/^\(Did you mean (.*)\?\)$/, (m) => t('cli.commander.didYouMean', { suggestion: m[1] })],
  [/^error: missing required argument '(.*)'$/, (m) => t('cli.commander.missingArgument', { name: m[1] })],
  [/^error: option '(.*)' argument missing$/, (m) => t('cli.commander.optionArgumentMissing', { name: m[1] })],
  [/^error: required option '(.*)' not specified$/, (m) => t('cli.commander.requiredOption', { name: m[1] })],
  [
    /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\.$/,
    (m) => t('cli.commander.tooManyArguments', { forCommand: m[1] ? t('cli.commander.forCommand', { name: m[1] }) : '', count: Number(m[2]), got: m[3] }),
  ],
];

/** One error text from commander (possibly several lines), each known line translated. */
export function localizeCommanderError(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      for (const [pattern, say] of PATTERNS) {
        const m = line.match(pattern);
        if (m) return say(m);
      }
      return line;
    })
    .join('\n');
}
