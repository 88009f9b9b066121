// How pure code that renders text takes its words: the caller's translator (src/i18n), passed in.
import type { CsrProblem } from './types.js';

export type Translate = (key: string, values?: Record<string, unknown>) => string;

/** A CSR problem in the words of `say` when it names its catalog message; its own (English) message otherwise. */
export function csrProblemText(p: CsrProblem, say: Translate): string {
  if (!p.text) return p.message;
  // The product's algorithms (ids, space-separated) said in this language.
  const algorithms = p.text.values?.algorithms;
  const values = typeof algorithms === 'string' ? { ...p.text.values, allowedWords: allowedWords(algorithms.split(' '), say) } : p.text.values;
  return say(p.text.key, values);
}

/** "RSA 2048-4096 bits, EC P-256 or EC P-384" in the words of `say` (ids as rsa-2048, ec-p256). */
export function allowedWords(algorithms: readonly string[], say: Translate): string {
  const rsa = algorithms.filter((a) => a.startsWith('rsa-')).map((a) => Number(a.slice(4))).sort((a, b) => a - b);
  const parts: string[] = [];
  if (rsa.length === 1) parts.push(say('csrProblem.allowedRsa', { bits: rsa[0] }));
  else if (rsa.length > 1) parts.push(say('csrProblem.allowedRsaRange', { min: rsa[0], max: rsa[rsa.length - 1] }));
  for (const a of algorithms) if (a.startsWith('ec-')) parts.push(`EC P-${a.slice(4)}`);
  return parts.length > 1 ? say('csrProblem.allowedOr', { list: parts.slice(0, -1).join(', '), last: parts[parts.length - 1] }) : (parts[0] ?? '');
}
