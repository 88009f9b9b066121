// Writing files a user asked for: never overwrite silently, private keys mode 0600.
import { access, open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { inputError } from '../domain/errors.js';

export interface WriteOptions {
  /** Replace an existing file (atomically, via a temp file + rename). Never for private keys. */
  overwrite?: boolean;
  mode?: number;
  /** What to do when the file exists; callers with a --force flag say so. */
  existsHint?: string;
}

/** The hint for commands that take --force. */
export const FORCE_HINT = 'Choose another file name, or pass --force to replace it.';

/**
 * Writes `data` to `path`. Without `overwrite` an existing file is refused with exit 3 and left as
 * it was ('wx' makes the check and the create one step, so no race can clobber it).
 */
export async function writeNewFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): Promise<void> {
  const mode = opts.mode ?? 0o644;
  if (opts.overwrite) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    await writeExclusive(tmp, data, mode, opts.existsHint);
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return;
  }
  await writeExclusive(path, data, mode, opts.existsHint);
}

async function writeExclusive(path: string, data: Uint8Array | string, mode: number, existsHint = 'Choose another file name.'): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw inputError('file-exists', `${path} already exists; it was left unchanged.`, existsHint);
    }
    if (code === 'ENOENT') throw inputError('no-such-directory', `Cannot write ${path}: the folder does not exist.`, 'Create the folder first or choose another path.');
    if (code === 'EACCES' || code === 'EPERM') throw inputError('permission-denied', `Cannot write ${path}: permission denied.`, 'Choose a path you can write to.');
    throw e;
  }
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // umask may have narrowed or the FS widened it
  } catch (e) {
    await handle.close();
    await rm(path, { force: true });
    throw e;
  }
  await handle.close();
}

/**
 * Refuses before expensive or irreversible work (a key generated on a card, a new key pair) when
 * its output file already exists, so nothing is made that cannot be written. `what` names the file.
 */
export async function mustNotExist(path: string, what: string): Promise<void> {
  try {
    await access(path);
  } catch {
    return;
  }
  throw inputError('file-exists', `${what} ${path} already exists; nothing was generated.`, 'Choose another file name.');
}
