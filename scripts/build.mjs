// Bundles the CLI (code-split so the wizard, server and card code load only when used) and the
// card worker. Native addons (better-sqlite3, pkcs11js) stay external: node-gyp builds them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', 'card-worker': 'src/card/worker.ts' },
  outdir: 'dist',
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
