// Bracketed paste mode makes the terminal wrap a paste in ESC[200~ … ESC[201~, so a multi-line
// PEM arrives as one unit instead of keystrokes (a newline is not Enter). On only while the
// paste area is shown: elsewhere the markers would end up inside text fields.
import { useStdout } from 'ink';
import { useEffect } from 'react';

export const PASTE_ON = '\u001B[?2004h';
export const PASTE_OFF = '\u001B[?2004l';

export function useBracketedPaste(active: boolean): void {
  const { stdout } = useStdout();
  useEffect(() => {
    if (!active) return;
    stdout.write(PASTE_ON);
    return () => {
      stdout.write(PASTE_OFF);
    };
  }, [active, stdout]);
}
