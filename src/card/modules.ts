// Where PKCS#11 modules are found, in order: the path the user named (--module or config), then
// REISSUE_PKCS11_MODULE, then the p11-kit registry, then well-known install paths (SoftHSM2,
// OpenSC, Certum's cryptoCertum modules). Only names are produced here; loading (and reporting a
// module that fails to load) is the worker's job.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export type ModuleSource = 'explicit' | 'env' | 'p11-kit' | 'well-known';

export interface ModuleCandidate {
  path: string;
  source: ModuleSource;
}

export interface DiscoveryOptions {
  /** --module or the config file: when given, it is the only module used. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  /** Folders with p11-kit `*.module` files. */
  registryDirs?: string[];
  /** Folders where p11-kit looks for modules named without a path. */
  libDirs?: string[];
  /** Well-known module paths. */
  wellKnown?: string[];
}

const MULTIARCH = ['x86_64-linux-gnu', 'aarch64-linux-gnu', 'arm-linux-gnueabihf', 'i386-linux-gnu'];

export const DEFAULT_REGISTRY_DIRS = ['/etc/pkcs11/modules', '/usr/share/p11-kit/modules'];

export const DEFAULT_LIB_DIRS = [...MULTIARCH.map((a) => `/usr/lib/${a}/pkcs11`), '/usr/lib/pkcs11', '/usr/lib64/pkcs11', '/usr/local/lib/pkcs11'];

const LIB_ROOTS = ['/usr/lib', ...MULTIARCH.map((a) => `/usr/lib/${a}`), '/usr/lib64', '/usr/local/lib', '/opt/proCertum/lib', '/opt/proCertumCardManager', '/opt/proCertumSmartSign/lib'];

const WELL_KNOWN_NAMES = [
  'softhsm/libsofthsm2.so',
  'libsofthsm2.so',
  'opensc-pkcs11.so',
  'pkcs11/opensc-pkcs11.so',
  // Certum: proCertum SmartSign and CardManager ship their own modules for cryptoCertum cards.
  'libcryptoCertum3PKCS.so',
  'libcrypto3PKCS.so',
  'sc30pkcs11-3.0.6.68-MS.so',
  'sc30pkcs11.so',
];

export const DEFAULT_WELL_KNOWN = LIB_ROOTS.flatMap((root) => WELL_KNOWN_NAMES.map((n) => join(root, n)));

/** p11-kit module files are `key: value` lines; `module:` names the library. */
export function parseRegistryFile(text: string): { module: string | null; trustOnly: boolean; disabled: boolean } {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) values.set(m[1]!.toLowerCase(), m[2]!);
  }
  return {
    module: values.get('module') || null,
    // The p11-kit trust module holds CA anchors, not cards.
    trustOnly: /^(yes|true)$/i.test(values.get('trust-policy') ?? ''),
    disabled: /^(no|false)$/i.test(values.get('enable-in') ?? 'yes') || /^(yes|true)$/i.test(values.get('disabled') ?? ''),
  };
}

function registryModules(dirs: string[], libDirs: string[]): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.module')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      let parsed;
      try {
        parsed = parseRegistryFile(readFileSync(join(dir, name), 'utf8'));
      } catch {
        continue;
      }
      if (!parsed.module || parsed.trustOnly || parsed.disabled) continue;
      if (isAbsolute(parsed.module)) out.push(parsed.module);
      else {
        const found = libDirs.map((d) => join(d, parsed.module!)).find((p) => existsSync(p));
        if (found) out.push(found);
      }
    }
  }
  return out;
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The modules to try, de-duplicated by real path (a symlink and its target are one module).
 * A module the user named (explicit, then REISSUE_PKCS11_MODULE) is the only candidate and is kept
 * even if it does not exist, so the failure is reported with its path; discovered paths must exist.
 */
export function discoverModules(opts: DiscoveryOptions = {}): ModuleCandidate[] {
  if (opts.explicit) return [{ path: opts.explicit, source: 'explicit' }];
  const env = opts.env ?? process.env;
  // A module named in the environment is a choice too: use it alone.
  if (env.REISSUE_PKCS11_MODULE) return [{ path: env.REISSUE_PKCS11_MODULE, source: 'env' }];
  const out: ModuleCandidate[] = [];
  const seen = new Set<string>();
  const add = (path: string, source: ModuleSource, mustExist: boolean) => {
    if (mustExist && !existsSync(path)) return;
    const key = canonical(path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, source });
  };
  for (const p of registryModules(opts.registryDirs ?? DEFAULT_REGISTRY_DIRS, opts.libDirs ?? DEFAULT_LIB_DIRS)) add(p, 'p11-kit', true);
  for (const p of opts.wellKnown ?? DEFAULT_WELL_KNOWN) add(p, 'well-known', true);
  return out;
}
