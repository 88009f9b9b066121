// How pure code that renders text takes its words: the caller's translator (src/i18n), passed in.
import type { CsrProblem } from './types.js';

export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** A CSR problem in the words of `say` when it names its catalog message; its own (English) message otherwise. */
export function csrProblemText(p: CsrProblem, say: Translate): string {
  return p.text ? say(p.text.key, p.text.values) : p.message;
}
