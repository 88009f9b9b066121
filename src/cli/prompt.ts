// Terminal prompts for the non-interactive commands: a masked secret (PIN, passphrase), a yes/no
// confirmation, and a PIN read from stdin. A secret is never echoed: each key shows as "*".
import { inputError, ReissueError, usageError } from '../domain/errors.js';
import { isYes } from '../i18n/answers.js';
import { t } from '../i18n/i18n.js';
import { dropTypedAhead } from './typed-ahead.js';

export interface PromptIo {
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

export const cancelledError = () => new ReissueError('usage', 'cancelled', t('cli.prompt.cancelled'));

export function canPrompt(io: PromptIo): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY);
}

/** Reads a secret from the terminal with echo off; `stdinOption` is the flag to use without one. */
export function readSecret(io: PromptIo, question: string, stdinOption = '--pin-stdin'): Promise<string> {
  if (!canPrompt(io)) {
    return Promise.reject(usageError('no-tty', t('cli.prompt.noTty'), t('cli.prompt.noTtyHint', { option: stdinOption })));
  }
  let value = '';
  return rawKeys<string>(io, question, (ch) => {
    if (ch === '\r' || ch === '\n') return { done: value };
    if (ch === '\u0003' || ch === '\u001b') return { error: cancelledError() }; // Ctrl+C, Esc
    if (ch === '\u007f' || ch === '\b') {
      if (value.length) {
        value = value.slice(0, -1);
        io.stderr.write('\b \b');
      }
    } else if (ch >= ' ') {
      value += ch;
      io.stderr.write('*');
    }
    return undefined;
  });
}

type KeyOutcome<T> = { done: T } | { error: Error } | undefined;

/**
 * Shows `question`, then reads the terminal's keys raw, one character at a time, until `onChar`
 * settles; the terminal's mode is put back and the line ended either way. The question first: its
 * write may take the wizard's skeleton off the screen, which puts the terminal back in line mode
 * (first-paint.ts); raw after it, or what is typed would be echoed.
 */
function rawKeys<T>(io: PromptIo, question: string, onChar: (ch: string) => KeyOutcome<T>): Promise<T> {
  const { stdin, stderr } = io;
  return new Promise((resolve, reject) => {
    stderr.write(question);
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        const outcome = onChar(ch);
        if (!outcome) continue;
        stdin.off('data', onData);
        stdin.setRawMode(wasRaw);
        stdin.pause();
        stderr.write('\n');
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.done);
        return;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * A new secret (a key's passphrase) typed twice, as key generators ask: a typing mistake would
 * lock the key for good. Different entries are refused before anything is written.
 */
export async function readNewSecret(io: PromptIo, question: string, stdinOption: string): Promise<string> {
  const first = await readSecret(io, question, stdinOption);
  const again = await readSecret(io, `${t('cli.prompt.again')} `, stdinOption);
  if (first !== again) throw inputError('passphrase-mismatch', t('cli.prompt.mismatch'), t('cli.prompt.mismatchHint'));
  return first;
}

/** y/N question on the terminal (t/N in Polish); false on anything but a yes (isYes). Only an answer typed after the question counts. */
export async function confirm(io: PromptIo, question: string): Promise<boolean> {
  if (!canPrompt(io)) return false;
  const early = await dropTypedAhead(io.stdin);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`${early ? `${t('question.typedAhead')}\n` : ''}${question} ${t('cli.prompt.yesNo')} `);
    return isYes(answer);
  } finally {
    rl.close();
  }
}

/**
 * Waits for Enter typed after `question` was shown (keys typed before it are dropped); Esc or
 * Ctrl+C rejects with `cancelled()`.
 */
export async function waitForEnter(io: PromptIo, question: string, cancelled: () => Error = cancelledError): Promise<void> {
  if (!canPrompt(io)) throw usageError('no-tty', t('cli.prompt.noTty'), t('cli.prompt.noTtyHint', { option: '--dns-hook' }));
  await dropTypedAhead(io.stdin);
  await rawKeys<void>(io, question, (ch) => {
    if (ch === '\r' || ch === '\n') return { done: undefined };
    if (ch === '\u0003' || ch === '\u001b') return { error: cancelled() };
    return undefined;
  });
}

/** The first line of stdin, without its line ending (`--pin-stdin`). */
export async function readLineFromStdin(stdin: NodeJS.ReadStream, what = 'PIN'): Promise<string> {
  let data = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) {
    data += chunk as string;
    const nl = data.indexOf('\n');
    if (nl >= 0) {
      data = data.slice(0, nl);
      break;
    }
    if (data.length > 4096) break;
  }
  const line = data.replace(/\r$/, '');
  const thing = t(`cli.prompt.what.${what === 'PIN' ? 'pin' : 'passphrase'}`);
  if (!line) throw usageError('empty-stdin', t('cli.prompt.emptyStdin', { what: thing }), t('cli.prompt.emptyStdinHint', { what: thing }));
  return line;
}
