// Collects a pasted PEM from terminal input. With bracketed paste the terminal marks the start
// and end (ESC[200~ … ESC[201~); without it the text arrives as keystrokes and chunks, and the
// paste is complete at the "-----END … REQUEST-----" line. Pure, so it is tested without a terminal.

export interface PasteState {
  text: string;
  /** Inside ESC[200~ … ESC[201~. */
  bracketed: boolean;
  complete: boolean;
}

export type PasteInput =
  | { kind: 'text'; text: string }
  | { kind: 'enter' }
  | { kind: 'backspace' }
  | { kind: 'paste-start' }
  | { kind: 'paste-end' };

/** A little above the 64 KiB the CSR checks refuse, so the check can say "too large". */
export const PASTE_LIMIT = 70_000;

const END_OF_REQUEST = /-----END [A-Z0-9 ]*REQUEST-----/;

export const emptyPaste: PasteState = { text: '', bracketed: false, complete: false };

const normalize = (t: string) => t.replace(/\r\n?/g, '\n');

function append(s: PasteState, more: string): PasteState {
  const text = (s.text + more).slice(0, PASTE_LIMIT);
  if (s.bracketed) return { ...s, text };
  const m = END_OF_REQUEST.exec(text);
  if (m) return { ...s, text: text.slice(0, m.index + m[0].length) + '\n', complete: true };
  return { ...s, text };
}

export function feedPaste(s: PasteState, input: PasteInput): PasteState {
  if (s.complete) return s;
  switch (input.kind) {
    case 'paste-start':
      return { ...s, bracketed: true };
    case 'paste-end': {
      const done = { ...s, bracketed: false };
      // A bracketed paste is the whole input: check whatever arrived (a truncated PEM gets its own message).
      return done.text.trim() ? { ...done, complete: true } : done;
    }
    case 'enter':
      return append(s, '\n');
    case 'backspace':
      return { ...s, text: s.text.slice(0, -1) };
    case 'text':
      return append(s, normalize(input.text));
  }
}

/** Maps Ink's (input, key) to a paste input; Ink passes ESC[200~ as "[200~". */
export function pasteInputFor(input: string, key: { return?: boolean; backspace?: boolean; delete?: boolean; escape?: boolean; ctrl?: boolean }): PasteInput | null {
  if (input === '[200~') return { kind: 'paste-start' };
  if (input === '[201~') return { kind: 'paste-end' };
  if (key.escape || key.ctrl) return null;
  if (key.return) return { kind: 'enter' };
  if (key.backspace || key.delete) return { kind: 'backspace' };
  if (!input) return null;
  // A chunk may carry both markers around the text when the terminal sends it in one write.
  return { kind: 'text', text: input };
}
