// Bundles the CLI (code-split so the wizard, server and card code load only when used) and the
// card worker. Native addons (better-sqlite3, pkcs11js) stay external: node-gyp builds them.
// Builds into a fresh folder and swaps it in, so a running test never sees a half-written dist/.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist`;
const staging = `${root}.dist-${process.pid}`;

export async function buildAll() {
  rmSync(staging, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { cli: 'src/cli/main.ts', 'card-worker': 'src/card/worker.ts' },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    jsx: 'automatic',
    chunkNames: 'chunks/[name]-[hash]',
    external: ['better-sqlite3', 'pkcs11js', 'react-devtools-core'],
    define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
    banner: {
      // Some bundled CommonJS dependencies call require() for Node built-ins.
      js: "import { createRequire as __reissueCreateRequire } from 'node:module'; const require = __reissueCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const old = `${root}.dist-old-${process.pid}`;
  try {
    renameSync(out, old);
  } catch {
    // no previous build
  }
  renameSync(staging, out);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildAll();
}
