// Where PKCS#11 modules are found, in order: the path the user named (--module or config), then
// REISSUE_PKCS11_MODULE, then p11-kit's client module when P11_KIT_SERVER_ADDRESS points at a
// `p11-kit server`, then the p11-kit registry (system and user config, `enable-in` / `disable-in`
// for the program name `reissue`), then well-known install paths (SoftHSM2, OpenSC, Certum's
// cryptoCertum modules). Only names are produced here; loading (and reporting a
// module that fails to load) is the worker's job.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export type ModuleSource = 'explicit' | 'env' | 'p11-kit-remote' | 'p11-kit' | 'well-known';

/** p11-kit's client module: talks to `p11-kit server` at P11_KIT_SERVER_ADDRESS. */
export const P11_KIT_CLIENT = 'p11-kit-client.so';

export interface ModuleCandidate {
  path: string;
  source: ModuleSource;
}

export interface DiscoveryOptions {
  /** --module or the config file: when given, it is the only module used. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  /** Folders with p11-kit `*.module` files (system). */
  registryDirs?: string[];
  /** The user's p11-kit module folders (default: from HOME / XDG_CONFIG_HOME). */
  userRegistryDirs?: string[];
  /** The name `enable-in` / `disable-in` are matched against. */
  program?: string;
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

/** The program name p11-kit's `enable-in` / `disable-in` lists are matched against. */
export const PROGRAM_NAME = 'reissue';

/** p11-kit module files are `key: value` lines (pkcs11.conf(5)); later lines win, `#` starts a comment. */
export function parseModuleConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) values.set(m[1]!.toLowerCase(), m[2]!);
  }
  return values;
}

const listOf = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);

/**
 * What a module config means for this program: the library, whether it only holds trust anchors
 * (the p11-kit trust module: CA certificates, not cards), and whether it is off for `program`
 * (`enable-in` lists the only programs that load it, `disable-in` those that do not).
 */
export function moduleConfigFor(values: Map<string, string>, program = PROGRAM_NAME): { module: string | null; trustOnly: boolean; disabled: boolean } {
  const enableIn = values.get('enable-in');
  const disabled =
    (enableIn !== undefined && !listOf(enableIn).includes(program)) ||
    listOf(values.get('disable-in')).includes(program) ||
    /^(yes|true)$/i.test(values.get('disabled') ?? '');
  return {
    module: values.get('module') || null,
    trustOnly: /^(yes|true)$/i.test(values.get('trust-policy') ?? ''),
    disabled,
  };
}

export function parseRegistryFile(text: string, program = PROGRAM_NAME): { module: string | null; trustOnly: boolean; disabled: boolean } {
  return moduleConfigFor(parseModuleConfig(text), program);
}

/** p11-kit's user module folders: $XDG_CONFIG_HOME/pkcs11/modules (else ~/.config/…), and the older ~/.pkcs11/modules. */
export function userRegistryDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME;
  const config = env.XDG_CONFIG_HOME || (home ? join(home, '.config') : null);
  return [...(config ? [join(config, 'pkcs11', 'modules')] : []), ...(home ? [join(home, '.pkcs11', 'modules')] : [])];
}

function readConfigs(dir: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.module')).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      out.set(name, parseModuleConfig(readFileSync(join(dir, name), 'utf8')));
    } catch {
      continue;
    }
  }
  return out;
}

/**
 * The modules the registry names for this program. As p11-kit does, a user file with the same
 * name as a system file is merged over it (its settings win), so a user can switch a system
 * module off for one program with `disable-in`.
 */
function registryModules(systemDirs: string[], userDirs: string[], libDirs: string[], program: string): { enabled: string[]; disabled: string[] } {
  const merged = new Map<string, Map<string, string>>();
  for (const dir of [...systemDirs, ...userDirs]) {
    for (const [name, values] of readConfigs(dir)) merged.set(name, new Map([...(merged.get(name) ?? []), ...values]));
  }
  const out = { enabled: [] as string[], disabled: [] as string[] };
  for (const name of [...merged.keys()].sort()) {
    const parsed = moduleConfigFor(merged.get(name)!, program);
    if (!parsed.module || parsed.trustOnly) continue;
    const path = isAbsolute(parsed.module) ? parsed.module : libDirs.map((d) => join(d, parsed.module!)).find((p) => existsSync(p));
    if (path) out[parsed.disabled ? 'disabled' : 'enabled'].push(path);
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
  const libDirs = opts.libDirs ?? DEFAULT_LIB_DIRS;
  // A card on another machine, shared with `p11-kit server`: its client module reaches it.
  if (env.P11_KIT_SERVER_ADDRESS) {
    const client = libDirs.map((d) => join(d, P11_KIT_CLIENT)).find((p) => existsSync(p));
    if (client) add(client, 'p11-kit-remote', true);
  }
  const userDirs = opts.userRegistryDirs ?? userRegistryDirs(env);
  const registry = registryModules(opts.registryDirs ?? DEFAULT_REGISTRY_DIRS, userDirs, libDirs, opts.program ?? PROGRAM_NAME);
  // A module switched off for this program stays off, even where a well-known path finds it.
  for (const p of registry.disabled) seen.add(canonical(p));
  for (const p of registry.enabled) add(p, 'p11-kit', true);
  for (const p of opts.wellKnown ?? DEFAULT_WELL_KNOWN) add(p, 'well-known', true);
  return out;
}
