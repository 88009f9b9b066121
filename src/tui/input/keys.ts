// Splits what the terminal sent into keys, the way a terminal program must (bubbletea's model):
// one key per printable character, Enter, Backspace or control character; an escape sequence
// (arrows, PgUp, F-keys) as one key; a bracketed paste (ESC[200~ … ESC[201~) as its start
// marker, its whole text and its end marker; three or more lines of text in one read (a paste from a
// terminal without bracketed paste) as one key whose line breaks are text, never Enter. The wizard
// binds no Alt keys, so ESC before any other character is Escape, then that character
// (`Escape / sklep Enter` typed fast). Pure: no timers, no streams.

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
    // Alt+arrow as ESC ESC [ A, or two Escapes (or Escape, then a paste).
    if ((input[i + 2] === '[' || input[i + 2] === 'O') && !PASTE_START.startsWith(input.slice(i + 1, i + 1 + PASTE_START.length))) {
      const inner = escapeLength(input, i + 1);
      return inner ? inner + 1 : 0;
    }
    return 1;
  }
  // Not a sequence: Escape, and what follows is the next key.
  return 1;
}

/** Lines with text in one read that make it a paste (see plainRun). */
const PASTE_LINES = 3;

const isPlain = (c: number) => c === 0x09 || c === 0x0a || c === 0x0d || (c >= 0x20 && c !== 0x7f && !(c >= 0x80 && c <= 0x9f));

/**
 * The run of text (line breaks and tabs included) starting at `i`, and whether it is a paste
 * without markers: at least three lines with text, read at once (a PEM always is). Typing ahead
 * sends fewer (a passphrase, Enter, the passphrase again, Enter), and the last line break of a
 * paste must not act as Enter.
 */
function plainRun(input: string, i: number): { end: number; paste: boolean } {
  let j = i;
  let lines = 0;
  let text = false;
  for (; j < input.length && isPlain(input.charCodeAt(j)); j++) {
    const c = input.charCodeAt(j);
    if (c === 0x0a || c === 0x0d) {
      if (text) lines++;
      text = false;
    } else if (c !== 0x09 && c !== 0x20) text = true;
  }
  if (text) lines++;
  return { end: j, paste: lines >= PASTE_LINES };
}

/** F1 as terminals send it (xterm, VT220/rxvt, the Linux console): help, also from inside a text field. */
export function isHelpKey(key: string): boolean {
  return /^\u001B(OP|\[11~|\[\[A|\[1;\d+P)$/.test(key);
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
    const run = plainRun(input, i);
    if (run.paste) {
      keys.push(input.slice(i, run.end));
      i = run.end;
      continue;
    }
    // Typed keys: one per character (a control character is a run of its own). A line feed is
    // Enter typed before the terminal left line mode (at start), which turned its CR into LF.
    const end = Math.max(run.end, i + 1);
    while (i < end) {
      const ch = String.fromCodePoint(input.codePointAt(i)!);
      keys.push(ch === '\n' ? '\r' : ch);
      i += ch.length;
    }
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
