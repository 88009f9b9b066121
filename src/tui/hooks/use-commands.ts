// A screen's key handler in terms of named commands; inactive screens and widgets do not listen.
import { useInput } from 'ink';
import { useCallback } from 'react';
import { commandFor, type Command } from '../keymap.js';

export function useCommands(handler: (command: Command) => void, isActive: boolean): void {
  const onInput = useCallback(
    (input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
      const command = commandFor(input, key);
      if (command) handler(command);
    },
    [handler],
  );
  useInput(onInput, { isActive });
}
