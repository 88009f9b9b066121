// The PIN shim (test/pkcs11-shim) as a card: wrong PINs count per token and persist across
// processes, the USER/SO_PIN_COUNT_LOW → FINAL_TRY → LOCKED flags follow, a locked PIN is refused
// even when right, the SO's C_InitPIN unblocks it, and a PIN-pad mode logs in with no PIN. Checked
// in Node through pkcs11js (as the card worker uses it), from outside with pkcs11-tool, and through
// p11-kit's client module. Plain SoftHSM2 fails all of these: it never sets FINAL_TRY or LOCKED.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startP11KitServer, type P11KitServer } from '../helpers/p11-kit-server.js';
import { createPinShim, type PinShim } from '../helpers/pin-shim.js';

const PIN = '1234';
const SO_PIN = '87654321';
const WRONG = '9999';

const FLAG_NAMES: [number, string][] = [
  [pkcs11js.CKF_USER_PIN_COUNT_LOW, 'USER_PIN_COUNT_LOW'],
  [pkcs11js.CKF_USER_PIN_FINAL_TRY, 'USER_PIN_FINAL_TRY'],
  [pkcs11js.CKF_USER_PIN_LOCKED, 'USER_PIN_LOCKED'],
  [pkcs11js.CKF_SO_PIN_COUNT_LOW, 'SO_PIN_COUNT_LOW'],
  [pkcs11js.CKF_SO_PIN_FINAL_TRY, 'SO_PIN_FINAL_TRY'],
  [pkcs11js.CKF_SO_PIN_LOCKED, 'SO_PIN_LOCKED'],
  [pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH, 'PROTECTED_AUTHENTICATION_PATH'],
];

/** A fresh pkcs11js on the shim for one step, initialised as the card worker does, then finalised. */
function withP11<T>(shim: PinShim, fn: (p11: pkcs11js.PKCS11) => T): T {
  const restore = shim.useEnv();
  const p11 = new pkcs11js.PKCS11();
  try {
    p11.load(shim.module);
    p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    try {
      return fn(p11);
    } finally {
      p11.C_Finalize();
    }
  } finally {
    p11.close();
    restore();
  }
}

function slotOf(p11: pkcs11js.PKCS11, label: string): Buffer {
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === label);
  if (!slot) throw new Error(`no token ${label}`);
  return slot;
}

/** The PIN-state flags the token reports, by name. */
const flagsOf = (shim: PinShim, label: string): string[] =>
  withP11(shim, (p11) => {
    const flags = p11.C_GetTokenInfo(slotOf(p11, label)).flags;
    return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
  });

/** C_Login (then C_Logout) in a R/W session; the CKR_ name of the outcome. */
function login(shim: PinShim, label: string, user: number, pin?: string): string {
  return withP11(shim, (p11) => {
    const session = p11.C_OpenSession(slotOf(p11, label), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      // pkcs11js 2.1.7 needs the PIN argument (a TypeError without it) and cannot pass NULL:
      // an empty PIN, length 0, is how it reaches a PIN pad (OpenSC reads it so too).
      p11.C_Login(session, user, pin ?? '');
      p11.C_Logout(session);
      return 'CKR_OK';
    } catch (e) {
      return (e as Error).message.match(/CKR_\w+/)?.[0] ?? String(e);
    } finally {
      p11.C_CloseSession(session);
    }
  });
}

/** pkcs11-tool's `--list-token-slots` flags line for one token. */
async function toolFlags(shim: PinShim, label: string): Promise<string> {
  const r = await shim.pkcs11Tool(['--list-token-slots']);
  const block = r.stdout.split(/\n(?=Slot )/).find((b) => new RegExp(`token label\\s+: ${label}\\s*\\n`).test(b));
  return /token flags\s+: (.*)/.exec(block ?? '')?.[1] ?? `no token ${label} in: ${r.stdout}`;
}

let shim: PinShim;
beforeAll(async () => {
  shim = await createPinShim({ tries: 3, soTries: 3 });
});
afterAll(async () => {
  await shim?.cleanup();
});

describe('through pkcs11js in Node', () => {
  test('1 wrong PIN → COUNT_LOW, 2 → FINAL_TRY, 3 → LOCKED; then the right PIN gets CKR_PIN_LOCKED', async () => {
    await shim.hsm.initToken('js-lock', PIN, SO_PIN);
    expect(flagsOf(shim, 'js-lock')).toEqual([]);
    const steps: [string, string[]][] = [];
    for (let i = 0; i < 3; i++) steps.push([login(shim, 'js-lock', pkcs11js.CKU_USER, WRONG), flagsOf(shim, 'js-lock')]);
    expect(steps).toEqual([
      ['CKR_PIN_INCORRECT', ['USER_PIN_COUNT_LOW']],
      ['CKR_PIN_INCORRECT', ['USER_PIN_FINAL_TRY']],
      ['CKR_PIN_INCORRECT', ['USER_PIN_LOCKED']],
    ]);
    expect(login(shim, 'js-lock', pkcs11js.CKU_USER, PIN)).toBe('CKR_PIN_LOCKED');
    expect(flagsOf(shim, 'js-lock')).toEqual(['USER_PIN_LOCKED']);
  });

  test('a right PIN before the limit clears the count; a PIN outside the length range costs no try', async () => {
    await shim.hsm.initToken('js-reset', PIN, SO_PIN);
    expect(login(shim, 'js-reset', pkcs11js.CKU_USER, WRONG)).toBe('CKR_PIN_INCORRECT');
    expect(login(shim, 'js-reset', pkcs11js.CKU_USER, WRONG)).toBe('CKR_PIN_INCORRECT');
    expect(login(shim, 'js-reset', pkcs11js.CKU_USER, PIN)).toBe('CKR_OK');
    expect(flagsOf(shim, 'js-reset')).toEqual([]);
    // SoftHSM2 alone would answer CKR_PIN_INCORRECT and count it; a card's middleware refuses first.
    expect(login(shim, 'js-reset', pkcs11js.CKU_USER, '12')).toBe('CKR_PIN_LEN_RANGE');
    expect(flagsOf(shim, 'js-reset')).toEqual([]);
  });

  test('SO login + C_InitPIN unlocks the user PIN; C_SetPIN changes it through SoftHSM2', async () => {
    await shim.hsm.initToken('js-unblock', PIN, SO_PIN);
    for (let i = 0; i < 3; i++) login(shim, 'js-unblock', pkcs11js.CKU_USER, WRONG);
    expect(flagsOf(shim, 'js-unblock')).toEqual(['USER_PIN_LOCKED']);
    withP11(shim, (p11) => {
      const session = p11.C_OpenSession(slotOf(p11, 'js-unblock'), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      p11.C_Login(session, pkcs11js.CKU_SO, SO_PIN);
      p11.C_InitPIN(session, '5678');
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    });
    expect(flagsOf(shim, 'js-unblock')).toEqual([]);
    expect(login(shim, 'js-unblock', pkcs11js.CKU_USER, PIN)).toBe('CKR_PIN_INCORRECT');
    withP11(shim, (p11) => {
      const session = p11.C_OpenSession(slotOf(p11, 'js-unblock'), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
      p11.C_Login(session, pkcs11js.CKU_USER, '5678');
      p11.C_SetPIN(session, '5678', '24682468');
      p11.C_Logout(session);
      p11.C_CloseSession(session);
    });
    expect(login(shim, 'js-unblock', pkcs11js.CKU_USER, '24682468')).toBe('CKR_OK');
    expect(flagsOf(shim, 'js-unblock')).toEqual([]);
  });

  test('the SO PIN counts and locks the same way, apart from the user PIN', async () => {
    await shim.hsm.initToken('js-so', PIN, SO_PIN);
    const seen: string[][] = [];
    for (let i = 0; i < 3; i++) {
      expect(login(shim, 'js-so', pkcs11js.CKU_SO, '00000000')).toBe('CKR_PIN_INCORRECT');
      seen.push(flagsOf(shim, 'js-so'));
    }
    expect(seen).toEqual([['SO_PIN_COUNT_LOW'], ['SO_PIN_FINAL_TRY'], ['SO_PIN_LOCKED']]);
    expect(login(shim, 'js-so', pkcs11js.CKU_SO, SO_PIN)).toBe('CKR_PIN_LOCKED');
    expect(login(shim, 'js-so', pkcs11js.CKU_USER, PIN)).toBe('CKR_OK');
  });

  test('the count survives the process: pkcs11js, then pkcs11-tool, then pkcs11js again', async () => {
    await shim.hsm.initToken('js-persist', PIN, SO_PIN);
    login(shim, 'js-persist', pkcs11js.CKU_USER, WRONG);
    login(shim, 'js-persist', pkcs11js.CKU_USER, WRONG);
    expect(await toolFlags(shim, 'js-persist')).toContain('final user PIN try');
    const third = await shim.pkcs11Tool(['--token-label', 'js-persist', '--login', '--pin', WRONG, '--list-objects']);
    expect(third.stderr).toContain('CKR_PIN_INCORRECT');
    expect(flagsOf(shim, 'js-persist')).toEqual(['USER_PIN_LOCKED']);
    expect(login(shim, 'js-persist', pkcs11js.CKU_USER, PIN)).toBe('CKR_PIN_LOCKED');
  });
});

describe('through pkcs11-tool, from outside', () => {
  test('three wrong PINs: count low, final try, locked; the right PIN then gets CKR_PIN_LOCKED', async () => {
    await shim.hsm.initToken('tool-lock', PIN, SO_PIN);
    const flags: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await shim.pkcs11Tool(['--token-label', 'tool-lock', '--login', '--pin', WRONG, '--list-objects']);
      expect(r.stderr).toContain('CKR_PIN_INCORRECT');
      flags.push(await toolFlags(shim, 'tool-lock'));
    }
    expect(flags[0]).toContain('user PIN count low');
    expect(flags[1]).toContain('final user PIN try');
    expect(flags[1]).not.toContain('count low');
    expect(flags[2]).toContain('user PIN locked');
    const right = await shim.pkcs11Tool(['--token-label', 'tool-lock', '--login', '--pin', PIN, '--list-objects']);
    expect(right.code).not.toBe(0);
    expect(right.stderr).toContain('CKR_PIN_LOCKED');
  });

  test('--init-pin as SO unblocks; --login --pin NEW works; --change-pin works and the old PIN no longer does', async () => {
    await shim.hsm.initToken('tool-unblock', PIN, SO_PIN);
    for (let i = 0; i < 3; i++) await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--pin', WRONG, '--list-objects']);
    expect(await toolFlags(shim, 'tool-unblock')).toContain('user PIN locked');

    const unblock = await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--login-type', 'so', '--so-pin', SO_PIN, '--init-pin', '--new-pin', '5678']);
    expect(unblock.stdout + unblock.stderr).toContain('User PIN successfully initialized');
    expect(unblock.code).toBe(0);
    expect(await toolFlags(shim, 'tool-unblock')).not.toMatch(/user PIN|final user/);
    expect((await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--pin', '5678', '--list-objects'])).code).toBe(0);

    const change = await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--pin', '5678', '--change-pin', '--new-pin', '13571357']);
    expect(change.stdout + change.stderr).toContain('PIN successfully changed');
    expect((await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--pin', '13571357', '--list-objects'])).code).toBe(0);
    const old = await shim.pkcs11Tool(['--token-label', 'tool-unblock', '--login', '--pin', '5678', '--list-objects']);
    expect(old.stderr).toContain('CKR_PIN_INCORRECT');
    expect(await toolFlags(shim, 'tool-unblock')).toContain('user PIN count low');
  });

  test('a wrong current PIN in --change-pin counts like a wrong login', async () => {
    await shim.hsm.initToken('tool-change', PIN, SO_PIN);
    // pkcs11-tool passes --pin as the old PIN to C_SetPIN; without --login the session is public.
    const change = () => shim.pkcs11Tool(['--token-label', 'tool-change', '--pin', WRONG, '--change-pin', '--new-pin', '13571357']);
    expect((await change()).stderr).toContain('CKR_PIN_INCORRECT');
    expect(await toolFlags(shim, 'tool-change')).toContain('user PIN count low');
    expect((await change()).stderr).toContain('CKR_PIN_INCORRECT');
    expect(await toolFlags(shim, 'tool-change')).toContain('final user PIN try');
  });

  test('the SO PIN: count low, final try, locked; the right SO PIN is then refused', async () => {
    await shim.hsm.initToken('tool-so', PIN, SO_PIN);
    const so = (soPin: string) => shim.pkcs11Tool(['--token-label', 'tool-so', '--login', '--login-type', 'so', '--so-pin', soPin, '--init-pin', '--new-pin', '5678']);
    const flags: string[] = [];
    for (let i = 0; i < 3; i++) {
      expect((await so('00000000')).stderr).toContain('CKR_PIN_INCORRECT');
      flags.push(await toolFlags(shim, 'tool-so'));
    }
    expect(flags[0]).toContain('SO PIN count low');
    expect(flags[1]).toContain('final SO PIN try');
    expect(flags[2]).toContain('SO PIN locked');
    const right = await so(SO_PIN);
    expect(right.stderr).toContain('CKR_PIN_LOCKED');
    // Nothing reached SoftHSM2: the user PIN is still the old one.
    expect((await shim.pkcs11Tool(['--token-label', 'tool-so', '--login', '--pin', PIN, '--list-objects'])).code).toBe(0);
  });

  test('processes at once lose no count: the tries spent add up to the limit exactly (the state file is locked)', async () => {
    const many = await createPinShim({ tries: 8 });
    try {
      await many.hsm.initToken('tool-race', PIN, SO_PIN);
      const wrong = () => many.pkcs11Tool(['--token-label', 'tool-race', '--login', '--pin', WRONG, '--list-objects']);
      // SoftHSM2 itself sometimes fails to read a token file another process is rewriting ("No slot
      // with token", CKR_SLOT_ID_INVALID): those attempts never reach C_Login and count for nothing.
      const together = await Promise.all(Array.from({ length: 6 }, wrong));
      const counted = together.filter((r) => r.stderr.includes('CKR_PIN_INCORRECT')).length;
      expect(counted).toBeGreaterThan(1);
      let after = 0;
      while (!(await toolFlags(many, 'tool-race')).includes('user PIN locked') && after < 10) {
        expect((await wrong()).stderr).toContain('CKR_PIN_INCORRECT');
        after++;
      }
      expect(counted + after).toBe(8);
    } finally {
      await many.cleanup();
    }
  });
});

describe('PIN-pad mode', () => {
  let pad: PinShim;
  beforeAll(async () => {
    pad = await createPinShim({ pinpad: { pin: PIN, delayMs: 400 } });
    await pad.hsm.initToken('pad', PIN, SO_PIN);
  });
  afterAll(async () => {
    await pad?.cleanup();
  });

  test('pkcs11js: the token shows the flag; C_Login with no PIN succeeds after the keypad delay', async () => {
    expect(flagsOf(pad, 'pad')).toEqual(['PROTECTED_AUTHENTICATION_PATH']);
    const started = Date.now();
    expect(login(pad, 'pad', pkcs11js.CKU_USER)).toBe('CKR_OK');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  test('a wrong PIN typed on the keypad counts; Cancel on the reader is CKR_FUNCTION_CANCELED and costs no try', async () => {
    await pad.typeOnPad(WRONG);
    try {
      expect(login(pad, 'pad', pkcs11js.CKU_USER)).toBe('CKR_PIN_INCORRECT');
      expect(flagsOf(pad, 'pad')).toEqual(['USER_PIN_COUNT_LOW', 'PROTECTED_AUTHENTICATION_PATH']);
    } finally {
      await pad.typeOnPad(PIN);
    }
    expect(login(pad, 'pad', pkcs11js.CKU_USER)).toBe('CKR_OK');
    expect(flagsOf(pad, 'pad')).toEqual(['PROTECTED_AUTHENTICATION_PATH']);
    await pad.typeOnPad(null);
    try {
      expect(login(pad, 'pad', pkcs11js.CKU_USER)).toBe('CKR_FUNCTION_CANCELED');
      expect(flagsOf(pad, 'pad')).toEqual(['PROTECTED_AUTHENTICATION_PATH']);
    } finally {
      await pad.typeOnPad(PIN);
    }
  });

  test('pkcs11-tool: "PIN pad present", and --login without --pin logs in through the pad', async () => {
    expect(await toolFlags(pad, 'pad')).toContain('PIN pad present');
    const started = Date.now();
    const r = await pad.pkcs11Tool(['--token-label', 'pad', '--login', '--list-objects']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    // A PIN the application passes goes to the card as typed (as OpenSC does on a PIN-pad reader).
    expect((await pad.pkcs11Tool(['--token-label', 'pad', '--login', '--pin', WRONG, '--list-objects'])).stderr).toContain('CKR_PIN_INCORRECT');
    expect(await toolFlags(pad, 'pad')).toContain('user PIN count low');
    expect((await pad.pkcs11Tool(['--token-label', 'pad', '--login', '--pin', PIN, '--list-objects'])).code).toBe(0);
  });
});

describe("through p11-kit's client module (p11-kit server in front of the shim)", () => {
  const client = readdirSync('/usr/lib')
    .map((d) => `/usr/lib/${d}/pkcs11/p11-kit-client.so`)
    .find((p) => existsSync(p))!;
  let server: P11KitServer;
  beforeAll(async () => {
    await shim.hsm.initToken('remote', PIN, SO_PIN);
    server = await startP11KitServer({ module: shim.module, token: 'remote', env: shim.env, dir: shim.hsm.dir });
  });
  afterAll(() => {
    server?.stop();
  });

  test('the remote side sees final try and locked, and gets CKR_PIN_LOCKED', async () => {
    const remote = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        const child = spawn('pkcs11-tool', ['--module', client, '--token-label', 'remote', ...args], { env: { ...process.env, P11_KIT_SERVER_ADDRESS: server.address } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.stderr.on('data', (d: Buffer) => (out += d));
        child.on('close', (code) => resolve({ code: code ?? 1, out }));
      });
    expect(client).toBeTruthy();
    await remote(['--login', '--pin', WRONG, '--list-objects']);
    await remote(['--login', '--pin', WRONG, '--list-objects']);
    expect((await remote(['--list-token-slots'])).out).toContain('final user PIN try');
    await remote(['--login', '--pin', WRONG, '--list-objects']);
    expect((await remote(['--list-token-slots'])).out).toContain('user PIN locked');
    const right = await remote(['--login', '--pin', PIN, '--list-objects']);
    expect(right.code).not.toBe(0);
    expect(right.out).toContain('CKR_PIN_LOCKED');
  });
});
