// Paste a multi-line PEM: state (feedPaste), input (keys → paste inputs, only while active) and
// a view of the last lines. Bracketed paste is switched on while the area is active.
import { Box, Text, useInput } from 'ink';
import { useCallback, useRef, useState } from 'react';
import { emptyPaste, feedPaste, pasteInputFor, type PasteState } from '../../wizard/paste.js';
import { useBracketedPaste } from '../hooks/use-bracketed-paste.js';
import { t } from '../../i18n/i18n.js';

function usePasteBuffer(onChange: (text: string) => void, onComplete: (text: string) => void) {
  const state = useRef<PasteState>(emptyPaste);
  const [, setVersion] = useState(0);
  const feed = useCallback(
    (input: Parameters<typeof feedPaste>[1]) => {
      const before = state.current;
      const next = feedPaste(before, input);
      if (next === before) return;
      state.current = next;
      setVersion((v) => v + 1);
      if (next.text !== before.text) onChange(next.text);
      if (next.complete && !before.complete) onComplete(next.text);
    },
    [onChange, onComplete],
  );
  return { state: state.current, feed };
}

export function PasteArea(props: { isActive: boolean; width: number; lines: number; onChange: (text: string) => void; onComplete: (text: string) => void }) {
  const { isActive, width, lines, onChange, onComplete } = props;
  const { state, feed } = usePasteBuffer(onChange, onComplete);
  useBracketedPaste(isActive);
  useInput(
    (input, key) => {
      const p = pasteInputFor(input, key);
      if (p) feed(p);
    },
    { isActive },
  );
  const shown = state.text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const tail = shown.slice(-lines);
  return (
    <Box borderStyle="single" flexDirection="column" width={width} height={lines + 2}>
      {state.text === '' ? (
        <Text dimColor>{t('csr.pasteHere')}</Text>
      ) : (
        tail.map((line, i) => (
          <Text key={i} wrap="truncate-end">
            {line}
          </Text>
        ))
      )}
    </Box>
  );
}
