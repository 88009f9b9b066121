// Folders this program creates hold keys, tokens and the portal's data: each one it makes (the
// parents included) is 0700 whatever the umask. Folders that already exist are not touched here.
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` and its missing parents, each mode 0700; returns the folders it made, outermost first. */
export function makePrivateDir(dir: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(dir); !exists(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  const made: string[] = [];
  for (const p of missing) {
    try {
      mkdirSync(p, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // made by someone else meanwhile: not ours
      throw e;
    }
    chmodSync(p, 0o700); // the umask may have narrowed it (0500 under umask 0277 would lock us out)
    made.push(p);
  }
  return made;
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
