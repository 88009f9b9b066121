// Faults SoftHSM cannot produce (locked PIN, final try, card pulled mid-operation, no token), made
// by wrapping the real pkcs11js object around a real SoftHSM2 token; plus the ones it can (wrong
// PIN, user PIN not set, missing mechanisms, a module that fails to load). Every path must log out,
// close its session and finalize.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import pkcs11js from 'pkcs11js';
import { Pkcs11Card } from '../../src/card/pkcs11/pkcs11-card.js';
import type { CardProgress, KeygenRequest } from '../../src/card/card.js';
import { ReissueError } from '../../src/domain/errors.js';
import { createSoftHsm } from '../helpers/softhsm.js';
import { ckrError, faultyLoader, softHsmBed, type Fault, type Wrapped } from './support.js';

const PIN = '246810';
const bed = softHsmBed('faults', PIN, 'reissue-faults-');

const request = (over: Partial<KeygenRequest> = {}): KeygenRequest => ({
  token: { label: 'faults' },
  algorithm: 'ec-p256',
  pin: PIN,
  commonName: 'faults.example',
  domains: ['faults.example'],
  label: 'fault test',
  ...over,
});

/** Token flags as the wrapped module reports them. */
const withFlags = (add: number, remove = 0): Fault => (orig, slot) => {
  const info = orig(slot);
  return { ...info, flags: (info.flags | add) & ~remove };
};

async function keyObjectCount(): Promise<number> {
  const out = await bed.hsm.pkcs11Tool(['--token-label', 'faults', '--login', '--pin', PIN, '--list-objects']);
  return (out.match(/^(Private|Public) Key Object/gm) ?? []).length;
}

/** Every session opened was closed, every initialise finalized. */
function expectCleanShutdown(w: Wrapped, { loggedIn }: { loggedIn: boolean }) {
  expect(w.count('C_Initialize')).toBeGreaterThan(0);
  expect(w.count('C_Finalize')).toBe(w.count('C_Initialize'));
  expect(w.count('close')).toBe(w.count('C_Initialize'));
  expect(w.count('C_CloseSession')).toBe(w.count('C_OpenSession'));
  if (loggedIn) expect(w.count('C_Logout')).toBeGreaterThan(0);
}

async function failure(p: Promise<unknown>): Promise<ReissueError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReissueError);
  return e as ReissueError;
}

describe('PIN state, checked before the PIN is sent', () => {
  test('locked PIN: stops before login and explains the PUK', async () => {
    const w = faultyLoader({ C_GetTokenInfo: withFlags(pkcs11js.CKF_USER_PIN_LOCKED) });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request()));
    expect(e).toMatchObject({ kind: 'card', code: 'pin-locked', exitCode: 4 });
    expect(e.hint).toMatch(/PUK/);
    expect(e.hint).toMatch(/proCertum CardManager/);
    expect(w.count('C_Login')).toBe(0);
    expectCleanShutdown(w, { loggedIn: false });
  });

  test('final try: refused without confirmation, allowed with it', async () => {
    const w = faultyLoader({ C_GetTokenInfo: withFlags(pkcs11js.CKF_USER_PIN_FINAL_TRY) });
    const card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader });
    const e = await failure(card.generate(request()));
    expect(e).toMatchObject({ code: 'pin-final-try' });
    expect(w.count('C_Login')).toBe(0);
    const ok = await card.generate(request({ confirmFinalTry: true }));
    expect(ok.csrPem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(w.count('C_Login')).toBe(1);
    expectCleanShutdown(w, { loggedIn: true });
  });

  test('PIN length is checked against the token\'s range (bytes) before the card is asked', async () => {
    const w = faultyLoader({ C_GetTokenInfo: (orig, slot) => ({ ...orig(slot), minPinLen: 8 }) });
    const card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader });
    const e = await failure(card.generate(request({ pin: '1234567' })));
    expect(e).toMatchObject({ kind: 'input', code: 'pin-length', details: { min: 8, max: 255 } });
    expect(await failure(card.generate(request({ pin: 'x'.repeat(256) })))).toMatchObject({ code: 'pin-length' });
    expect(w.count('C_Login')).toBe(0);
    expectCleanShutdown(w, { loggedIn: false });
  });

  test('a wrong PIN that locks the card says so', async () => {
    const w = faultyLoader({
      C_Login: () => {
        throw ckrError('CKR_PIN_INCORRECT', 'C_Login');
      },
      C_GetTokenInfo: (orig, slot) => {
        const info = orig(slot);
        // Before login the card looks fine; afterwards it reports the PIN locked.
        return w.count('C_Login') ? { ...info, flags: info.flags | pkcs11js.CKF_USER_PIN_LOCKED } : info;
      },
    });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ pin: '000000' })));
    expect(e).toMatchObject({ code: 'pin-locked', details: { tries: 'locked', ckr: 'CKR_PIN_INCORRECT' } });
    expect(e.message).toBe('The PIN is wrong, and the card has now locked it.');
    expectCleanShutdown(w, { loggedIn: false });
  });

  test('a wrong PIN with one try left says the next one locks the card', async () => {
    const w = faultyLoader({
      C_Login: () => {
        throw ckrError('CKR_PIN_INCORRECT', 'C_Login');
      },
      C_GetTokenInfo: (orig, slot) => {
        const info = orig(slot);
        return w.count('C_Login') ? { ...info, flags: info.flags | pkcs11js.CKF_USER_PIN_FINAL_TRY } : info;
      },
    });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ pin: '000000' })));
    expect(e).toMatchObject({ code: 'pin-wrong', details: { tries: 'final' } });
    expect(e.message).toMatch(/next wrong PIN locks it/);
  });

  test('PIN_LOCKED from C_Login itself', async () => {
    const w = faultyLoader({
      C_Login: () => {
        throw ckrError('CKR_PIN_LOCKED', 'C_Login');
      },
    });
    expect(await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request()))).toMatchObject({ code: 'pin-locked' });
    expectCleanShutdown(w, { loggedIn: false });
  });
});

describe('real SoftHSM faults', () => {
  test('a real wrong PIN gives the wrong-PIN error, without the PIN in it', async () => {
    const w = faultyLoader({});
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ pin: '99999999' })));
    expect(e).toMatchObject({ kind: 'card', code: 'pin-wrong', exitCode: 4, details: { ckr: 'CKR_PIN_INCORRECT' } });
    expect(e.message).toMatch(/^The PIN is wrong\./);
    expect(JSON.stringify({ m: e.message, h: e.hint, d: e.details })).not.toContain('99999999');
    expectCleanShutdown(w, { loggedIn: false });
    // SoftHSM flags COUNT_LOW after a failure; a right PIN clears it again.
    await new Pkcs11Card({ modules: [bed.hsm.module] }).generate(request());
  });

  test('token whose user PIN was never set (pkcs11-tool --init-token without --init-pin)', async () => {
    await bed.hsm.initTokenWithoutUserPin('no-user-pin');
    const w = faultyLoader({});
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ token: { label: 'no-user-pin' } })));
    expect(e).toMatchObject({ code: 'user-pin-not-set' });
    expect(w.count('C_Login')).toBe(0);
    // And if the card is asked anyway, its answer maps to the same error.
    const forced = faultyLoader({ C_GetTokenInfo: withFlags(pkcs11js.CKF_USER_PIN_INITIALIZED) });
    const e2 = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: forced.loader }).generate(request({ token: { label: 'no-user-pin' } })));
    expect(e2).toMatchObject({ code: 'user-pin-not-set', details: { ckr: 'CKR_USER_PIN_NOT_INITIALIZED' } });
    expectCleanShutdown(forced, { loggedIn: false });
  });

  test('token not initialised: the free slot SoftHSM keeps', async () => {
    const inv = await new Pkcs11Card({ modules: [bed.hsm.module] }).inventory();
    const free = inv.readers.find((r) => r.token && !r.token.pin.initialized)!;
    expect(free).toBeDefined();
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module] }).generate(request({ token: { serial: free.token!.serial } })));
    expect(e).toMatchObject({ code: 'token-not-initialized' });
  });

  test('algorithm unsupported: a token configured without EC mechanisms', async () => {
    // SoftHSM 2.6.1 (Debian): a leading '-' makes the whole list negative, its first entry is
    // ignored (a throwaway goes first), and later entries carry no '-' of their own.
    const noEc = await createSoftHsm({ mechanisms: '-CKM_SHA_1,CKM_EC_KEY_PAIR_GEN,CKM_ECDSA' });
    process.env.SOFTHSM2_CONF = noEc.conf;
    try {
      await noEc.initToken('no-ec', PIN);
      const card = new Pkcs11Card({ modules: [noEc.module] });
      const inv = await card.inventory();
      expect(inv.readers.find((r) => r.token?.label === 'no-ec')?.token?.algorithms).toEqual(['rsa-2048', 'rsa-3072', 'rsa-4096']);
      const e = await failure(card.generate(request({ token: { label: 'no-ec' }, algorithm: 'ec-p384' })));
      expect(e).toMatchObject({ code: 'algorithm-unsupported', details: { supported: ['rsa-2048', 'rsa-3072', 'rsa-4096'] } });
      expect(e.message).toContain('EC P-384');
    } finally {
      process.env.SOFTHSM2_CONF = bed.hsm.conf;
      await noEc.cleanup();
    }
  });

  test('the card answering MECHANISM_INVALID to generation is algorithm-unsupported too', async () => {
    const w = faultyLoader({
      C_GenerateKeyPairAsync: () => Promise.reject(ckrError('CKR_MECHANISM_INVALID')),
    });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request()));
    expect(e).toMatchObject({ code: 'algorithm-unsupported' });
    expectCleanShutdown(w, { loggedIn: true });
  });

  test('a module that fails to load is reported with path and reason', async () => {
    const bogus = join(bed.dir, 'libbroken-pkcs11.so');
    await writeFile(bogus, 'not an ELF file');
    const inv = await new Pkcs11Card({ modules: [bogus, bed.hsm.module] }).inventory();
    expect(inv.modules[0]).toMatchObject({ path: bogus, loaded: false });
    expect(inv.modules[0]!.error).toMatch(/libbroken-pkcs11\.so/);
    expect(inv.modules[1]).toMatchObject({ loaded: true });
    const e = await failure(new Pkcs11Card({ modules: [bogus] }).generate(request()));
    expect(e).toMatchObject({ code: 'module-load-failed', details: { module: bogus } });
    expect(e.message).toContain(bogus);
    // With a working module next to it, the card is still found.
    await new Pkcs11Card({ modules: [bogus, bed.hsm.module] }).generate(request());
    const none = await failure(new Pkcs11Card({ modules: [] }).generate(request()));
    expect(none).toMatchObject({ code: 'module-missing' });
  });
});

describe('card absent or removed', () => {
  test('no token present in any reader', async () => {
    const w = faultyLoader({ C_GetSlotInfo: (orig, slot) => ({ ...orig(slot), flags: 0 }) });
    const card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader });
    expect(await failure(card.generate(request({ token: {} })))).toMatchObject({ code: 'no-card' });
    expect(await failure(card.generate(request()))).toMatchObject({ code: 'token-not-found' });
    const inv = await card.inventory();
    expect(inv.readers.every((r) => !r.tokenPresent && r.token === null)).toBe(true);
    expectCleanShutdown(w, { loggedIn: false });
  });

  test('removed during generation: reported, nothing returned, half-made key pair removed', async () => {
    const before = await keyObjectCount();
    const events: CardProgress[] = [];
    const w = faultyLoader({
      // The card creates the objects, then the reader loses it.
      C_GenerateKeyPairAsync: async (orig, ...args) => {
        await orig(...args);
        throw ckrError('CKR_DEVICE_REMOVED');
      },
    });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ onProgress: (p) => events.push(p) })));
    expect(e).toMatchObject({ code: 'card-removed', details: { phase: 'generate' } });
    expect(e.message).toBe('The card was removed during key generation; nothing was submitted.');
    expect(events.at(-1)).toMatchObject({ type: 'failed', phase: 'generate', code: 'card-removed' });
    expect(w.count('C_DestroyObject')).toBe(2);
    expect(await keyObjectCount()).toBe(before);
    expectCleanShutdown(w, { loggedIn: true });
  });

  test('removed during signing: reported, key pair removed', async () => {
    const before = await keyObjectCount();
    const w = faultyLoader({ C_SignAsync: () => Promise.reject(ckrError('CKR_TOKEN_NOT_PRESENT')) });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ algorithm: 'rsa-2048' })));
    expect(e).toMatchObject({ code: 'card-removed', details: { phase: 'sign' } });
    expect(e.message).toBe('The card was removed while signing the request; nothing was submitted.');
    expect(await keyObjectCount()).toBe(before);
    expectCleanShutdown(w, { loggedIn: true });
  });

  test('removed for good: the session is gone, cleanup impossible, the hint says what to remove', async () => {
    const w = faultyLoader({
      C_SignAsync: () => Promise.reject(ckrError('CKR_DEVICE_REMOVED')),
      C_DestroyObject: () => {
        throw ckrError('CKR_SESSION_HANDLE_INVALID');
      },
      C_FindObjectsInit: () => {
        throw ckrError('CKR_SESSION_HANDLE_INVALID');
      },
      C_Logout: () => {
        throw ckrError('CKR_DEVICE_REMOVED');
      },
      C_CloseSession: () => {
        throw ckrError('CKR_SESSION_HANDLE_INVALID');
      },
    });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request({ label: 'left behind' })));
    expect(e).toMatchObject({ code: 'card-removed', details: { cleanup: 'failed' } });
    expect(e.hint).toContain('"left behind"');
    expect(w.count('C_Logout')).toBe(1);
    expect(w.count('C_CloseSession')).toBe(1);
    expect(w.count('C_Finalize')).toBe(1);
  });

  test('a failure while signing that is not a removal also removes the key pair', async () => {
    const before = await keyObjectCount();
    const w = faultyLoader({ C_SignInit: () => { throw ckrError('CKR_FUNCTION_NOT_SUPPORTED', 'C_SignInit'); } });
    const e = await failure(new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).generate(request()));
    expect(e).toMatchObject({ code: 'algorithm-unsupported' });
    expect(await keyObjectCount()).toBe(before);
  });

  test('cancel (close during an operation) stops at the next safe point and cleans up', async () => {
    const before = await keyObjectCount();
    let card!: Pkcs11Card;
    const w = faultyLoader({
      C_GenerateKeyPairAsync: async (orig, ...args) => {
        const pair = await orig(...args);
        card.cancel();
        return pair;
      },
    });
    card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader });
    expect(await failure(card.generate(request()))).toMatchObject({ code: 'cancelled' });
    expect(await keyObjectCount()).toBe(before);
    expectCleanShutdown(w, { loggedIn: true });
  });

  // The main thread raises the shared stop flag while this thread is blocked in C_Login (no
  // message can arrive then): the next step boundary stops the operation, before any key exists.
  test('the shared stop flag raised during C_Login: no key pair is generated, logged out and closed', async () => {
    const before = await keyObjectCount();
    const stop = new SharedArrayBuffer(4);
    const w = faultyLoader({
      C_Login: (orig, ...args) => {
        const r = orig(...args);
        Atomics.store(new Int32Array(stop), 0, 1);
        return r;
      },
    });
    const card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader, stop });
    const events: CardProgress[] = [];
    expect(await failure(card.generate(request({ onProgress: (e) => events.push(e) })))).toMatchObject({ code: 'cancelled' });
    expect(w.count('C_GenerateKeyPairAsync')).toBe(0);
    expect(events.some((e) => e.phase === 'generate')).toBe(false);
    expect(await keyObjectCount()).toBe(before);
    expectCleanShutdown(w, { loggedIn: true });
    // The flag is the service closing for good: the next operation stops before it logs in.
    const next = faultyLoader({});
    const again = new Pkcs11Card({ modules: [bed.hsm.module], load: next.loader, stop });
    expect(await failure(again.generate(request()))).toMatchObject({ code: 'cancelled' });
    expect(next.count('C_Login')).toBe(0);
    expectCleanShutdown(next, { loggedIn: false });
  });

  test('the shared stop flag raised during the generation: the pair just made is removed', async () => {
    const before = await keyObjectCount();
    const stop = new SharedArrayBuffer(4);
    const w = faultyLoader({
      C_GenerateKeyPairAsync: async (orig, ...args) => {
        const pair = await orig(...args);
        Atomics.store(new Int32Array(stop), 0, 1);
        return pair;
      },
    });
    const card = new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader, stop });
    expect(await failure(card.generate(request()))).toMatchObject({ code: 'cancelled' });
    expect(w.count('C_GenerateKeyPairAsync')).toBe(1);
    expect(await keyObjectCount()).toBe(before);
    expectCleanShutdown(w, { loggedIn: true });
  });

  test('C_Initialize already done by another owner: used, but not finalized by us', async () => {
    // (The real module is left uninitialised, so nothing needs finalizing after the test either.)
    const w = faultyLoader({
      C_Initialize: () => {
        throw ckrError('CKR_CRYPTOKI_ALREADY_INITIALIZED', 'C_Initialize');
      },
    });
    const inv = await new Pkcs11Card({ modules: [bed.hsm.module], load: w.loader }).inventory();
    expect(inv.modules[0]).toMatchObject({ path: bed.hsm.module, loaded: true });
    expect(w.count('C_Finalize')).toBe(0);
    expect(w.count('close')).toBe(1);
  });
});
