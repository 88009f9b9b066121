// A ReissueError's words in a given language. The error keeps its English message and hint (the
// code that raises it may be pure and knows no languages); the catalog's errors.CODE text, filled
// in from the error's details, replaces them when the language is not English and the details hold
// everything the text names. The code, kind and exit status never change.
import type { CsrProblem } from '../domain/types.js';
import { csrProblemText } from '../domain/translate.js';
import { language, translator, type FixedTranslate } from './i18n.js';
import { FORCE_HINT } from '../util/files.js';

export interface ErrorWords {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

/** Hints the pure layers give in English as fixed sentences, with their catalog keys. */
const KNOWN_HINTS: Record<string, string> = { [FORCE_HINT]: 'hints.force' };
const knownHint = (hint: string | undefined, say: FixedTranslate) => (hint && hint in KNOWN_HINTS ? say(KNOWN_HINTS[hint]!) : hint);

/** A refused key source and the allowed ones (details.keySource, details.allowed) in words, when they are key sources. */
function keySourceWords(details: Record<string, unknown>, say: FixedTranslate): Record<string, string> {
  const { keySource, allowed } = details;
  const word = (source: unknown, form: 'refused' | 'allowed') => (typeof source === 'string' && say.has(`keySourceWords.${source}.${form}`) ? say(`keySourceWords.${source}.${form}`) : null);
  const refused = word(keySource, 'refused');
  const allowedWords = Array.isArray(allowed) ? allowed.map((s) => word(s, 'allowed')) : [];
  if (!refused || allowedWords.length === 0 || allowedWords.some((w) => w === null)) return {};
  return { keySourceRefused: refused, allowedWords: allowedWords.join(say('keySourceWords.or')) };
}

export function localizedError(error: ErrorWords, say: FixedTranslate = translator(language())): { message: string; hint?: string } {
  const key = `errors.${error.code}`;
  if (say.lang === 'en' || !say.has(`${key}.message`)) return { message: error.message, hint: error.hint };
  const details = error.details ?? {};
  // Card errors name the step they happened in (details.phase).
  const phase = typeof details.phase === 'string' && say.has(`cardPhaseDuring.${details.phase}`) ? say(`cardPhaseDuring.${details.phase}`) : '';
  const listed = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  // A CSR refusal lists its problems, each in this language when it names its catalog message.
  const problems = Array.isArray(details.problems) ? (details.problems as CsrProblem[]).map((p) => csrProblemText(p, say)).join(' ') : '';
  // A wrong PIN says what the card reports about the tries left (details.tries).
  const triesWords = typeof details.tries === 'string' && say.has(`pinTries.${details.tries}`) ? ` ${say(`pinTries.${details.tries}`)}` : '';
  const values = { ...listed, problems, phaseWords: phase, during: phase ? ` ${phase}` : '', triesWords, ...keySourceWords(details, say) };
  const message = say(`${key}.message`, values);
  if (/\{\{/.test(message)) return { message: error.message, hint: error.hint };
  return { message, hint: say.has(`${key}.hint`) ? say(`${key}.hint`, values) : knownHint(error.hint, say) };
}
