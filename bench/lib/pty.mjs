// A pseudo-terminal without extra packages: util-linux `script` runs the command on a new pty
// (80×24 via stty), its output arrives on our pipe, our pipe's input goes to the pty as keys.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function shellQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

/** Starts argv in an 80×24 pty. The handle watches the screen text and can send keys. */
export function startInPty(argv, { env = process.env, cwd, cols = 80, rows = 24 } = {}) {
  const command = `stty cols ${cols} rows ${rows} 2>/dev/null; exec ${argv.map(shellQuote).join(' ')}`;
  const t0 = performance.now();
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  const waiters = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    raw += chunk;
    const text = stripVTControlCharacters(raw);
    const now = performance.now();
    for (const w of [...waiters]) {
      if (w.test(text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(now - t0);
      }
    }
  });
  child.stderr.resume();
  child.stdin.on('error', () => {});
  return {
    child,
    t0,
    text: () => stripVTControlCharacters(raw),
    /** Resolves with ms since spawn when the screen text first satisfies `test` (string or RegExp). */
    waitFor(what, timeoutMs = 20_000) {
      const test = typeof what === 'string' ? (t) => t.includes(what) : (t) => what.test(t);
      if (test(stripVTControlCharacters(raw))) return Promise.resolve(performance.now() - t0);
      return new Promise((resolve, reject) => {
        const w = { test, resolve };
        waiters.push(w);
        const timer = setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i !== -1) waiters.splice(i, 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen so far:\n${stripVTControlCharacters(raw).slice(-1500)}`));
        }, timeoutMs);
        const done = w.resolve;
        w.resolve = (v) => {
          clearTimeout(timer);
          done(v);
        };
      });
    },
    send(keys) {
      child.stdin.write(keys);
    },
    /** PID of the program itself (script's child: `exec` made the shell become it). */
    programPid() {
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
        return kids.length ? Number(kids[0]) : null;
      } catch {
        return null;
      }
    },
    exited,
    /** Asks politely (keys), then ends the process group this handle started. */
    async stop(quitKeys = 'q', graceMs = 1500) {
      if (child.exitCode === null && child.signalCode === null) {
        if (quitKeys) child.stdin.write(quitKeys);
        const timer = sleep(graceMs).then(() => 'timeout');
        if ((await Promise.race([exited, timer])) === 'timeout') {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
          await exited;
        }
      }
    },
  };
}

/** VmHWM (peak resident set) and VmRSS of a process, in KiB, or null when it is gone. */
export function memoryOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number(s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
    return { hwmKiB: kb('VmHWM'), rssKiB: kb('VmRSS') };
  } catch {
    return null;
  }
}
