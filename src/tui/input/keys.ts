// Splits what the terminal sent into keys, the way a terminal program must (bubbletea's model):
// one key per printable character, Enter, Backspace or control character; an escape sequence
// (arrows, PgUp, F-keys, Alt+key) as one key; a bracketed paste (ESC[200~ … ESC[201~) as its
// start marker, its whole text and its end marker. Pure: no timers, no streams.

const ESC = '\u001B';
export const PASTE_START = `${ESC}[200~`;
export const PASTE_END = `${ESC}[201~`;

export interface Split {
  keys: string[];
  /** An incomplete sequence at the end (a lone ESC, half a CSI, an unfinished paste): wait for more. */
  rest: string;
}

const isCsiParam = (c: number) => c >= 0x20 && c <= 0x3f;
const isFinal = (c: number) => c >= 0x40 && c <= 0x7e;

/** Length of the escape sequence at `i` (input[i] is ESC), 0 if incomplete. */
function escapeLength(input: string, i: number): number {
  const next = input[i + 1];
  if (next === undefined) return 0;
  if (next === '[') {
    let j = i + 2;
    if (input[j] === '[') j++; // legacy ESC[[A (Linux console F-keys)
    for (; j < input.length; j++) {
      const c = input.charCodeAt(j);
      if (isFinal(c) && !(c === 0x5b && j === i + 2)) return j - i + 1;
      if (!isCsiParam(c)) return j - i; // malformed: stop before the stray byte
    }
    return 0;
  }
  if (next === 'O') return input.length > i + 2 ? 3 : 0;
  if (next === ESC) {
    // Alt+arrow as ESC ESC [ A, or two Escapes.
    if (input[i + 2] === '[' || input[i + 2] === 'O') {
      const inner = escapeLength(input, i + 1);
      return inner ? inner + 1 : 0;
    }
    return 1;
  }
  // Alt+key: ESC and one character (a whole code point).
  return 1 + String.fromCodePoint(input.codePointAt(i + 1)!).length;
}

export function splitKeys(input: string): Split {
  const keys: string[] = [];
  let i = 0;
  while (i < input.length) {
    if (input.startsWith(PASTE_START, i)) {
      const end = input.indexOf(PASTE_END, i + PASTE_START.length);
      if (end < 0) return { keys, rest: input.slice(i) };
      keys.push(PASTE_START);
      const text = input.slice(i + PASTE_START.length, end);
      if (text) keys.push(text);
      keys.push(PASTE_END);
      i = end + PASTE_END.length;
      continue;
    }
    if (input[i] === ESC) {
      const n = escapeLength(input, i);
      if (n === 0) return { keys, rest: input.slice(i) };
      keys.push(input.slice(i, i + n));
      i += n;
      continue;
    }
    const ch = String.fromCodePoint(input.codePointAt(i)!);
    keys.push(ch);
    i += ch.length;
  }
  return { keys, rest: '' };
}

/** What an incomplete `rest` becomes when nothing more arrives: the keys it holds as they are. */
export function flushRest(rest: string): string[] {
  if (!rest) return [];
  if (rest.startsWith(PASTE_START)) {
    const text = rest.slice(PASTE_START.length);
    return [PASTE_START, ...(text ? [text] : []), PASTE_END];
  }
  // A lone ESC is the Escape key; a cut-off sequence is dropped rather than typed as text.
  return rest === ESC ? [ESC] : [];
}
