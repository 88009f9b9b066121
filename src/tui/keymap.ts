// Keys → named commands. Screens match commands, never raw keys, so the bindings live here.
import type { Key } from 'ink';
import { isYes } from '../i18n/answers.js';

export type Command =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'page-up'
  | 'page-down'
  | 'first'
  | 'last'
  | 'confirm'
  | 'back'
  | 'filter'
  | 'help'
  | 'quit'
  | 'pending'
  | 'yes'
  | 'no'
  | 'retry'
  | 'interrupt'
  /** The PIN dialog: change the card's PIN, or unblock it with the PUK. */
  | 'change-pin'
  | 'unblock-pin'
  /** Any other key: a yes/no question takes it as "no". */
  | 'other';

const LETTERS: Record<string, Command> = {
  '/': 'filter',
  '?': 'help',
  q: 'quit',
  p: 'pending',
  y: 'yes',
  n: 'no',
  r: 'retry',
  c: 'change-pin',
  u: 'unblock-pin',
};

export function commandFor(input: string, key: Key): Command | null {
  if (key.ctrl && input === 'c') return 'interrupt';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home) return 'first';
  if (key.end) return 'last';
  if (key.return) return 'confirm';
  if (key.escape) return 'back';
  if (key.ctrl || key.meta) return 'other';
  // "t" (tak) is yes in Polish, "y" in every language: one rule with the CLI's prompts.
  if (input.length === 1 && input !== 'n' && isYes(input)) return 'yes';
  return LETTERS[input] ?? 'other';
}
