// The last card error and the last portal error a command met, kept for `reissue doctor` (a
// support desk asks for them). Only what the error itself says: code, message, hint, when, and
// the command's name. Never argv (it may hold a token) and never a PIN (no error holds one).
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import envPaths from 'env-paths';
import type { ReissueError } from '../domain/errors.js';
import { makePrivateDir } from '../util/private-dir.js';

export interface LastError {
  code: string;
  message: string;
  hint: string | null;
  at: string;
  command: string;
}

export interface LastErrors {
  card: LastError | null;
  portal: LastError | null;
}

export function lastErrorsFile(): string {
  return join(envPaths('reissue', { suffix: '' }).log, 'last-errors.json');
}

export async function readLastErrors(file = lastErrorsFile()): Promise<LastErrors> {
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Partial<LastErrors>;
    return { card: data.card ?? null, portal: data.portal ?? null };
  } catch {
    return { card: null, portal: null };
  }
}

/** Keeps a card or portal error; anything else is left out. Best effort: never fails the command. */
export async function recordLastError(e: ReissueError, command: string, at: Date, file = lastErrorsFile()): Promise<void> {
  if (e.kind !== 'card' && e.kind !== 'portal') return;
  try {
    const all = await readLastErrors(file);
    all[e.kind] = { code: e.code, message: e.message, hint: e.hint ?? null, at: at.toISOString(), command };
    makePrivateDir(join(file, '..'));
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  } catch {
    // A state folder we cannot write to must not hide the error the user is about to read.
  }
}
