// What a key does in a text field, decided from the key alone (no widget state), so that the
// caller can apply it to the latest value: typed text is appended, Backspace erases one character,
// Ctrl+U erases the whole field (as readline's kill-line does in every shell the user knows).
import type { Key } from 'ink';

export type FieldKey = { kind: 'insert'; text: string } | { kind: 'erase'; all: boolean } | { kind: 'submit' } | null;

/** Control characters never belong in a field (a chunk can carry a stray CR or tab). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function fieldKey(input: string, key: Key): FieldKey {
  if (key.return) return { kind: 'submit' };
  if (key.backspace || key.delete) return { kind: 'erase', all: false };
  if (key.ctrl && input === 'u') return { kind: 'erase', all: true };
  if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return null;
  if (key.pageUp || key.pageDown || key.home || key.end) return null;
  const text = input.replace(CONTROL, '');
  return text ? { kind: 'insert', text } : null;
}
