// Opening a portal and reading it must not load @peculiar/x509 (a 785 KB chunk, 70–110 ms to
// compile): it is needed only to sign. A real process, bundled with code splitting like the CLI,
// reports whether x509's module body ran; the CRL (which signs) shows the probe does see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForTest } from '../helpers/bundle.js';
import { openPortalService } from '../../src/server/service.js';
import { opensslStatus } from '../helpers/openssl.js';
import { tempDir, testClock } from './helpers.js';

const X509_MODULE = /[\\/]node_modules[\\/]@peculiar[\\/]x509[\\/]build[\\/][^\\/]+\.js$/;
let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let entry: string;
let instrumented = 0;

beforeAll(async () => {
  tmp = tempDir('reissue-lazy-');
  dataDir = join(tmp.path, 'data');
  (await openPortalService({ dataDir, clock: testClock() })).close(); // seeding signs: done here, not in the probe
  const outdir = join(tmp.path, 'out');
  // Code splitting like the real build, and a probe that marks @peculiar/x509 as evaluated.
  await bundleForTest({ entryPoints: { 'list-portal': fileURLToPath(new URL('./fixtures/list-portal.ts', import.meta.url)) }, outdir, splitting: true }, [
    {
      name: 'x509-probe',
      setup: (b) =>
        b.onLoad({ filter: X509_MODULE }, (args) => {
          instrumented++;
          return { contents: `globalThis.__x509Evaluated = true;\n${readFileSync(args.path, 'utf8')}`, loader: 'js' };
        }),
    },
  ]);
  entry = join(outdir, 'list-portal.js');
});
afterAll(() => tmp?.remove());

function run(mode: 'read' | 'sign'): { afterOpen: boolean; afterRead: boolean; afterSign: boolean; total: number; chainHasCa: boolean; caPem: string; crl: string } {
  return JSON.parse(execFileSync(process.execPath, [entry, dataDir, mode], { encoding: 'utf8' }));
}

describe('@peculiar/x509 is loaded only to sign', () => {
  it('is not evaluated when a seeded portal is opened, listed, filtered, shown and downloaded with its chain', () => {
    expect(instrumented).toBe(1); // the probe really is in the bundle
    const r = run('read');
    expect(r).toMatchObject({ afterOpen: false, afterRead: false, afterSign: false, chainHasCa: true });
    expect(r.total).toBeGreaterThan(0);
  });

  it('is evaluated once something is signed (the probe works), and signs with the portal\'s CA key', () => {
    const r = run('sign');
    expect(r).toMatchObject({ afterRead: false, afterSign: true });
    const ca = join(tmp.path, 'ca-check.pem');
    writeFileSync(ca, r.caPem);
    const verified = opensslStatus(['crl', '-inform', 'DER', '-CAfile', ca, '-noout'], Buffer.from(r.crl, 'base64'));
    expect(verified).toMatchObject({ status: 0, output: expect.stringMatching(/verify OK/) });
  });
});
