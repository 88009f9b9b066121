// Shell completion as a shell uses it: the script `reissue completion SHELL` prints, loaded in a
// real bash, zsh and fish, asking the built binary (on PATH) for the words. Certificate ids come
// from the embedded sandbox's file and from a real `reissue serve`; a portal that never answers
// costs at most a moment and prints nothing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/domain/types.js';
import { BIN, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';
import { serve, tokenFor, type Served } from '../helpers/serve.js';

const run = promisify(execFile);

let box: Awaited<ReturnType<typeof cliSandbox>>;
let env: NodeJS.ProcessEnv;
let ids: string[];

beforeAll(async () => {
  box = await cliSandbox();
  // `reissue` on PATH, as an installed one is: the scripts call it by name.
  const binDir = join(box.dir, 'bin');
  await mkdir(binDir);
  await symlink(BIN, join(binDir, 'reissue'));
  env = cleanEnv({ ...box.env, PATH: `${binDir}:${process.env.PATH}`, HOME: box.dir });
  const listed = await runCli(['list', '--json'], { env: box.env }); // creates the sandbox
  expect(listed.code, listed.stderr).toBe(0);
  ids = (JSON.parse(listed.stdout) as Certificate[]).map((c) => c.id);
  expect(ids.length).toBeGreaterThan(3);
});
afterAll(() => box.cleanup());

/** Loads the bash script, sets COMP_WORDS/COMP_CWORD for `words` (the last being typed), calls the function. */
async function bashComplete(words: string[], cwd = box.dir): Promise<string[]> {
  const driver = 'eval "$(reissue completion bash)"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); $(complete -p reissue | sed -E "s/.*-F ([^ ]+).*/\\1/"); printf "%s\\n" "${COMPREPLY[@]}"';
  const { stdout } = await run('bash', ['--noprofile', '--norc', '-c', driver, 'bash', 'reissue', ...words], { env, cwd });
  return stdout.split('\n').filter(Boolean);
}

describe('reissue completion bash', () => {
  it('prints a script bash accepts (bash -n) that registers a completion for reissue', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    const script = join(box.dir, 'reissue.bash');
    await writeFile(script, r.stdout);
    await run('bash', ['-n', script]);
    const { stdout } = await run('bash', ['--noprofile', '--norc', '-c', `source ${script}; complete -p reissue`], { env });
    expect(stdout).toMatch(/complete -F \S+ reissue/);
  });

  it('completes a command, a subcommand and an option', async () => {
    expect(await bashComplete(['li'])).toEqual(['list']);
    expect((await bashComplete(['card', 'i'])).sort()).toEqual(['install']);
    expect(await bashComplete(['download', ids[0]!, '--fo'])).toEqual(['--format', '--force']);
    // The command's own options, then the program's.
    const options = await bashComplete(['csr', 'new', '--']);
    expect(options).toEqual(expect.arrayContaining(['--for', '--algorithm', '--key-out', '--encrypt', '--portal', '--lang', '--help']));
  });

  it('completes the value of --lang, --algorithm, --key-source, --format and --reason', async () => {
    expect(await bashComplete(['--lang', ''])).toEqual(['en', 'pl']);
    // "--lang=p" as bash splits it (COMP_WORDBREAKS holds "=").
    expect(await bashComplete(['--lang', '=', 'p'])).toEqual(['pl']);
    expect(await bashComplete(['card', 'keygen', '--algorithm', 'ec'])).toEqual(['ec-p256', 'ec-p384']);
    expect(await bashComplete(['submit', ids[0]!, '--key-source', ''])).toEqual(['csr', 'card', 'cloud']);
    expect(await bashComplete(['csr', 'check', 'x.csr', '--key-source', ''])).toEqual(['csr', 'card']);
    expect(await bashComplete(['crl', '--format', 'd'])).toEqual(['der']);
    expect(await bashComplete(['revoke', ids[0]!, '--reason', 'key'])).toEqual(['keyCompromise']);
    expect(await bashComplete(['completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it("completes certificate ids from the configured portal for show, download, submit, revoke and card install", async () => {
    const prefix = ids[0]!.slice(0, 5);
    const expected = ids.filter((id) => id.startsWith(prefix));
    for (const words of [['show'], ['download'], ['submit'], ['revoke'], ['card', 'install'], ['csr', 'new', '--for']]) {
      expect((await bashComplete([...words, prefix])).sort(), words.join(' ')).toEqual([...expected].sort());
    }
    expect(await bashComplete(['show', ids[1]!])).toEqual([ids[1]]);
  });

  it('completes file names where a file is expected, folders for --data-dir', async () => {
    const work = join(box.dir, 'work');
    await mkdir(join(work, 'requests'), { recursive: true });
    await writeFile(join(work, 'req.csr'), 'x');
    await writeFile(join(work, 'notes.txt'), 'x');
    expect(await bashComplete(['submit', ids[0]!, '--csr', 're'], work)).toEqual(['req.csr', 'requests']);
    expect(await bashComplete(['csr', 'check', 'n'], work)).toEqual(['notes.txt']);
    expect(await bashComplete(['--data-dir', ''], work)).toEqual(['requests']);
  });
});

describe('reissue __complete', () => {
  it('offers the commands help lists: one command tree for both', async () => {
    const help = await runCli(['--help']);
    const section = help.stdout.split(/^Commands:$/m)[1]!;
    const commands = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['list', 'show', 'card', 'completion', 'doctor']));
    const r = await runCli(['__complete', '--', '']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0])).toEqual(commands);
    // Each with its help text, in the language asked for.
    expect(r.stdout).toContain('list\tlist the certificates you can see');
    const pl = await runCli(['__complete', '--', ''], { env: { REISSUE_LANG: 'pl' } });
    expect(pl.stdout).not.toContain('list the certificates you can see');
  });

  it('never creates the sandbox, and prints nothing where there are no ids', async () => {
    const fresh = await cliSandbox();
    try {
      const r = await runCli(['__complete', '--', 'show', ''], { env: fresh.env });
      expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(existsSync(fresh.dataDir)).toBe(false);
    } finally {
      await fresh.cleanup();
    }
  });

  describe('with an HTTP portal', () => {
    let served: Served;
    let token: string;
    let silent: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      token = await tokenFor(box.dataDir, 'demo');
      served = await serve(box.dataDir, box.env);
      // A portal that takes the connection and never answers.
      silent = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => {
      served?.child.kill('SIGTERM');
      sockets.forEach((s) => s.destroy());
      silent?.close();
    });

    it('lists the ids the token can see, with --portal typed on the line', async () => {
      const r = await runCli(['__complete', '--', '--portal', served.url, 'revoke', ''], { env: { ...box.env, REISSUE_TOKEN: token } });
      expect(r.code).toBe(0);
      const offered = r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
      expect(offered.sort()).toEqual([...ids].sort());
    });

    it('gives up on a portal that does not answer within a second, printing nothing', async () => {
      const { port } = silent.address() as { port: number };
      const started = Date.now();
      const r = await runCli(['__complete', '--', '--portal', `http://127.0.0.1:${port}`, 'show', ''], { env: { ...box.env, REISSUE_TOKEN: token } });
      const took = Date.now() - started;
      expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
      expect(sockets.length).toBeGreaterThan(0); // it did ask
      // One second for the portal, the rest is Node starting on a busy machine.
      expect(took).toBeLessThan(4000);
    });
  });
});

describe('reissue completion zsh', () => {
  it('loads in zsh (sourced after compinit, or from $fpath) and completes through the same entry', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(box.dir, 'zsh-completions');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '_reissue'), r.stdout);
    await run('zsh', ['-n', join(dir, '_reissue')]);
    const zsh = (script: string) => run('zsh', ['-f', '-c', script], { env: { ...env, ZDOTDIR: box.dir } });

    const sourced = await zsh(`autoload -U compinit && compinit -u -D && source ${join(dir, '_reissue')} && print -r -- $_comps[reissue]`);
    expect(sourced).toEqual({ stdout: '_reissue\n', stderr: '' });
    const fromFpath = await zsh(`fpath=(${dir} $fpath); autoload -U compinit && compinit -u -D && print -r -- $_comps[reissue]`);
    expect(fromFpath).toEqual({ stdout: '_reissue\n', stderr: '' });

    // The function itself, with the completion system's display functions standing in.
    const driver = `source ${join(dir, '_reissue')} 2>/dev/null; _describe() { print -rl -- "\${(@P)\${@[-1]}}" }; _files() { print -r -- FILES "$@" }; words=(reissue show ${ids[2]!.slice(0, 6)}); CURRENT=3; _reissue; words=(reissue --lang ''); CURRENT=3; _reissue; words=(reissue submit x --csr ''); CURRENT=5; _reissue`;
    const { stdout } = await zsh(driver);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toContain(`${ids[2]}:${(JSON.parse((await runCli(['show', ids[2]!, '--json'], { env: box.env })).stdout) as Certificate).commonName}`);
    expect(lines).toEqual(expect.arrayContaining(['en', 'pl', 'FILES']));
  });
});

describe('reissue completion fish', () => {
  it('loads in fish and completes a command, a value and a certificate id', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code, r.stderr).toBe(0);
    const script = join(box.dir, 'reissue.fish');
    await writeFile(script, r.stdout);
    await run('fish', ['--no-execute', script]);
    const fish = async (line: string) =>
      (await run('fish', ['--no-config', '-c', `source ${script}; complete -C ${JSON.stringify(line)}`], { env })).stdout.split('\n').filter(Boolean);
    expect(await fish('reissue sta')).toEqual(['status\tcopies awaiting their automatic revocation']);
    expect(await fish('reissue card keygen --algorithm rsa-4')).toEqual(['rsa-4096']);
    expect((await fish(`reissue download ${ids[3]!}`)).map((l) => l.split('\t')[0])).toEqual([ids[3]]);
  });
});
