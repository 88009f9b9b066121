// What a key does in a text field, decided from the key alone (no widget state), so that the
// caller can apply it to the latest value: typed text is appended, Backspace erases one character.
import type { Key } from 'ink';

export type FieldKey = { kind: 'insert'; text: string } | { kind: 'erase' } | { kind: 'submit' } | null;

/** Control characters never belong in a field (a chunk can carry a stray CR or tab). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function fieldKey(input: string, key: Key): FieldKey {
  if (key.return) return { kind: 'submit' };
  if (key.backspace || key.delete) return { kind: 'erase' };
  if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return null;
  if (key.pageUp || key.pageDown || key.home || key.end) return null;
  const text = input.replace(CONTROL, '');
  return text ? { kind: 'insert', text } : null;
}
