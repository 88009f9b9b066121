// Secrets given on the command line out of the process list. Any user can read another's
// /proc/PID/cmdline (what `ps` shows); Node lets a process rewrite that memory through
// process.title, which libuv writes over the original argument area and pads with zeros. The
// launcher loads this first whenever such an option is given, so the token is visible only while
// Node starts (measured in the README); --token-file and REISSUE_TOKEN avoid even that.
import { readFileSync } from 'node:fs';
import { redactUrl } from '../util/redact.js';

/** Options whose value is a secret (hidden whole), and options whose URL may carry a password. */
const SECRET_VALUE = ['--token'];
const URL_VALUE = ['--portal', '--smtp'];

/** `args` with secret values replaced; null when there is nothing to hide. Pure. */
export function argsWithoutSecrets(args: readonly string[]): string[] | null {
  const out = [...args];
  let changed = false;
  const hide = (name: string, value: string) => (SECRET_VALUE.includes(name) ? '***' : redactUrl(value));
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (arg === '--') break;
    // `config set token T` (or smtp / portal URL): the value is the word after the key.
    if (arg === 'set' && out[i - 1] === 'config' && out[i + 2] !== undefined) {
      const key = out[i + 1]!;
      const name = key === 'token' ? '--token' : key === 'smtp' || key === 'portal' ? '--portal' : null;
      const value = out[i + 2]!;
      const shown = name ? hide(name, value) : value;
      if (shown !== value) {
        out[i + 2] = shown;
        changed = true;
      }
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!SECRET_VALUE.includes(name) && !URL_VALUE.includes(name)) continue;
    const index = eq > 0 ? i : i + 1;
    const value = eq > 0 ? arg.slice(eq + 1) : out[index];
    if (value === undefined) continue;
    const shown = hide(name, value);
    if (shown === value) continue;
    out[index] = eq > 0 ? `${name}=${shown}` : shown;
    changed = true;
  }
  return changed ? out : null;
}

/** The command line as the system shows it (Linux: exactly; elsewhere: as Node knows it). */
function systemArgs(): string[] {
  try {
    return readFileSync('/proc/self/cmdline', 'latin1').replace(/\0+$/, '').split('\0');
  } catch {
    return [process.argv0, ...process.argv.slice(1)];
  }
}

const hidden = argsWithoutSecrets(systemArgs());
if (hidden) process.title = hidden.join(' ');
