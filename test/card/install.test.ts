// Installing an issued certificate next to its key on a real SoftHSM2 token.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Pkcs11Card } from '../../src/card/pkcs11/pkcs11-card.js';
import { certificateFields } from '../../src/card/der.js';
import { ReissueError } from '../../src/domain/errors.js';
import { cardsWithCa, objectsWithId, openssl } from './support.js';

const PIN = '123456';
const cards = cardsWithCa('reissue-install-', ['install-a', 'install-b'], PIN);

const keygen = (card: Pkcs11Card, label: string, algorithm: 'rsa-2048' | 'ec-p256') =>
  card.generate({ token: { label }, algorithm, pin: PIN, commonName: 'assecodata.pl', domains: ['assecodata.pl'], label: 'reissue test' });

describe('install', () => {
  test.each(['rsa-2048', 'ec-p256'] as const)('%s: writes the certificate with the key\'s CKA_ID, byte for byte', async (alg) => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const gen = await keygen(card, 'install-a', alg);
    const der = await cards.ca.sign(gen.csrPem);
    const events: string[] = [];
    const res = await card.install({ token: { label: 'install-a' }, pin: PIN, certificateDer: der, onProgress: (e) => events.push(`${e.type}:${e.phase}`) });
    expect(res.keyId).toBe(gen.keyId);
    expect(res.alreadyPresent).toBeUndefined();
    expect(events).toEqual(['started:login', 'finished:login', 'started:install', 'started:verify', 'finished:verify', 'finished:install']);

    const out = join(cards.work.dir, `${alg}.from-card.der`);
    await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--read-object', '--type', 'cert', '--id', gen.keyId, '-o', out]);
    expect((await readFile(out)).equals(der)).toBe(true);
    // openssl accepts what came back from the card as a certificate of our CA.
    const pemFile = out.replace(/\.der$/, '.pem');
    await openssl(['x509', '-inform', 'DER', '-in', out, '-out', pemFile]);
    expect(await openssl(['verify', '-CAfile', cards.ca.cert, pemFile])).toContain(': OK');

    const listing = await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--list-objects', '--type', 'cert']);
    const [block] = objectsWithId(listing, gen.keyId);
    expect(block).toContain(`label:      ${gen.label}`);
    expect(block).toMatch(/subject:\s+DN: CN=assecodata.pl/);
    // Same ID and the same label on private key, public key and certificate.
    const all = objectsWithId(await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--login', '--pin', PIN, '--list-objects']), gen.keyId);
    expect(all.map((b) => b.split(';')[0]).sort()).toEqual(['Certificate Object', 'Private Key Object', 'Public Key Object']);
    for (const b of all) expect(b).toContain(`label:      ${gen.label}`);
    expect(res.label).toBe(gen.label);

    // Installing the same certificate again writes nothing new.
    const again = await card.install({ token: { label: 'install-a' }, pin: PIN, certificateDer: der});
    expect(again.alreadyPresent).toBe(true);
    const certs = objectsWithId(await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--list-objects', '--type', 'cert']), gen.keyId);
    expect(certs).toHaveLength(1);
  });

  test('CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER are the certificate\'s own DER', async () => {
    const der = await cards.ca.sign((await keygen(new Pkcs11Card({ modules: [cards.hsm.module] }), 'install-a', 'ec-p256')).csrPem);
    const f = certificateFields(der);
    const file = join(cards.work.dir, 'fields.der');
    await writeFile(file, der);
    const serial = /serial=([0-9A-F]+)/.exec(await openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-serial']))![1]!;
    // A full DER INTEGER: tag, length, and a leading 00 because 0x8a.. has the high bit set.
    expect(Buffer.from(f.serial).toString('hex')).toBe(`0203${'00'}${serial.toLowerCase()}`);
    expect(f.subject[0]).toBe(0x30);
    expect(Buffer.from(der).includes(Buffer.from(f.issuer))).toBe(true);
    expect(Buffer.from(der).includes(Buffer.from(f.subject))).toBe(true);
  });

  test('refuses a certificate that matches no key on the card, and writes nothing', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    // Key made on card B; the certificate is installed on card A.
    const gen = await keygen(card, 'install-b', 'ec-p256');
    const der = await cards.ca.sign(gen.csrPem);
    const before = await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--list-objects', '--type', 'cert']);
    const err = await card.install({ token: { label: 'install-a' }, pin: PIN, certificateDer: der}).catch((e) => e);
    expect(err).toBeInstanceOf(ReissueError);
    expect(err).toMatchObject({ kind: 'card', code: 'no-matching-key' });
    expect(err.message).toContain('install-a');
    expect(await cards.hsm.pkcs11Tool(['--token-label', 'install-a', '--list-objects', '--type', 'cert'])).toBe(before);
  });

  test('refuses bytes that are not a certificate before touching the card', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const err = await card.install({ token: { label: 'install-a' }, pin: PIN, certificateDer: new Uint8Array([1, 2, 3])}).catch((e) => e);
    expect(err).toMatchObject({ kind: 'input', code: 'not-a-certificate' });
  });
});
