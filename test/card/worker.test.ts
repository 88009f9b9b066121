// The real worker path: src/card/pkcs11/worker.ts bundled with esbuild (as the build does), driven through
// createCardService on a real SoftHSM2 token: progress with ticks, errors re-created as
// ReissueError, close() finalizing the worker, also in the middle of a generation.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardProgress, CardService } from '../../src/card/card.js';
import { createCardService } from '../../src/card/service.js';
import { adoptEarlyWorker, startCardWorker } from '../../src/card/worker-start.js';
import { ReissueError } from '../../src/domain/errors.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { bundleWorker, createTestCa, openssl, tempDir } from './support.js';

const PIN = '13572468';
let hsm: SoftHsm;
let work: Awaited<ReturnType<typeof tempDir>>;
let workerUrl: URL;

beforeAll(async () => {
  hsm = await createSoftHsm();
  work = await tempDir('reissue-worker-');
  workerUrl = await bundleWorker(work.dir);
  await hsm.initToken('worker', PIN);
});
afterAll(async () => {
  await hsm.cleanup();
  await work.cleanup();
});

// SOFTHSM2_CONF reaches SoftHSM in the worker through the service's `env` (set process-wide).
const service = (over: Partial<Parameters<typeof createCardService>[0]> = {}): CardService =>
  createCardService({ candidates: [hsm.module], workerUrl, env: { SOFTHSM2_CONF: hsm.conf }, tickMs: 20, ...over });

const keyCount = async () => ((await hsm.pkcs11Tool(['--token-label', 'worker', '--login', '--pin', PIN, '--list-objects'])).match(/^(Private|Public) Key Object/gm) ?? []).length;

describe('card service over the worker thread', () => {
  test('inventory, generate with live progress, install', async () => {
    const card = service();
    try {
      const inv = await card.inventory();
      expect(inv.modules).toMatchObject([{ path: hsm.module, loaded: true }]);
      expect(inv.readers.find((r) => r.token?.label === 'worker')?.token?.pin.userPinSet).toBe(true);

      const events: CardProgress[] = [];
      let timerFired = 0;
      const timer = setInterval(() => timerFired++, 10);
      const gen = await card.generate({
        token: { label: 'worker' },
        algorithm: 'rsa-3072',
        pin: PIN,
        commonName: 'worker.example',
        domains: ['worker.example'],
        label: 'worker key',
        onProgress: (e) => events.push(e),
      });
      clearInterval(timer);
      // The main thread stayed live while the worker generated.
      expect(timerFired).toBeGreaterThan(3);
      const gen3072 = events.filter((e) => e.phase === 'generate');
      expect(gen3072[0]).toEqual({ type: 'started', phase: 'generate' });
      expect(gen3072.at(-1)).toMatchObject({ type: 'finished', phase: 'generate' });
      const ticks = gen3072.filter((e): e is Extract<CardProgress, { type: 'tick' }> => e.type === 'tick');
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.map((t) => t.elapsedMs)).toEqual([...ticks.map((t) => t.elapsedMs)].sort((a, b) => a - b));

      const csr = join(work.dir, 'w.csr');
      await writeFile(csr, gen.csrPem);
      expect(await openssl(['req', '-in', csr, '-noout', '-verify', '-subject'])).toContain('CN = worker.example');
      expect(gen.publicKeySpki).toBeInstanceOf(Uint8Array);

      const ca = await createTestCa(work.dir);
      const der = await ca.sign(gen.csrPem);
      const inst = await card.install({ token: { label: 'worker' }, pin: PIN, certificateDer: der});
      expect(inst.keyId).toBe(gen.keyId);
    } finally {
      await card.close();
    }
  });

  test('errors come back as ReissueError with code, message and hint', async () => {
    const card = service();
    try {
      const e = await card.generate({ token: { label: 'worker' }, algorithm: 'ec-p256', pin: '00000000', commonName: 'x', domains: ['x'], label: 'x' }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ReissueError);
      expect(e).toMatchObject({ kind: 'card', code: 'pin-wrong', exitCode: 4 });
      expect((e as ReissueError).hint).toBeTruthy();
      const missing = await card.install({ token: { label: 'nope' }, pin: PIN, certificateDer: new Uint8Array([0x30, 0])}).catch((err: unknown) => err);
      expect(missing).toMatchObject({ kind: 'input', code: 'not-a-certificate' });
      // The worker survives errors: the next call works.
      expect((await card.inventory()).modules[0]!.loaded).toBe(true);
    } finally {
      await card.close();
    }
  });

  test('a module that fails to load, through the worker', async () => {
    const card = service({ candidates: undefined, modulePath: join(work.dir, 'missing-pkcs11.so') });
    try {
      const inv = await card.inventory();
      expect(inv.modules).toEqual([{ path: join(work.dir, 'missing-pkcs11.so'), loaded: false, error: expect.stringContaining('missing-pkcs11.so'), manufacturer: null, description: null, remote: null }]);
      await expect(card.generate({ token: {}, algorithm: 'ec-p256', pin: PIN, commonName: 'x', domains: ['x'], label: 'x' })).rejects.toMatchObject({ code: 'module-load-failed' });
    } finally {
      await card.close();
    }
  });

  test('close() during a generation: the worker cleans up, finalizes and ends; later calls are refused', async () => {
    const before = await keyCount();
    const card = service();
    const started = new Promise<void>((resolve) => {
      void card
        .generate({
          token: { label: 'worker' },
          algorithm: 'rsa-4096',
          pin: PIN,
          commonName: 'interrupted.example',
          domains: ['interrupted.example'],
          label: 'interrupted',
          onProgress: (e) => e.type === 'started' && e.phase === 'generate' && resolve(),
        })
        .then(
          () => (outcome = 'finished'),
          (e: ReissueError) => (outcome = e.code),
        );
    });
    let outcome = '';
    await started;
    await card.close();
    await card.close(); // twice is fine
    expect(outcome).toBe('cancelled');
    expect(await keyCount()).toBe(before);
    await expect(card.inventory()).rejects.toMatchObject({ code: 'card-closed' });
  });

  test('close() without any call is immediate', async () => {
    await service().close();
  });
});

describe('a worker booted ahead of its service (startCardWorker, as card commands do)', () => {
  test('the first service with that script adopts it, sends it the modules and works through it', async () => {
    const restore = hsm.useEnv(); // no `env` option: a service that sets variables never adopts
    try {
      // One early worker at a time, taken once.
      startCardWorker(workerUrl);
      const taken = adoptEarlyWorker(workerUrl);
      expect(taken).not.toBeNull();
      await taken!.terminate();
      expect(adoptEarlyWorker(workerUrl)).toBeNull();

      startCardWorker(workerUrl);
      const card = createCardService({ candidates: [hsm.module], workerUrl, tickMs: 20 });
      try {
        const inv = await card.inventory();
        expect(adoptEarlyWorker(workerUrl)).toBeNull(); // taken by the service
        expect(inv.readers.some((r) => r.token?.label === 'worker')).toBe(true);
        const gen = await card.generate({ token: { label: 'worker' }, algorithm: 'ec-p256', pin: PIN, commonName: 'early.example', domains: ['early.example'], label: 'early' });
        const csr = join(work.dir, 'early.csr');
        await writeFile(csr, gen.csrPem);
        expect(await openssl(['req', '-in', csr, '-noout', '-verify', '-subject'])).toContain('CN = early.example');
      } finally {
        await card.close();
      }
    } finally {
      restore();
    }
  });

  test('an early worker that died is not used: the service starts its own and reports its failure', async () => {
    const broken = join(work.dir, 'broken-worker.cjs');
    await writeFile(broken, "throw new Error('boom at start');\n");
    const url = pathToFileURL(broken);
    startCardWorker(url);
    await new Promise((r) => setTimeout(r, 300));
    const card = createCardService({ candidates: [hsm.module], workerUrl: url });
    try {
      await expect(card.inventory()).rejects.toMatchObject({ kind: 'card', code: 'card-worker-failed', message: expect.stringContaining('boom at start') });
    } finally {
      await card.close();
    }
  });
});
