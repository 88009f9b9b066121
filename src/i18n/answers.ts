// What a yes/no question takes as "yes", for the wizard's keys and the CLI's prompts alike:
// y / yes in every language, and the language's own word (Polish "t" / "tak", as the prompts
// print "(t/n)"), so a habit from either language works.
import { language, type Lang } from './i18n.js';

const YES: Record<Lang, RegExp> = {
  en: /^y(es)?$/i,
  pl: /^(t(ak)?|y(es)?)$/i,
};

export function isYes(answer: string, lang: Lang = language()): boolean {
  return YES[lang].test(answer.trim());
}
