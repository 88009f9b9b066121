// vitest globalSetup: the end-to-end tests run the bundled binary, so build it when it is
// missing or older than the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export default async function setup(): Promise<void> {
  const cli = join(root, 'dist', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestSource(join(root, 'src'))) return;
  const { buildAll } = (await import(join(root, 'scripts', 'build.mjs'))) as { buildAll: () => Promise<void> };
  try {
    await buildAll();
  } catch (e) {
    // Unit tests do not need the bundle; the end-to-end tests fail on their own, saying so.
    console.warn(`build failed, end-to-end tests will fail: ${(e as Error).message.split('\n')[0]}`);
  }
}
