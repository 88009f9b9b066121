// Bundles a TypeScript entry for a test the way the product's build does (scripts/build.mjs), into
// a temp folder: native addons stay external but resolve to this checkout's copies by absolute
// path, since the bundle does not sit next to node_modules.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const requireHere = createRequire(import.meta.url);

const nativeAddonsByPath: Plugin = {
  name: 'native-addons-by-path',
  setup(b) {
    for (const name of ['better-sqlite3', 'pkcs11js']) {
      const path = requireHere.resolve(name);
      b.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path, external: true }));
    }
  },
};

export async function bundleForTest(options: Pick<BuildOptions, 'entryPoints' | 'outfile' | 'outdir' | 'splitting'>, plugins: Plugin[] = []): Promise<void> {
  const { build } = await import('esbuild');
  const { bundleOptions } = (await import(join(root, 'scripts', 'build.mjs'))) as { bundleOptions: BuildOptions };
  await build({
    ...bundleOptions,
    splitting: false,
    ...options,
    external: (bundleOptions.external ?? []).filter((x) => x !== 'better-sqlite3' && x !== 'pkcs11js'),
    plugins: [...(bundleOptions.plugins ?? []), nativeAddonsByPath, ...plugins],
    logLevel: 'error',
  });
}
