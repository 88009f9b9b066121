// Module discovery: explicit path, REISSUE_PKCS11_MODULE, the p11-kit registry, well-known paths.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discoverModules, parseRegistryFile } from '../../src/card/modules.js';
import { tempDir } from './support.js';

let t: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  t = await tempDir('reissue-modules-');
});
afterEach(() => t.cleanup());

async function layout() {
  const reg = join(t.dir, 'registry');
  const lib = join(t.dir, 'lib');
  const pkcs11Dir = join(lib, 'pkcs11');
  await mkdir(reg, { recursive: true });
  await mkdir(pkcs11Dir, { recursive: true });
  for (const f of ['opensc-pkcs11.so', 'p11-kit-trust.so', 'libsofthsm2.so', 'libcryptoCertum3PKCS.so', 'sc30pkcs11-3.0.6.68-MS.so']) await writeFile(join(lib, f), '');
  await symlink(join(lib, 'opensc-pkcs11.so'), join(pkcs11Dir, 'opensc-pkcs11.so'));
  await writeFile(join(reg, 'opensc.module'), '# OpenSC\nmodule: opensc-pkcs11.so\n');
  await writeFile(join(reg, 'softhsm2.module'), `module: ${join(lib, 'libsofthsm2.so')}\n`);
  await writeFile(join(reg, 'trust.module'), 'module: p11-kit-trust.so\ntrust-policy: yes\n');
  await writeFile(join(reg, 'off.module'), `module: ${join(lib, 'libcryptoCertum3PKCS.so')}\nenable-in: no\n`);
  await writeFile(join(reg, 'gone.module'), 'module: /nowhere/libgone.so\n');
  await writeFile(join(reg, 'README'), 'module: /not/a/module/file.so\n');
  return { reg, lib, pkcs11Dir };
}

describe('discoverModules', () => {
  test('registry first (relative names resolved in p11-kit\'s folder, trust and disabled modules skipped), then well-known paths, de-duplicated', async () => {
    const { reg, lib, pkcs11Dir } = await layout();
    const found = discoverModules({
      env: {},
      registryDirs: [reg, join(t.dir, 'missing-dir')],
      libDirs: [pkcs11Dir],
      wellKnown: [join(lib, 'libsofthsm2.so'), join(lib, 'opensc-pkcs11.so'), join(lib, 'libcryptoCertum3PKCS.so'), join(lib, 'sc30pkcs11-3.0.6.68-MS.so'), join(lib, 'absent.so')],
    });
    expect(found).toEqual([
      { path: join(pkcs11Dir, 'opensc-pkcs11.so'), source: 'p11-kit' },
      { path: join(lib, 'libsofthsm2.so'), source: 'p11-kit' },
      // opensc again via its real path: the same module, listed once; the Certum module is off
      // for reissue in the registry (enable-in), so not taken from its well-known path either.
      { path: join(lib, 'sc30pkcs11-3.0.6.68-MS.so'), source: 'well-known' },
    ]);
  });

  test('an explicit module (--module / config) is the only one, even if it does not exist', () => {
    expect(discoverModules({ explicit: '/opt/x/libx.so', env: { REISSUE_PKCS11_MODULE: '/y.so' } })).toEqual([{ path: '/opt/x/libx.so', source: 'explicit' }]);
  });

  test('REISSUE_PKCS11_MODULE is the only one when no explicit module is given', () => {
    expect(discoverModules({ env: { REISSUE_PKCS11_MODULE: '/y.so' }, registryDirs: [], wellKnown: [] })).toEqual([{ path: '/y.so', source: 'env' }]);
  });

  test('the default well-known list covers SoftHSM2, OpenSC and Certum modules', async () => {
    const { DEFAULT_WELL_KNOWN } = await import('../../src/card/modules.js');
    for (const p of ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/libcryptoCertum3PKCS.so', '/usr/lib/libcrypto3PKCS.so', '/usr/lib/sc30pkcs11-3.0.6.68-MS.so']) {
      expect(DEFAULT_WELL_KNOWN).toContain(p);
    }
  });
});

test('parseRegistryFile reads module, trust-policy and enable-in; ignores comments', () => {
  expect(parseRegistryFile('# module: /commented.so\nmodule: a.so\n')).toEqual({ module: 'a.so', trustOnly: false, disabled: false });
  expect(parseRegistryFile('module: t.so\ntrust-policy: yes')).toMatchObject({ trustOnly: true });
  expect(parseRegistryFile('module: t.so\nenable-in: no')).toMatchObject({ disabled: true });
  expect(parseRegistryFile('critical: yes')).toMatchObject({ module: null });
});

describe('p11-kit user config and program lists', () => {
  test('enable-in / disable-in are matched against the program name "reissue"', () => {
    expect(parseRegistryFile('module: a.so\nenable-in: reissue, firefox')).toMatchObject({ disabled: false });
    expect(parseRegistryFile('module: a.so\nenable-in: p11-kit-proxy')).toMatchObject({ disabled: true });
    expect(parseRegistryFile('module: a.so\ndisable-in: firefox reissue')).toMatchObject({ disabled: true });
    expect(parseRegistryFile('module: a.so\ndisable-in: p11-kit-proxy')).toMatchObject({ disabled: false });
  });

  test('a user file is merged over the system file of the same name; user-only modules are added; a module switched off stays off on its well-known path', async () => {
    const { reg, lib, pkcs11Dir } = await layout();
    const user = join(t.dir, 'config', 'pkcs11', 'modules');
    await mkdir(user, { recursive: true });
    await writeFile(join(lib, 'libmine.so'), '');
    await writeFile(join(user, 'softhsm2.module'), 'disable-in: reissue\n');
    await writeFile(join(user, 'opensc.module'), 'enable-in: p11-kit-proxy\n');
    await writeFile(join(user, 'mine.module'), `module: ${join(lib, 'libmine.so')}\nenable-in: reissue\n`);
    await writeFile(join(user, 'theirs.module'), `module: ${join(lib, 'sc30pkcs11-3.0.6.68-MS.so')}\nenable-in: other-program\n`);
    const found = discoverModules({
      env: { XDG_CONFIG_HOME: join(t.dir, 'config'), HOME: join(t.dir, 'home') },
      registryDirs: [reg],
      libDirs: [pkcs11Dir],
      wellKnown: [join(lib, 'libsofthsm2.so'), join(lib, 'opensc-pkcs11.so'), join(lib, 'sc30pkcs11-3.0.6.68-MS.so')],
    });
    expect(found).toEqual([{ path: join(lib, 'libmine.so'), source: 'p11-kit' }]);
  });

  test('P11_KIT_SERVER_ADDRESS brings p11-kit\'s client module first', async () => {
    const { pkcs11Dir } = await layout();
    await writeFile(join(pkcs11Dir, 'p11-kit-client.so'), '');
    const found = discoverModules({ env: { P11_KIT_SERVER_ADDRESS: 'unix:path=/run/user/1/p11-kit/pkcs11' }, registryDirs: [], userRegistryDirs: [], libDirs: [pkcs11Dir], wellKnown: [] });
    expect(found).toEqual([{ path: join(pkcs11Dir, 'p11-kit-client.so'), source: 'p11-kit-remote' }]);
    expect(discoverModules({ env: {}, registryDirs: [], userRegistryDirs: [], libDirs: [pkcs11Dir], wellKnown: [] })).toEqual([]);
  });
});
