// A ReissueError's words in a given language. The error keeps its English message and hint (the
// code that raises it may be pure and knows no languages); the catalog's errors.CODE text, filled
// in from the error's details, replaces them when the language is not English and the details hold
// everything the text names. The code, kind and exit status never change.
import { language, translator, type FixedTranslate } from './i18n.js';

export interface ErrorWords {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function localizedError(error: ErrorWords, say: FixedTranslate = translator(language())): { message: string; hint?: string } {
  const key = `errors.${error.code}`;
  if (say.lang === 'en' || !say.has(`${key}.message`)) return { message: error.message, hint: error.hint };
  const details = error.details ?? {};
  // Card errors name the step they happened in (details.phase).
  const phase = typeof details.phase === 'string' && say.has(`cardPhaseDuring.${details.phase}`) ? say(`cardPhaseDuring.${details.phase}`) : '';
  const listed = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  const values = { ...listed, phaseWords: phase, during: phase ? ` ${phase}` : '' };
  const message = say(`${key}.message`, values);
  if (/\{\{/.test(message)) return { message: error.message, hint: error.hint };
  return { message, hint: say.has(`${key}.hint`) ? say(`${key}.hint`, values) : error.hint };
}
