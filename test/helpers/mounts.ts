// Real file systems for the file-safety tests: a read-only tmpfs and a full one. Mounting needs
// root (the test machines run as root); a read-only folder falls back to mode 0555 otherwise
// (root would bypass that, so root gets the real mount).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';

export const isRoot = process.getuid?.() === 0;

export interface Mounted {
  path: string;
  /** The words the error names the cause with. */
  cause: RegExp;
  undo(): void;
}

/** An empty folder no file can be created in. */
export function readOnlyFolder(path: string): Mounted {
  mkdirSync(path, { recursive: true });
  if (!isRoot) {
    chmodSync(path, 0o555);
    return { path, cause: /permission denied/, undo: () => chmodSync(path, 0o755) };
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=755', 'tmpfs', path]);
  execFileSync('mount', ['-o', 'remount,ro', path]);
  return { path, cause: /read-only/, undo: () => execFileSync('umount', [path]) };
}

/** A tmpfs whose every block is taken by `filler` (new empty files still fit; their bytes do not). */
export function fullFolder(path: string): Mounted {
  if (!isRoot) throw new Error('a full file system needs root to mount a tmpfs (run the tests as root, as CI does)');
  mkdirSync(path, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', path]);
  try {
    writeFileSync(`${path}/filler`, Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC: the file system is now full, which is the point
  }
  return { path, cause: /no space left/, undo: () => execFileSync('umount', [path]) };
}
