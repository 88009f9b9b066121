// Writing files a user asked for: never overwrite silently, never replace a private key (not even
// with --force), private keys mode 0600, and every output checked before anything is written, so
// a refusal leaves nothing behind. Every command writes through here.
import { lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError } from '../domain/errors.js';

export interface WriteOptions {
  /** Replace an existing file (atomically, via a temp file + rename). Never a private key. */
  overwrite?: boolean;
  mode?: number;
  /** What to do when the file exists; callers with a --force flag say so. */
  existsHint?: string;
}

/** The hint for commands that take --force. */
export const FORCE_HINT = 'Choose another file name, or pass --force to replace it.';

/** One file a command is about to write. */
export interface PlannedOutput {
  path: string;
  /** "The private key file", "The CSR file": named in messages. */
  what: string;
  /** --force: an existing file may be replaced (unless it holds a private key). */
  replace?: boolean;
  existsHint?: string;
}

/**
 * Checks every output of a command before it writes (or generates) anything: each one's folder
 * exists, none is a dangling symbolic link, none exists unless it may be replaced, none replaced
 * holds a private key, and no two resolve to the same file.
 */
export async function checkOutputs(outputs: PlannedOutput[]): Promise<void> {
  const seen = new Map<string, PlannedOutput>();
  for (const out of outputs) {
    const target = await checkOutput(out);
    const other = seen.get(target);
    if (other) {
      throw inputError('same-file', `${other.what} and ${lower(out.what)} are the same file (${out.path}); nothing was written.`, 'Give each output its own file name.', { other: other.what, what: lower(out.what), path: out.path });
    }
    seen.set(target, out);
  }
}

/** Checks one output (see checkOutputs); returns the real path it will be written at. */
async function checkOutput(out: PlannedOutput): Promise<string> {
  const info = await lstat(out.path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw writeError(e, out.path);
  });
  if (!info) {
    const dir = await realpath(dirname(resolve(out.path))).catch((e: NodeJS.ErrnoException) => {
      throw writeError(e, out.path);
    });
    return join(dir, basename(out.path));
  }
  if (info.isSymbolicLink() && !(await stat(out.path).catch(() => null))) {
    throw inputError('dangling-symlink', `${out.what} ${out.path} is a symbolic link to a file that does not exist; nothing was written.`, 'Remove the link or choose another file name.', { what: out.what, path: out.path });
  }
  if (!out.replace) throw inputError('file-exists', `${out.what} ${out.path} already exists; nothing was written.`, out.existsHint ?? 'Choose another file name.', { what: out.what, path: out.path });
  await refuseToReplacePrivateKey(out.path);
  return realpath(out.path);
}

/**
 * Writes `data` to `path`. Without `overwrite` an existing file is refused with exit 3 and left as
 * it was ('wx' makes the check and the create one step, so no race can clobber it). With it, a
 * file holding a private key is still refused.
 */
export async function writeNewFile(path: string, data: Uint8Array | string, opts: WriteOptions = {}): Promise<void> {
  const mode = opts.mode ?? 0o644;
  if (opts.overwrite) {
    await refuseToReplacePrivateKey(path);
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
    throw writeError(e as NodeJS.ErrnoException, path);
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

function writeError(e: NodeJS.ErrnoException, path: string): Error {
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return inputError('no-such-directory', `Cannot write ${path}: the folder does not exist.`, 'Create the folder first or choose another path.');
  if (e.code === 'EACCES' || e.code === 'EPERM') return inputError('permission-denied', `Cannot write ${path}: permission denied.`, 'Choose a path you can write to.');
  return e;
}

// PEM private keys of every kind (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC, OpenSSH, PuTTY).
const PRIVATE_KEY_TEXT = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File/;

/** A private key is never replaced: whatever it protects may exist nowhere else. */
async function refuseToReplacePrivateKey(path: string): Promise<void> {
  const head = await readHead(path);
  if (head && (PRIVATE_KEY_TEXT.test(head.toString('latin1')) || (await isDerPrivateKey(head)))) {
    throw inputError(
      'would-replace-private-key',
      `${path} holds a private key; a private key file is never replaced, not even with --force. Nothing was written.`,
      'Choose another file name, or move the key somewhere safe first.',
    );
  }
}

async function isDerPrivateKey(head: Buffer): Promise<boolean> {
  if (head[0] !== 0x30) return false;
  const { classifyDer } = await import('../pki/csr-parse.js');
  return classifyDer(head) === 'private-key';
}

/** The first 64 KiB of a regular file (keys are smaller), or null when there is none to read. */
async function readHead(path: string): Promise<Buffer | null> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(info.size, 64 * 1024));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Refuses before expensive or irreversible work (a key generated on a card, a new key pair) when
 * its output file already exists, so nothing is made that cannot be written. `what` names the file.
 */
export async function mustNotExist(path: string, what: string): Promise<void> {
  await checkOutputs([{ path, what }]);
}

function lower(what: string): string {
  return what.replace(/^The /, 'the ');
}
