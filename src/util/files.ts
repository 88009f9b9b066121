// Writing files a user asked for: never overwrite silently, never replace a private key (not even
// with --force), with --force replace only a file that holds what the command writes there,
// private keys mode 0600, and every output checked before anything is written. Each output goes
// to a temporary file in its own folder and is then linked or renamed into place, so a file
// appears whole or not at all, and a failure anywhere leaves nothing new behind. Every command
// writes through here (writeOutputs).
import { randomBytes } from 'node:crypto';
import { link, lstat, open, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError, isReissueError } from '../domain/errors.js';
import type { FoundKind, OutputKind } from './file-kind.js';

export type { OutputKind } from './file-kind.js';

/** The hint for commands that take --force. */
export const FORCE_HINT = 'Choose another file name, or pass --force to replace it.';

/** One file a command is about to write. */
export interface PlannedOutput {
  path: string;
  /** "The private key file", "The CSR file": named in messages. */
  what: string;
  /** What the file will hold: with `replace`, an existing file is replaced only when it holds the same (without a kind, nothing is). */
  kind?: OutputKind;
  /** --force: an existing file may be replaced (never a private key, never anything unrecognised). */
  replace?: boolean;
  existsHint?: string;
}

/** One file a command writes: what it is, and its bytes. */
export interface Output extends PlannedOutput {
  data: Uint8Array | string;
  /** Default 0644; private keys 0600. */
  mode?: number;
}

/**
 * Checks every output of a command before it writes (or generates) anything: each one's folder
 * exists and takes a new file (a probe file is created and removed, so a read-only file system or
 * a full disk is found now), none is a folder or a dangling symbolic link, none exists unless it
 * may be replaced and holds what would replace it, and no two resolve to the same file.
 */
export async function checkOutputs(outputs: readonly PlannedOutput[]): Promise<void> {
  const seen = new Map<string, PlannedOutput>();
  for (const out of outputs) {
    const target = await checkOutput(out);
    const other = seen.get(target);
    if (other) {
      throw inputError('same-file', `${other.what} and ${lower(out.what)} are the same file (${out.path}); nothing was written.`, 'Give each output its own file name.', { other: other.what, what: lower(out.what), path: out.path });
    }
    seen.set(target, out);
  }
  for (const folder of new Set(outputs.map((o) => dirname(resolve(o.path))))) {
    await probeFolder(folder, outputs.find((o) => dirname(resolve(o.path)) === folder)!.path);
  }
}

/** Checks one output (see checkOutputs); returns the real path it will be written at. */
async function checkOutput(out: PlannedOutput): Promise<string> {
  const info = await lstat(out.path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw fileError(e, out.path);
  });
  if (!info) {
    const dir = await realpath(dirname(resolve(out.path))).catch((e: NodeJS.ErrnoException) => {
      throw fileError(e, out.path);
    });
    return join(dir, basename(out.path));
  }
  const target = info.isSymbolicLink() ? await stat(out.path).catch(() => null) : info;
  if (!target) {
    throw inputError('dangling-symlink', `${out.what} ${out.path} is a symbolic link to a file that does not exist; nothing was written.`, 'Remove the link or choose another file name.', { what: out.what, path: out.path });
  }
  if (target.isDirectory()) throw fileError({ code: 'EISDIR' } as NodeJS.ErrnoException, out.path);
  if (!target.isFile()) {
    throw inputError('output-not-a-file', `Cannot write ${out.path}: it is not a regular file (a device, pipe or socket); nothing was written.`, 'Choose a file name in a folder.', { path: out.path });
  }
  if (!out.replace) {
    throw inputError('file-exists', `${out.what} ${out.path} already exists; nothing was written.`, out.existsHint ?? 'Choose another file name.', { what: out.what, path: out.path });
  }
  await refuseToReplace(out);
  return realpath(out.path);
}

/** --force replaces only what the command itself writes there; a private key never. */
async function refuseToReplace(out: PlannedOutput): Promise<void> {
  const found = await existingKind(out.path);
  if (found === 'empty' || (out.kind && found === out.kind && found !== 'private-key')) return;
  if (found === 'private-key') {
    throw inputError(
      'would-replace-private-key',
      `${out.path} holds a private key; a private key file is never replaced, not even with --force. Nothing was written.`,
      'Choose another file name, or move the key somewhere safe first.',
      { path: out.path },
    );
  }
  throw inputError(
    'would-replace-other',
    `${out.path} does not hold ${out.kind ? KIND_WORDS[out.kind] : 'what this command writes'} (it holds ${FOUND_WORDS[found]}); an existing file is replaced only when it holds what would be written there. Nothing was written.`,
    'Choose another file name, or move that file away first if you are sure it is not needed.',
    { path: out.path, expected: out.kind, found },
  );
}

const KIND_WORDS: Record<OutputKind, string> = {
  certificate: 'a certificate',
  csr: 'a CSR',
  crl: 'a CRL',
  diagnosis: 'a reissue doctor bundle',
  'private-key': 'a private key',
};
const FOUND_WORDS: Record<Exclude<FoundKind, 'empty' | 'private-key'>, string> = {
  ...KIND_WORDS,
  other: 'data this program does not write, such as a PKCS#12 keystore or a key in another format',
};

/** What the existing file at `path` holds (its first 8 MiB: more is no file this program writes). */
async function existingKind(path: string): Promise<FoundKind> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw fileError(e, path);
  });
  try {
    const { size } = await handle.stat();
    if (size > 8 * 1024 * 1024) return 'other';
    const buf = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buf, 0, size, 0);
    const { fileKind } = await import('./file-kind.js');
    return fileKind(buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Creates and removes an empty file in `folder`: the folder takes new files (not read-only, not full, allowed). */
async function probeFolder(folder: string, shownPath: string): Promise<void> {
  const probe = tempName(folder);
  const handle = await open(probe, 'wx', 0o600).catch((e: NodeJS.ErrnoException) => {
    throw fileError(e, shownPath);
  });
  await handle.close();
  await rm(probe, { force: true });
}

/**
 * Writes every output of a command, or none: all are checked, then each is written in full to a
 * temporary file in its folder, and only then put in place — linked (a new file; never over one
 * that appeared meanwhile) or renamed (a replacement). On any failure the temporary files and the
 * files this call already put in place are removed, and the error names the path and the cause.
 */
export async function writeOutputs(outputs: readonly Output[]): Promise<void> {
  await checkOutputs(outputs);
  const staged: { out: Output; tmp: string }[] = [];
  const placed: string[] = [];
  try {
    for (const out of outputs) {
      const tmp = tempName(dirname(resolve(out.path)));
      await writeTemp(tmp, out);
      staged.push({ out, tmp });
    }
    for (const { out, tmp } of staged) {
      await place(tmp, out);
      if (!out.replace) placed.push(out.path);
    }
  } catch (e) {
    await Promise.all([...staged.map((s) => rm(s.tmp, { force: true })), ...placed.map((p) => rm(p, { force: true }))]);
    throw e;
  }
  await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
}

/** One new file (see writeOutputs), never replacing one. */
export function writeNewFile(path: string, data: Uint8Array | string, opts: { mode?: number; existsHint?: string; what?: string } = {}): Promise<void> {
  return writeOutputs([{ path, data, what: opts.what ?? 'The file', mode: opts.mode, existsHint: opts.existsHint }]);
}

async function writeTemp(tmp: string, out: Output): Promise<void> {
  const mode = out.mode ?? 0o644;
  const handle = await open(tmp, 'wx', mode).catch((e: NodeJS.ErrnoException) => {
    throw fileError(e, out.path);
  });
  try {
    await handle.writeFile(out.data);
    await handle.chmod(mode); // umask may have narrowed or the FS widened it
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw fileError(e as NodeJS.ErrnoException, out.path);
  }
  await handle.close();
}

async function place(tmp: string, out: Output): Promise<void> {
  try {
    if (out.replace) return await rename(tmp, out.path);
    // link() fails if the name exists: a file that appeared since the check is never clobbered.
    await link(tmp, out.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw inputError('file-exists', `${out.what} ${out.path} already exists; nothing was written.`, out.existsHint ?? 'Choose another file name.', { what: out.what, path: out.path });
    }
    // A file system without hard links (FAT, some network shares): rename, once no file is there.
    const noLinks = code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS';
    if (!out.replace && noLinks && !(await lstat(out.path).then(() => true, () => false))) {
      return rename(tmp, out.path).catch((err: NodeJS.ErrnoException) => {
        throw fileError(err, out.path);
      });
    }
    throw fileError(e as NodeJS.ErrnoException, out.path);
  }
  await unlink(tmp).catch(() => undefined);
}

/** A short hidden name (a long output name must not make the temporary one too long). */
function tempName(folder: string): string {
  return join(folder, `.reissue-${randomBytes(6).toString('hex')}.tmp`);
}

/** What the system said, in words, with the path: exit 3, as for any bad output path. */
export function fileError(e: NodeJS.ErrnoException, path: string): Error {
  if (isReissueError(e)) return e;
  const details = { path, cause: e.code ?? 'unknown' };
  switch (e.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return inputError('no-such-directory', `Cannot write ${path}: the folder does not exist.`, 'Create the folder first or choose another path.', details);
    case 'EACCES':
    case 'EPERM':
      return inputError('permission-denied', `Cannot write ${path}: permission denied.`, 'Choose a path you can write to.', details);
    case 'EROFS':
      return inputError('output-read-only', `Cannot write ${path}: the file system is read-only. Nothing was written.`, 'Choose a path on a file system you can write to.', details);
    case 'EISDIR':
      return inputError('output-is-directory', `Cannot write ${path}: it is a folder, not a file. Nothing was written.`, 'Give a file name (for example inside that folder).', details);
    case 'ENOSPC':
    case 'EDQUOT':
      return inputError('output-no-space', `Cannot write ${path}: no space left on the device (or the quota is used up). Nothing was written.`, 'Free some space or choose another place.', details);
    case 'ENAMETOOLONG':
      return inputError('output-name-too-long', `Cannot write ${path}: the file name is too long for the file system. Nothing was written.`, 'Choose a shorter file name.', details);
    case 'ELOOP':
      return inputError('output-link-loop', `Cannot write ${path}: too many symbolic links (a loop?). Nothing was written.`, 'Choose another path.', details);
    default:
      return inputError('output-write-failed', `Cannot write ${path}: the system refused it (${e.code ?? e.message}). Nothing was written.`, 'Choose another path, or check the disk.', details);
  }
}

/**
 * Refuses before expensive or irreversible work (a key generated on a card, a new key pair) when
 * its output file already exists or cannot be written, so nothing is made that cannot be written.
 */
export async function mustNotExist(path: string, what: string): Promise<void> {
  await checkOutputs([{ path, what }]);
}

function lower(what: string): string {
  return what.replace(/^The /, 'the ');
}
