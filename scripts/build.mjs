// Bundles the CLI (code-split so the wizard, server and card code load only when used) and the
// card worker (one CommonJS file). Native addons (better-sqlite3, pkcs11js) stay external:
// node-gyp builds them.
// Builds into a fresh folder and swaps it in, so a running test never sees a half-written dist/.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist`;
const staging = `${root}.dist-${process.pid}`;

// Ink's layout engine (yoga) ships its WebAssembly as a data: URL and, when fetch() exists,
// fetches it, which loads Node's whole HTTP client (undici, ~60 ms) before the first frame. Its
// non-fetch branch decodes the same bytes directly; take that branch.
const YOGA_WASM = /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: YOGA_WASM }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = source.replaceAll('"function"!=typeof fetch', 'true');
      if (patched === source) throw new Error('yoga-layout changed: the fetch branch to skip was not found; update scripts/build.mjs');
      return { contents: patched, loader: 'js' };
    });
  },
};

/** How every bundle of reissue is made: the CLI here, and the benchmarks' in-process entries. */
export const bundleOptions = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  chunkNames: 'chunks/[name]-[hash]',
  // The shell completion scripts (src/cli/completion/scripts/) and Certum's WSDL are bundled as their text.
  loader: { '.bash': 'text', '.zsh': 'text', '.fish': 'text', '.wsdl': 'text' },
  external: ['better-sqlite3', 'pkcs11js', 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  banner: {
    // Some bundled CommonJS dependencies call require() for Node built-ins.
    js: "import { createRequire as __reissueCreateRequire } from 'node:module'; const require = __reissueCreateRequire(import.meta.url);",
  },
  plugins: [yogaWithoutFetch],
};

/**
 * The card worker: one CommonJS file without chunks. Its start-up is on the card commands'
 * critical path; as one CJS file it was ready 5–10 ms sooner than as ESM importing shared chunks.
 */
export const workerBundleOptions = {
  ...bundleOptions,
  splitting: false,
  format: 'cjs',
  banner: undefined,
  chunkNames: undefined,
  entryPoints: ['src/card/pkcs11/worker.ts'],
};

export async function buildAll() {
  rmSync(staging, { recursive: true, force: true });
  await build({
    ...bundleOptions,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: staging,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await build({ ...workerBundleOptions, outfile: `${staging}/card-worker.cjs`, sourcemap: 'linked', logLevel: 'warning' });
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
