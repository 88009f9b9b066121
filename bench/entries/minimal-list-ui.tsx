// node minimal-list-ui.mjs DATA_DIR GAP_MS REPEAT: the reference for the wizard's keystroke figures,
// a minimal Ink app rendering a list of the same size. It reads every certificate of the portal in
// DATA_DIR into memory first (untimed), then shows them 17 rows at a time in the same 80×24 fake
// terminal, one Text per row, filtering the array in memory on every key (`/` to filter, Esc
// clears). Same keys, same timing (keys-harness.ts), same Ink options as the wizard.
import Database from 'better-sqlite3';
import { Box, render, Text, useApp, useInput } from 'ink';
import { useState } from 'react';
import { WIZARD_MAX_FPS } from '../../src/tui/frame-rate.js';
import { FakeStdin, FakeStdout, measureKeys } from './keys-harness.js';

const [dataDir, gapText = '200', repeatText = '2'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: minimal-list-ui DATA_DIR [GAP_MS] [REPEAT]');

interface Row {
  line: string;
  search: string;
}
const db = new Database(`${dataDir}/portal.sqlite`, { readonly: true });
const rows: Row[] = (db.prepare('SELECT common_name, not_after, search FROM certificates ORDER BY issued_at DESC, rowid DESC').all() as { common_name: string; not_after: string; search: string }[]).map(
  (r) => ({ line: `${r.common_name.padEnd(40)} ${r.not_after.slice(0, 10)}`, search: r.search }),
);
db.close();
const HEIGHT = 17;

function App() {
  const { exit } = useApp();
  const [filtering, setFiltering] = useState(false);
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState(0);
  const matches = query ? rows.filter((r) => r.search.includes(query)) : rows;
  // The cursor's row is the last one on screen once it moves past the first page.
  const start = Math.max(0, Math.min(cursor - HEIGHT + 1, matches.length - HEIGHT));
  const shown = matches.slice(start, start + HEIGHT);
  useInput((input, key) => {
    if (filtering) {
      if (key.escape) {
        setFiltering(false);
        setQuery('');
      } else if (key.return) setFiltering(false);
      else if (key.backspace || key.delete) setQuery((q) => q.slice(0, -1));
      else if (input) setQuery((q) => q + input);
      setCursor(0);
      return;
    }
    if (input === 'q') exit();
    else if (input === '/') setFiltering(true);
    else if (key.pageDown) setCursor((c) => Math.min(matches.length - 1, c + HEIGHT));
    else if (key.downArrow) setCursor((c) => Math.min(matches.length - 1, c + 1));
  });
  return (
    <Box flexDirection="column">
      <Text>Certificates ({matches.length ? `${start + 1}–${start + shown.length} of ${matches.length}` : 'none found'})</Text>
      <Text dimColor>{filtering ? `Filter: ${query} · type to filter` : 'Press / to filter'}</Text>
      {shown.map((r, i) => (
        <Text key={i} inverse={start + i === cursor} wrap="truncate-end">
          {r.line}
        </Text>
      ))}
    </Box>
  );
}

const stdout = new FakeStdout();
const stdin = new FakeStdin();
const app = render(<App />, { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false, exitOnCtrlC: false, maxFps: WIZARD_MAX_FPS });
const { filter, filterRows, scroll, lostKeys, lastScreen } = await measureKeys(stdout, stdin, Number(gapText), Number(repeatText));
stdin.send('q');
await app.waitUntilExit();
process.stdout.write(`\nBENCH_JSON ${JSON.stringify({ filter, filterRows, scroll, lostKeys, lastScreen })}\n`);
