// The card-only lifecycle as a smart-card user and an offline preparer meet it, end to end: the
// built binary, the embedded sandbox portal, three SoftHSM2 tokens; openssl, pkcs11-tool and
// openssl's pkcs11 engine as the judges.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CardInventory } from '../../src/card/card.js';
import type { ManifestLine } from '../../src/card/manifest.js';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';
import { createTestCa, objectsWithId, openssl } from './support.js';

const run = promisify(execFile);
const PIN = '1234';
let hsm: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;
const serials: Record<string, string> = {};

const env = () => ({ ...box.env, SOFTHSM2_CONF: hsm.conf });
const cli = (args: string[], input?: string) => runCli(['--module', hsm.module, ...args], { env: env(), input });
const codeSigning = async (): Promise<Certificate> => {
  const list: Certificate[] = JSON.parse((await cli(['list', '--json'])).stdout);
  return list.find((c) => c.productCategory === 'Code Signing' && !c.replacedBy && c.state === 'valid')!;
};
const objects = (label: string) => hsm.pkcs11Tool(['--token-label', label, '--login', '--pin', PIN, '--list-objects']);
const pemOf = async (der: Buffer, file: string) => {
  await writeFile(`${file}.der`, der);
  await openssl(['x509', '-inform', 'DER', '-in', `${file}.der`, '-out', file]);
  return readFile(file, 'utf8');
};

beforeAll(async () => {
  hsm = await createSoftHsm();
  box = await cliSandbox();
  for (const label of ['card1', 'card2', 'card3']) serials[label] = await hsm.initToken(label, PIN);
});
afterAll(async () => {
  await hsm.cleanup();
  await box.cleanup();
});

describe('code signing on the second of three cards, prepared offline, submitted and installed later', () => {
  test('RSA-2048 is refused for the product before the card is touched: nothing on the card, no file', async () => {
    const cs = await codeSigning();
    const csr = join(box.dir, 'weak.csr');
    const r = await cli(['card', 'keygen', '--for', cs.id, '--algorithm', 'rsa-2048', '--token', 'card2', '--pin-stdin', '--csr-out', csr], `${PIN}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`The product "${cs.product}" does not allow RSA 2048.`);
    expect(await objects('card2')).not.toMatch(/Key Object/);
    await expect(readFile(csr)).rejects.toThrow();
  });

  test('keygen → csr check → submit --key-source card → install --cert (bundle, CA first) lands on card2', async () => {
    const cs = await codeSigning();
    const csr = join(box.dir, 'cs.csr');
    const gen = await cli(['card', 'keygen', '--for', cs.id, '--algorithm', 'ec-p256', '--token', serials.card2!.toUpperCase().replace(/(.{4})(?=.)/g, '$1 '), '--pin-stdin', '--csr-out', csr, '--json'], `${PIN}\n`);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    const made = JSON.parse(gen.stdout) as { keyId: string; keyUri: string; label: string; token: { label: string; serial: string; uri: string }; next: string };
    expect(made.token).toMatchObject({ label: 'card2', serial: serials.card2 });
    expect(made.keyUri).toMatch(new RegExp(`^${made.token.uri.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};id=${made.keyId.toUpperCase().replace(/../g, '%$&')};object=[^;]+;type=private$`));
    // The code-signing CN is an organisation, not a domain: no SAN at all.
    const text = await openssl(['req', '-in', csr, '-noout', '-verify', '-text']);
    expect(text).toContain('CN = Asseco Data Systems S.A.');
    expect(text).not.toContain('Subject Alternative Name');
    // The hint names a command that works.
    expect(made.next).toBe(`reissue submit ${cs.id} --csr ${csr} --key-source card`);

    // One rule for check and submit: as a plain CSR it is refused by both; as a card key accepted.
    const asCsr = await cli(['csr', 'check', csr, '--for', cs.id]);
    expect(asCsr.code).toBe(3);
    expect(asCsr.stdout).toContain('--key-source card');
    expect((await cli(['submit', cs.id, '--csr', csr])).code).toBe(5);
    expect((await cli(['csr', 'check', csr, '--for', cs.id, '--key-source', 'card'])).code).toBe(0);

    const sub = await cli(['submit', cs.id, '--csr', csr, '--key-source', 'card', '--json']);
    expect(sub.stderr).toBe('');
    expect(sub.code).toBe(0);
    const issued = JSON.parse(sub.stdout) as ReissueResult;
    const card = { serial: serials.card2, token: 'card2', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: 'libsofthsm2.so', keyId: made.keyId };
    expect(issued.certificate).toMatchObject({ keySource: 'card', cardEvidence: card });
    expect(JSON.parse((await cli(['show', issued.certificate.id, '--json'])).stdout)).toMatchObject({ keySource: 'card', cardEvidence: card });
    const shown = (await cli(['show', issued.certificate.id])).stdout;
    expect(shown).toContain(`generated on a card: "card2" serial ${serials.card2}`);
    expect(shown.replace(/\s+/g, ' ')).toContain('declared by the client and checked for consistency, not attested');

    // A bundle with the CA certificate first, installed with no --token.
    const leaf = join(box.dir, 'cs-leaf.pem');
    expect((await cli(['download', issued.certificate.id, '--out', leaf])).code).toBe(0);
    const caPem = (await cli(['ca'])).stdout;
    const bundle = join(box.dir, 'cs-bundle.pem');
    await writeFile(bundle, caPem + (await readFile(leaf, 'utf8')));
    const inst = await cli(['card', 'install', '--cert', bundle, '--pin-stdin', '--json'], `${PIN}\n`);
    expect(inst.stderr).toBe('');
    expect(inst.code).toBe(0);
    const installed = JSON.parse(inst.stdout) as { keyId: string; token: { label: string }; certificateUri: string; skipped: string[] };
    expect(installed).toMatchObject({ keyId: made.keyId, token: { label: 'card2' } });
    expect(installed.skipped).toEqual([expect.stringContaining('Certificate 1 of 2 was not installed')]);
    const fromCard = join(box.dir, 'cs-from-card.der');
    await hsm.pkcs11Tool(['--token-label', 'card2', '--read-object', '--type', 'cert', '--id', made.keyId, '-o', fromCard]);
    const issuedDer = join(box.dir, 'cs-issued.der');
    await cli(['download', issued.certificate.id, '--format', 'der', '--out', issuedDer]);
    expect((await readFile(fromCard)).equals(await readFile(issuedDer))).toBe(true);
    // One label on private key, public key and certificate; nothing landed on card1 or card3.
    const all = objectsWithId(await objects('card2'), made.keyId);
    expect(all).toHaveLength(3);
    for (const o of all) expect(o).toContain(`label:      ${made.label}`);
    for (const other of ['card1', 'card3']) expect(await objects(other)).not.toContain(made.keyId);
  });

  test('when the portal fails during keygen --submit, the command the tool names for later works', async () => {
    const cs = await codeSigning();
    const csr = join(box.dir, 'later.csr');
    // At a simulated date after its expiry the portal refuses the reissue; the key pair stays.
    const failed = await runCli(['--module', hsm.module, 'card', 'keygen', '--for', cs.id, '--algorithm', 'ec-p256', '--token', 'card3', '--pin-stdin', '--csr-out', csr, '--submit'], {
      env: { ...env(), REISSUE_NOW: new Date(Date.parse(cs.notAfter) + 86_400_000).toISOString() },
      input: `${PIN}\n`,
    });
    expect(failed.code).toBe(5);
    const hint = /Submit its CSR later with:\s+(reissue submit .*)\n/.exec(failed.stderr)?.[1];
    expect(hint).toBe(`reissue submit ${cs.id} --csr ${csr} --key-source card`);
    const later = await cli([...hint!.split(' ').slice(1), '--json']);
    expect(later.stderr).toBe('');
    expect(later.code).toBe(0);
    expect((JSON.parse(later.stdout) as ReissueResult).certificate.cardEvidence?.token).toBe('card3');
  });

  test('a manifest line copied from a real card for another key is refused by csr check and submit alike (exit 3, nothing issued); the genuine line passes both', async () => {
    const cs = await codeSigning();
    const manifest = join(box.dir, 'real.jsonl');
    const realCsr = join(box.dir, 'real.csr');
    const gen = await cli(['card', 'keygen', '--for', cs.id, '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--csr-out', realCsr, '--manifest', manifest], `${PIN}\n`);
    expect(gen.code, gen.stderr).toBe(0);
    const line = JSON.parse((await readFile(manifest, 'utf8')).trim()) as ManifestLine;

    // A key made in software, and the real card's line with this key's hash put in.
    const key = join(box.dir, 'soft.key');
    const softCsr = join(box.dir, 'soft.csr');
    await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-subj', `/CN=${cs.commonName}`, '-out', softCsr]);
    const { createHash, createPublicKey } = await import('node:crypto');
    const softSpki = createPublicKey(await openssl(['req', '-in', softCsr, '-noout', '-pubkey'])).export({ type: 'spki', format: 'der' });
    const forged = join(box.dir, 'forged.jsonl');
    await writeFile(forged, `${JSON.stringify({ ...line, publicKeySha256: createHash('sha256').update(softSpki).digest('hex'), csrFile: softCsr })}\n`);

    const check = await cli(['csr', 'check', softCsr, '--for', cs.id, '--key-source', 'card', '--manifest', forged]);
    expect(check.code).toBe(3);
    expect(check.stdout).toContain(`The card evidence names the key id ${line.keyId}, but the CSR's public key has the key id`);
    expect(check.stdout).not.toContain('✓');
    const submit = await cli(['submit', cs.id, '--csr', softCsr, '--key-source', 'card', '--manifest', forged]);
    expect(submit.code).toBe(3);
    expect(submit.stderr).toContain(`The card evidence names the key id ${line.keyId}`);
    expect(submit.stderr).toContain('the evidence is not about this key');
    expect((JSON.parse((await cli(['show', cs.id, '--json'])).stdout) as Certificate).replacedBy).toBeNull();
    // Asked for JSON, the check names the rule.
    const json = JSON.parse((await cli(['csr', 'check', softCsr, '--for', cs.id, '--key-source', 'card', '--manifest', forged, '--json'])).stdout) as { ok: boolean; problems: { code: string }[] };
    expect([json.ok, json.problems.map((p) => p.code)]).toEqual([false, ['card-evidence-key-id']]);
    // Without the card or a manifest line holding its key, check and submit both refuse it too.
    const none = await cli(['csr', 'check', softCsr, '--for', cs.id, '--key-source', 'card']);
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('No card present holds the key of this CSR');
    expect((await cli(['submit', cs.id, '--csr', softCsr, '--key-source', 'card'])).code).toBe(4);

    // The genuine line: both say yes, and the copy records the line's evidence.
    const real = await cli(['csr', 'check', realCsr, '--for', cs.id, '--key-source', 'card', '--manifest', manifest]);
    expect(real.code, real.stdout).toBe(0);
    expect(real.stdout).toContain('✓');
    const ok = await cli(['submit', cs.id, '--csr', realCsr, '--key-source', 'card', '--manifest', manifest, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as ReissueResult).certificate.cardEvidence).toEqual({
      serial: line.cardSerial,
      token: 'card1',
      manufacturer: line.manufacturer,
      model: line.model,
      module: 'libsofthsm2.so',
      keyId: line.keyId,
      publicKeySha256: line.publicKeySha256,
    });
  });

  test('offline --cn without --domain: the CN goes into the SAN only when it is a domain name; a bad --domain is refused', async () => {
    const org = join(box.dir, 'org.csr');
    expect((await cli(['card', 'keygen', '--cn', 'Asseco Data Systems S.A.', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--csr-out', org], `${PIN}\n`)).code).toBe(0);
    expect(await openssl(['req', '-in', org, '-noout', '-text'])).not.toContain('Subject Alternative Name');
    const host = join(box.dir, 'host.csr');
    expect((await cli(['card', 'keygen', '--cn', 'host.example', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--csr-out', host], `${PIN}\n`)).code).toBe(0);
    expect(await openssl(['req', '-in', host, '-noout', '-text'])).toContain('DNS:host.example');
    const before = await objects('card1');
    const bad = await cli(['card', 'keygen', '--cn', 'x.example', '--domain', 'not a domain', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin'], `${PIN}\n`);
    expect(bad.code).toBe(3);
    expect(await objects('card1')).toBe(before);
  });
});

describe('other tools use the objects', () => {
  test('openssl\'s pkcs11 engine signs with the key URI from keygen --json; the certificate on the card verifies it', async () => {
    const csr = join(box.dir, 'eng.csr');
    const gen = await cli(['card', 'keygen', '--cn', 'engine.example', '--algorithm', 'rsa-2048', '--token', 'card3', '--pin-stdin', '--csr-out', csr, '--json'], `${PIN}\n`);
    expect(gen.code).toBe(0);
    const { keyUri, keyId } = JSON.parse(gen.stdout) as { keyUri: string; keyId: string };
    const ca = await createTestCa(box.dir);
    const certPem = join(box.dir, 'eng.pem');
    await pemOf(await ca.sign(await readFile(csr, 'utf8')), certPem);
    expect((await cli(['card', 'install', '--cert', certPem, '--pin-stdin'], `${PIN}\n`)).code).toBe(0);

    // p11tool (GnuTLS) finds exactly that key by the URI, and names it by the same URI.
    const { stdout: listed } = await run('p11tool', ['--provider', hsm.module, '--login', '--list-all', keyUri], { env: { ...process.env, SOFTHSM2_CONF: hsm.conf, GNUTLS_PIN: PIN } });
    expect(listed.match(/^Object \d+:/gm)).toHaveLength(1);
    expect(listed).toContain(`URL: ${keyUri}\n`);
    expect(listed).toMatch(/Type: Private key \(RSA-2048\)/);

    const conf = join(box.dir, 'engine.cnf');
    await writeFile(
      conf,
      ['openssl_conf = init', '[init]', 'engines = engines', '[engines]', 'pkcs11 = pkcs11', '[pkcs11]', 'engine_id = pkcs11', `MODULE_PATH = ${hsm.module}`, 'init = 0', ''].join('\n'),
    );
    const data = join(box.dir, 'data.txt');
    await writeFile(data, 'signed with the card key\n');
    const sig = join(box.dir, 'data.sig');
    await run('openssl', ['dgst', '-sha256', '-engine', 'pkcs11', '-keyform', 'engine', '-sign', keyUri, '-passin', `pass:${PIN}`, '-out', sig, data], {
      env: { ...process.env, OPENSSL_CONF: conf, SOFTHSM2_CONF: hsm.conf },
    });
    const fromCard = join(box.dir, 'eng-from-card.der');
    await hsm.pkcs11Tool(['--token-label', 'card3', '--read-object', '--type', 'cert', '--id', keyId, '-o', fromCard]);
    const pub = join(box.dir, 'eng-pub.pem');
    await writeFile(pub, await openssl(['x509', '-inform', 'DER', '-in', fromCard, '-noout', '-pubkey']));
    expect(await openssl(['dgst', '-sha256', '-verify', pub, '-signature', sig, data])).toContain('Verified OK');
  });
});

describe('inventory and clean-up', () => {
  test('card list shows each card\'s keys and certificates with URIs; --token takes a URI; delete asks, refuses a key with a certificate without --force', async () => {
    const csr = join(box.dir, 'left.csr');
    const tokenUri = (JSON.parse((await cli(['card', 'list', '--json'])).stdout) as CardInventory).readers.find((r) => r.token?.label === 'card1')!.token!.uri;
    const gen = await cli(['card', 'keygen', '--cn', 'left.example', '--algorithm', 'ec-p384', '--token', tokenUri, '--pin-stdin', '--csr-out', csr, '--json'], `${PIN}\n`);
    expect(gen.code).toBe(0);
    const left = JSON.parse(gen.stdout) as { keyId: string; keyUri: string; label: string; token: { label: string } };
    expect(left.token.label).toBe('card1');

    const text = (await cli(['card', 'list'])).stdout;
    expect(text).toContain(`URI: ${tokenUri}`);
    expect(text).toContain(`"${left.label}"  id ${left.keyId}  ec-p384`);
    expect(text).toContain(`key URI:  ${left.keyUri}`);
    const inv = JSON.parse((await cli(['card', 'list', '--json'])).stdout) as CardInventory;
    const key = inv.readers.find((r) => r.token?.label === 'card1')!.keys!.find((k) => k.id === left.keyId)!;
    expect(key).toMatchObject({ label: left.label, algorithm: 'ec-p384', uri: left.keyUri, certificate: null });

    // Without a terminal and without --yes: nothing is removed.
    const unasked = await cli(['card', 'delete', left.keyUri, '--pin-stdin'], `${PIN}\n`);
    expect(unasked.code).toBe(2);
    expect(objectsWithId(await objects('card1'), left.keyId)).toHaveLength(2);
    const gone = await cli(['card', 'delete', left.keyUri, '--yes', '--pin-stdin'], `${PIN}\n`);
    expect(gone.stderr).toBe('');
    expect(gone.code).toBe(0);
    expect(objectsWithId(await objects('card1'), left.keyId)).toEqual([]);

    // A key pair with its certificate (installed by --key URI) is kept unless --force.
    const withCert = JSON.parse((await cli(['card', 'keygen', '--cn', 'kept.example', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin', '--csr-out', join(box.dir, 'kept.csr'), '--json'], `${PIN}\n`)).stdout) as { keyId: string; keyUri: string };
    const ca = await createTestCa(box.dir);
    const pem = join(box.dir, 'kept.pem');
    await pemOf(await ca.sign(await readFile(join(box.dir, 'kept.csr'), 'utf8')), pem);
    expect((await cli(['card', 'install', '--cert', pem, '--key', withCert.keyUri, '--pin-stdin'], `${PIN}\n`)).code).toBe(0);
    const refused = await cli(['card', 'delete', withCert.keyUri, '--yes', '--pin-stdin'], `${PIN}\n`);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('has the certificate');
    expect(objectsWithId(await objects('card1'), withCert.keyId)).toHaveLength(3);
    expect((await cli(['card', 'delete', withCert.keyUri, '--yes', '--force', '--pin-stdin'], `${PIN}\n`)).code).toBe(0);
    expect(objectsWithId(await objects('card1'), withCert.keyId)).toEqual([]);
  });
});

describe('discovery and selection as p11-kit', () => {
  test('a module listed through the user\'s p11-kit config with enable-in; system modules switched off with disable-in / enable-in', async () => {
    const home = join(box.dir, 'home');
    const config = join(home, '.config');
    await mkdir(join(config, 'pkcs11', 'modules'), { recursive: true });
    // A copy at its own path, so only the user config can name it.
    const mine = join(box.dir, 'lib', 'libsofthsm2-mine.so');
    await mkdir(join(box.dir, 'lib'), { recursive: true });
    await copyFile(hsm.module, mine);
    await writeFile(join(config, 'pkcs11', 'modules', 'mine.module'), `module: ${mine}\nenable-in: reissue\n`);
    await writeFile(join(config, 'pkcs11', 'modules', 'softhsm2.module'), 'disable-in: reissue\n');
    await writeFile(join(config, 'pkcs11', 'modules', 'opensc-pkcs11.module'), 'enable-in: p11-kit-proxy\n');
    const list = await runCli(['card', 'list', '--json'], { env: { ...env(), HOME: home, XDG_CONFIG_HOME: config } });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    const inv = JSON.parse(list.stdout) as CardInventory;
    expect(inv.modules.map((m) => m.path)).toEqual([mine]);
    expect(inv.readers.filter((r) => r.token?.pin.initialized).map((r) => r.token!.label).sort()).toEqual(['card1', 'card2', 'card3']);
    // Without the user's files the system's SoftHSM module is back.
    await rm(join(config, 'pkcs11'), { recursive: true });
    const back = JSON.parse((await runCli(['card', 'list', '--json'], { env: { ...env(), HOME: home, XDG_CONFIG_HOME: config } })).stdout) as CardInventory;
    expect(back.modules.map((m) => m.path)).not.toContain(mine);
    expect(back.modules.some((m) => /softhsm/.test(m.path))).toBe(true);
  });

  test('card list exits 4 with the reason when no module loads or no card is present; PIN range in bytes', async () => {
    const missing = await runCli(['--module', join(box.dir, 'nowhere.so'), 'card', 'list'], { env: env() });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('could not be loaded');
    const empty = await createSoftHsm();
    try {
      const none = await runCli(['--module', empty.module, 'card', 'list'], { env: { ...box.env, SOFTHSM2_CONF: empty.conf } });
      expect(none.code).toBe(4);
      // SoftHSM's only slot holds a blank token: no card to use.
      expect(none.stderr).toContain('The card is not initialised.');
    } finally {
      await empty.cleanup();
    }
    const text = await cli(['card', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('4–255 bytes');
    // A 40-character PIN is not refused by reissue's own rule (the card answers: wrong PIN, exit 4).
    const long = await cli(['card', 'keygen', '--cn', 'x.example', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin'], `${'7'.repeat(40)}\n`);
    expect(long.stderr).toContain('The PIN is wrong');
    expect(long.code).toBe(4);
    const short = await cli(['card', 'keygen', '--cn', 'x.example', '--algorithm', 'ec-p256', '--token', 'card1', '--pin-stdin'], '12\n');
    expect(short.code).toBe(3);
  });
});

describe('three cards prepared offline with a manifest', () => {
  test('manifest lines match pkcs11-tool; certificates installed later on the right card; a missing card is named', async () => {
    const local = await createSoftHsm();
    const localCli = (args: string[], input?: string) => runCli(['--module', local.module, ...args], { env: { ...box.env, SOFTHSM2_CONF: local.conf }, input });
    try {
      const cards = ['prep1', 'prep2', 'prep3'];
      for (const c of cards) await local.initToken(c, PIN);
      const manifest = join(box.dir, 'cards.jsonl');
      for (const c of cards) {
        const r = await localCli(['card', 'keygen', '--cn', `${c}.example`, '--algorithm', 'ec-p256', '--token', c, '--pin-stdin', '--csr-out', join(box.dir, `${c}.csr`), '--manifest', manifest], `${PIN}\n`);
        expect(r.code).toBe(0);
      }
      const lines = (await readFile(manifest, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as ManifestLine);
      expect(lines.map((l) => l.tokenLabel)).toEqual(cards);
      for (const l of lines) {
        expect(l).toMatchObject({ cardSerial: await local.serialOf(l.tokenLabel), module: local.module, algorithm: 'ec-p256', csrFile: join(box.dir, `${l.tokenLabel}.csr`) });
        expect(Date.parse(l.time)).not.toBeNaN();
        const listed = objectsWithId(await local.pkcs11Tool(['--token-label', l.tokenLabel, '--login', '--pin', PIN, '--list-objects']), l.keyId);
        expect(listed.map((o) => o.split(';')[0]).sort()).toEqual(['Private Key Object', 'Public Key Object']);
        for (const o of listed) expect(o).toContain(`label:      ${l.keyLabel}`);
        const pub = join(box.dir, `${l.tokenLabel}.pub.der`);
        await local.pkcs11Tool(['--token-label', l.tokenLabel, '--login', '--pin', PIN, '--read-object', '--type', 'pubkey', '--id', l.keyId, '-o', pub]);
        const { createHash } = await import('node:crypto');
        expect(createHash('sha256').update(await readFile(pub)).digest('hex')).toBe(l.publicKeySha256);
        expect(l.keyUri).toContain(`serial=${l.cardSerial};token=${l.tokenLabel};id=`);
      }

      const ca = await createTestCa(box.dir);
      const certs: string[] = [];
      for (const c of cards) {
        const pem = join(box.dir, `${c}.pem`);
        await pemOf(await ca.sign(await readFile(join(box.dir, `${c}.csr`), 'utf8')), pem);
        certs.push(pem);
      }
      // The third card is not inserted any more: the manifest says which card to insert.
      await run('softhsm2-util', ['--delete-token', '--token', 'prep3'], { env: { ...process.env, SOFTHSM2_CONF: local.conf } });
      const absent = await localCli(['card', 'install', '--cert', certs[2]!, '--manifest', manifest, '--pin-stdin'], `${PIN}\n`);
      expect(absent.code).toBe(4);
      expect(absent.stderr).toContain(`prepared on the card "prep3" (serial ${lines[2]!.cardSerial}), which is not present`);
      // The others land on their cards, in any order, with no --token.
      for (const i of [1, 0]) {
        const r = await localCli(['card', 'install', '--cert', certs[i]!, '--manifest', manifest, '--pin-stdin'], `${PIN}\n`);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`on card "${cards[i]}"`);
        const listed = objectsWithId(await local.pkcs11Tool(['--token-label', cards[i]!, '--list-objects', '--type', 'cert']), lines[i]!.keyId);
        expect(listed).toHaveLength(1);
        expect(listed[0]).toContain(`label:      ${lines[i]!.keyLabel}`);
      }
    } finally {
      await local.cleanup();
    }
  });
});
