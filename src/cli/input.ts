// Reading user-supplied files (`-` for stdin) with a size cap, so nothing huge is slurped.
import { open } from 'node:fs/promises';
import { inputError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

export async function readInputFile(path: string, stdin: NodeJS.ReadStream, max = MAX_INPUT_BYTES): Promise<Uint8Array> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stdin) {
      size += (chunk as Buffer).length;
      if (size > max) break; // the checks report "too large"; no need to read on
      chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('file-not-found', t('cli.input.notFound', { path }), t('cli.input.notFoundHint'));
    if (code === 'EISDIR') throw isDirectory(path);
    if (code === 'EACCES') throw inputError('permission-denied', t('cli.input.permissionDenied', { path }));
    throw e;
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw isDirectory(path);
    const buf = Buffer.alloc(Math.min(stat.size, max + 1));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return new Uint8Array(buf.subarray(0, bytesRead));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw isDirectory(path);
    throw e;
  } finally {
    await handle.close();
  }
}

const isDirectory = (path: string) => inputError('is-directory', t('cli.input.isDirectory', { path }));
