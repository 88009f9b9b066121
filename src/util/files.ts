// Writing files a user asked for: never overwrite silently, private keys mode 0600.
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { inputError } from '../domain/errors.js';

export interface WriteOptions {
  /** Replace an existing file (atomically, via a temp file + rename). Never for private keys. */
  overwrite?: boolean;
  mode?: number;
}

/**
 * Writes `data` to `path`. Without `overwrite` an existing file is refused with exit 3 and left as
 * it was ('wx' makes the check and the create one step, so no race can clobber it).
 */
export async function writeNewFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): Promise<void> {
  const mode = opts.mode ?? 0o644;
  if (opts.overwrite) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    await writeExclusive(tmp, data, mode);
    try {
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return;
  }
  await writeExclusive(path, data, mode);
}

async function writeExclusive(path: string, data: Uint8Array | string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw inputError('file-exists', `${path} already exists; it was left unchanged.`, 'Choose another file name, or pass --force to replace it (never for private keys).');
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
