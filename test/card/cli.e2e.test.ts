// `reissue card …` end to end: the built binary (with dist/card-worker.cjs), the embedded sandbox
// portal, a real SoftHSM2 token; openssl and pkcs11-tool as the judges.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardInventory } from '../../src/card/card.js';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { BIN, cleanEnv, cliSandbox, runCli } from '../helpers/cli.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { createTestCa, csrPublicKeyDer, openssl } from './support.js';

const PIN = '1234';
let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;

const cli = (args: string[], input?: string) => runCli(['--module', hsm.module, ...args], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf }, input });
const cardOnly = async (): Promise<Certificate> => {
  const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
  return list.find((c) => c.keySources.length === 1 && c.keySources[0] === 'card' && !c.replacedBy && c.state === 'valid')!;
};

beforeAll(async () => {
  hsm = await createSoftHsm();
  box = await cliSandbox();
  await hsm.initToken('card-a', PIN);
  await hsm.initToken('card-b', PIN);
});
afterAll(async () => {
  await hsm.cleanup();
  await box.cleanup();
});

describe('reissue card', () => {
  test('card list --json: the module, its readers and cards with PIN state and algorithms', async () => {
    const r = await cli(['card', 'list', '--json']);
    expect(r.code).toBe(0);
    const inv: CardInventory = JSON.parse(r.stdout);
    expect(inv.modules).toMatchObject([{ path: hsm.module, loaded: true }]);
    const a = inv.readers.find((x) => x.token?.label === 'card-a')!;
    expect(a.token).toMatchObject({ serial: await hsm.serialOf('card-a'), pin: { userPinSet: true, locked: false }, algorithms: ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'] });
    const text = await cli(['card', 'list']);
    expect(text.stdout).toContain('Card "card-a"');
    expect(text.stdout).toContain('Can generate: rsa-2048, rsa-3072, rsa-4096, ec-p256, ec-p384');
  });

  test('offline keygen --cn/--domain --csr-out: no portal needed; CSR verifies and holds the card\'s key', async () => {
    const csr = join(box.dir, 'offline.csr');
    // An unreachable portal proves the portal is never contacted.
    const r = await cli(['--portal', 'http://127.0.0.1:9', 'card', 'keygen', '--cn', 'offline.example', '--domain', 'offline.example', '--domain', 'www.offline.example', '--algorithm', 'ec-p256', '--token', 'card-a', '--pin-stdin', '--csr-out', csr, '--json'], `${PIN}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { keyId: string; csrFile: string; token: { label: string } };
    expect(out).toMatchObject({ csrFile: csr, token: { label: 'card-a' } });
    const pem = await readFile(csr, 'utf8');
    expect(await openssl(['req', '-in', csr, '-noout', '-verify', '-text'])).toContain('DNS:offline.example, DNS:www.offline.example');
    const pub = join(box.dir, 'offline.pub.der');
    await hsm.pkcs11Tool(['--token-label', 'card-a', '--login', '--pin', PIN, '--read-object', '--type', 'pubkey', '--id', out.keyId, '-o', pub]);
    expect((await csrPublicKeyDer(box.dir, pem)).equals(await readFile(pub))).toBe(true);
    // The PIN went through stdin only: never echoed.
    expect(r.stdout).not.toContain(PIN + '\n');
  });

  test('keygen --for --submit, then install ID: the issued copy sits on the card byte for byte', async () => {
    const old = await cardOnly();
    const r = await cli(['card', 'keygen', '--for', old.id, '--algorithm', 'ec-p384', '--token', 'card-a', '--pin-stdin', '--submit', '--json'], `${PIN}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result: ReissueResult = JSON.parse(r.stdout);
    expect(result.replaced.id).toBe(old.id);
    expect(result.certificate.notAfter).toBe(old.notAfter);

    const inst = await cli(['card', 'install', result.certificate.id, '--token', 'card-a', '--pin-stdin'], `${PIN}\n`);
    expect(inst.code).toBe(0);
    expect(inst.stdout).toMatch(/Installed .* on card "card-a" .*read back and verified/);
    const keyId = /key ID ([0-9a-f]+)/.exec(inst.stdout)![1]!;

    const issued = join(box.dir, 'issued.der');
    expect((await cli(['download', result.certificate.id, '--format', 'der', '--out', issued])).code).toBe(0);
    const fromCard = join(box.dir, 'from-card.der');
    await hsm.pkcs11Tool(['--token-label', 'card-a', '--read-object', '--type', 'cert', '--id', keyId, '-o', fromCard]);
    expect((await readFile(fromCard)).equals(await readFile(issued))).toBe(true);
  });

  test('install --cert FILE onto a card without the key: refused with exit 4, nothing written', async () => {
    const dir = box.dir;
    const csr = join(dir, 'b.csr');
    expect((await cli(['card', 'keygen', '--cn', 'b.example', '--algorithm', 'rsa-2048', '--token', 'card-b', '--pin-stdin', '--csr-out', csr], `${PIN}\n`)).code).toBe(0);
    const ca = await createTestCa(dir);
    const certPem = join(dir, 'b.pem');
    const der = await ca.sign(await readFile(csr, 'utf8'));
    const derFile = join(dir, 'b.der');
    await writeFile(derFile, der);
    await openssl(['x509', '-inform', 'DER', '-in', derFile, '-out', certPem]);

    const wrong = await cli(['card', 'install', '--cert', certPem, '--token', 'card-a', '--pin-stdin'], `${PIN}\n`);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('No card chosen with --token / --serial / --key holds the key of this certificate.');
    expect(await hsm.pkcs11Tool(['--token-label', 'card-a', '--list-objects', '--type', 'cert'])).not.toContain('b.example');

    const right = await cli(['card', 'install', '--cert', certPem, '--token', 'card-b', '--pin-stdin'], `${PIN}\n`);
    expect(right.code).toBe(0);
    expect(await hsm.pkcs11Tool(['--token-label', 'card-b', '--list-objects', '--type', 'cert'])).toMatch(/label: {6}reissue b\.example \d{4}-\d{2}-\d{2} [0-9a-f]{8}\n/);
  });

  test('a wrong PIN: exit 4, plain message, nothing submitted', async () => {
    const old = await cardOnly();
    const r = await cli(['card', 'keygen', '--for', old.id, '--algorithm', 'ec-p256', '--token', 'card-a', '--pin-stdin', '--submit'], '86420000\n');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/The PIN is wrong\./);
    expect(r.stderr).not.toContain('86420000');
    expect((await cardOnly()).id).toBe(old.id);
  });

  test('PIN length is refused before the card is asked; usage and module errors', async () => {
    const short = await cli(['card', 'keygen', '--cn', 'x.example', '--algorithm', 'ec-p256', '--token', 'card-a', '--pin-stdin'], '12\n');
    expect(short.code).toBe(3);
    expect(short.stderr).toContain('The PIN must be 4–255 bytes long');

    const noSubject = await cli(['card', 'keygen', '--algorithm', 'ec-p256', '--pin-stdin'], `${PIN}\n`);
    expect(noSubject.code).toBe(2);
    const submitOffline = await cli(['card', 'keygen', '--cn', 'x', '--algorithm', 'ec-p256', '--submit'], `${PIN}\n`);
    expect(submitOffline.code).toBe(2);

    const missing = await runCli(['--module', join(box.dir, 'nowhere-pkcs11.so'), 'card', 'keygen', '--cn', 'x', '--algorithm', 'ec-p256', '--pin-stdin'], { env: box.env, input: `${PIN}\n` });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`The PKCS#11 module ${join(box.dir, 'nowhere-pkcs11.so')} could not be loaded`);

    const ambiguous = await cli(['card', 'keygen', '--cn', 'x', '--algorithm', 'ec-p256', '--pin-stdin'], `${PIN}\n`);
    expect(ambiguous.code).toBe(4);
    expect(ambiguous.stderr).toContain('More than one card is available');
  });

  test('Ctrl+C during generation: exit 130, the half-made key pair is removed, the module finalized', async () => {
    const keys = async () => ((await hsm.pkcs11Tool(['--token-label', 'card-b', '--login', '--pin', PIN, '--list-objects'])).match(/Key Object/g) ?? []).length;
    const before = await keys();
    const child = spawn(process.execPath, [BIN, '--module', hsm.module, 'card', 'keygen', '--cn', 'int.example', '--algorithm', 'rsa-4096', '--token', 'card-b', '--pin-stdin'], {
      env: cleanEnv({ ...box.env, SOFTHSM2_CONF: hsm.conf }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(`${PIN}\n`);
    let stderr = '';
    let interrupted = false;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // Interrupt once the card is generating (RSA-4096 on SoftHSM takes about a second).
        if (!interrupted && stderr.includes('Generating the key pair')) interrupted = child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect({ code, stderr }).toMatchObject({ code: 130 });
    expect(stderr).not.toContain('Key pair generated');
    expect(await keys()).toBe(before);
  });
});
