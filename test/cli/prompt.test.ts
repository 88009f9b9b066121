// Terminal prompts with a fake terminal: a secret is never echoed, and a new passphrase is typed twice.
import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { confirm, readNewSecret, readSecret, type PromptIo } from '../../src/cli/prompt.js';

/**
 * A terminal whose keyboard sends `entries`, one per prompt (each once the prompt is shown), and
 * `typedAhead` as soon as the program starts reading (keys typed before any prompt).
 */
function fakeTerminal(entries: string[], typedAhead = ''): PromptIo & { shown: () => string } {
  let shown = '';
  let early = typedAhead;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    isRaw: false,
    setRawMode(raw: boolean) {
      stdin.isRaw = raw;
      return stdin;
    },
    resume() {
      if (early) setImmediate((keys: string) => stdin.emit('data', Buffer.from(keys)), early);
      early = '';
      return stdin;
    },
    pause: () => stdin,
  });
  // An EventEmitter with a width: readline's questions write to it too.
  const stderr = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 80,
    write(s: string) {
      shown += s;
      // A prompt ends with ": " or "[y/N] ": answer it on the next turn, as a person would.
      if ((s.endsWith(': ') || s.endsWith('] ')) && entries.length) {
        const entry = entries.shift()!;
        setImmediate(() => stdin.emit('data', Buffer.from(entry)));
      }
      return true;
    },
  });
  return { stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream, shown: () => shown };
}

describe('prompts', () => {
  test('a secret shows as stars, backspace erases one', async () => {
    const io = fakeTerminal(['s3cretX\u007f\r']);
    await expect(readSecret(io, 'PIN: ')).resolves.toBe('s3cret');
    expect(io.shown()).toBe('PIN: *******\b \b\n');
  });

  test('a new passphrase is asked twice and returned when both match', async () => {
    const io = fakeTerminal(['Tr0ub4dor\r', 'Tr0ub4dor\r']);
    await expect(readNewSecret(io, 'Passphrase for the private key: ', '--passphrase-stdin')).resolves.toBe('Tr0ub4dor');
    expect(io.shown()).toContain('Type it again: ');
    expect(io.shown()).not.toContain('Tr0ub');
  });

  test('two different entries are refused (exit 3), naming neither', async () => {
    const io = fakeTerminal(['Tr0ub4dor\r', 'Tr0ub4dr\r']);
    const e = await readNewSecret(io, 'Passphrase for the private key: ', '--passphrase-stdin').catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'input', code: 'passphrase-mismatch' });
    expect((e as Error).message).not.toMatch(/Tr0ub/);
  });

  test('without a terminal the hint names the stdin option of the command', async () => {
    const io = fakeTerminal([]);
    (io.stdin as { isTTY: boolean }).isTTY = false;
    await expect(readNewSecret(io, 'Passphrase: ', '--passphrase-stdin')).rejects.toMatchObject({ code: 'no-tty', hint: 'Use --passphrase-stdin and pipe it in.' });
  });

  test('a yes/no question that cannot be taken back: a "y" typed before it was asked is dropped and said so', async () => {
    // "y" and Enter already wait in the terminal when the command gets to its question; then "n".
    const io = fakeTerminal(['n\r'], 'y\r');
    await expect(confirm(io, 'Remove the key pair? This cannot be undone.')).resolves.toBe(false);
    expect(io.shown()).toContain('Keys typed before this question appeared were ignored: answer it again.\nRemove the key pair?');
    // Asked with nothing typed ahead, a y answers it.
    const plain = fakeTerminal(['y\r']);
    await expect(confirm(plain, 'Remove the key pair?')).resolves.toBe(true);
    expect(plain.shown()).not.toContain('Keys typed before');
  });
});
