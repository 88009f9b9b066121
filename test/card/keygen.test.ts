// Key generation on a real SoftHSM2 token, checked from outside with openssl and pkcs11-tool.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALGORITHMS, type Algorithm } from '../../src/domain/types.js';
import { Pkcs11Card } from '../../src/card/pkcs11/pkcs11-card.js';
import type { CardProgress } from '../../src/card/card.js';
import { csrPublicKeyDer, objectsWithId, openssl, softHsmBed } from './support.js';

const PIN = '4321';
const bed = softHsmBed('keygen', PIN, 'reissue-keygen-');

describe('generate on the card', () => {
  test.each(ALGORITHMS)('%s: CSR verifies, its key is the card key, the private key stays on the card', async (alg: Algorithm) => {
    const card = new Pkcs11Card({ modules: [bed.hsm.module] });
    const events: CardProgress[] = [];
    const r = await card.generate({
      token: { label: 'keygen' },
      algorithm: alg,
      pin: PIN,
      commonName: 'assecodata.pl',
      domains: ['assecodata.pl', 'www.assecodata.pl'],
      label: `reissue ${alg}`,
      onProgress: (e) => events.push(e),
    });

    const csrFile = join(bed.dir, `${alg}.csr.pem`);
    await writeFile(csrFile, r.csrPem);
    // openssl checks the on-card signature (RSA PKCS#1 v1.5 / ECDSA with DER r,s).
    const text = await openssl(['req', '-in', csrFile, '-noout', '-verify', '-text']);
    expect(text).toContain('DNS:assecodata.pl, DNS:www.assecodata.pl');
    expect(text).toMatch(alg.startsWith('rsa') ? /sha256WithRSAEncryption/ : alg === 'ec-p384' ? /ecdsa-with-SHA384/ : /ecdsa-with-SHA256/);

    // The CSR's key is the public key object on the card, byte for byte.
    const csrKey = await csrPublicKeyDer(bed.dir, r.csrPem);
    expect(Buffer.from(r.publicKeySpki).equals(csrKey)).toBe(true);
    if (alg !== 'ec-p384') {
      const pubFile = join(bed.dir, `${alg}.pub.der`);
      await bed.hsm.pkcs11Tool(['--token-label', 'keygen', '--login', '--pin', PIN, '--read-object', '--type', 'pubkey', '--id', r.keyId, '-o', pubFile]);
      expect(csrKey.equals(await readFile(pubFile))).toBe(true);
    } else {
      // OpenSC 0.23's pkcs11-tool cannot turn a P-384 public key into SPKI ("cannot create
      // EVP_PKEY", also for keys it made itself): compare the EC point it lists instead.
      const listing = objectsWithId(await bed.hsm.pkcs11Tool(['--token-label', 'keygen', '--login', '--pin', PIN, '--list-objects', '--type', 'pubkey']), r.keyId);
      const point = /EC_POINT:\s+([0-9a-f]+)/.exec(listing[0] ?? '')?.[1];
      expect(point).toBe('0461' + csrKey.subarray(csrKey.length - 97).toString('hex'));
      expect(listing[0]).toContain('EC_PARAMS:  06052b81040022');
    }

    // Private key: sign only, sensitive, never extractable, generated on the card.
    const [objects] = objectsWithId(await bed.hsm.pkcs11Tool(['--token-label', 'keygen', '--login', '--pin', PIN, '--list-objects', '--type', 'privkey']), r.keyId);
    expect(objects).toMatch(/Usage:\s+sign\n/);
    expect(objects).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    expect(objects).toContain(`label:      reissue ${alg}`);

    expect(events.map((e) => `${e.type}:${e.phase}`)).toEqual(['started:login', 'finished:login', 'started:generate', 'finished:generate', 'started:sign', 'finished:sign']);
    expect(r.token.label).toBe('keygen');
    expect(r.token.serial).toBe(await bed.hsm.serialOf('keygen'));
  });

  test('objects other tools can pick: CKA_ID is the key\'s SHA-1 (as openssl\'s SKI), one label per key pair, subject on the keys', async () => {
    const card = new Pkcs11Card({ modules: [bed.hsm.module] });
    const req = { token: { label: 'keygen' }, algorithm: 'ec-p256' as const, pin: PIN, commonName: 'a.example', domains: ['a.example'], label: 'pair' };
    const a = await card.generate(req);
    const b = await card.generate(req);
    expect(a.keyId).not.toBe(b.keyId);
    // Two reissues for the same purpose on one card: two labels.
    expect(a.label).not.toBe(b.label);
    expect(a.label).toMatch(/^pair \d{4}-\d{2}-\d{2} [0-9a-f]{8}$/);

    // openssl's subjectKeyIdentifier=hash is RFC 5280 method 1: it must equal the CKA_ID.
    const csrFile = join(bed.dir, 'ski.csr.pem');
    await writeFile(csrFile, a.csrPem);
    const ext = join(bed.dir, 'ski.ext');
    await writeFile(ext, 'subjectKeyIdentifier=hash\n');
    const caKey = join(bed.dir, 'ski-ca.key');
    const caCert = join(bed.dir, 'ski-ca.pem');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', caCert, '-subj', '/CN=ski CA', '-days', '1']);
    const cert = await openssl(['x509', '-req', '-in', csrFile, '-CA', caCert, '-CAkey', caKey, '-days', '1', '-extfile', ext]);
    const ski = (await openssl(['x509', '-noout', '-ext', 'subjectKeyIdentifier'], cert)).split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
    expect(a.keyId).toBe(ski);

    const listing = await bed.hsm.pkcs11Tool(['--token-label', 'keygen', '--login', '--pin', PIN, '--list-objects']);
    for (const r of [a, b]) {
      const objects = objectsWithId(listing, r.keyId);
      expect(objects.map((o) => o.split(';')[0]).sort()).toEqual(['Private Key Object', 'Public Key Object']);
      for (const o of objects) expect(o).toContain(`label:      ${r.label}`);
    }
    expect(a.keyUri).toBe(`${a.token.uri};id=${a.keyId.toUpperCase().replace(/../g, '%$&')};object=${encodeURIComponent(a.label)};type=private`);
  });

  test('inventory shows the token, its PIN state and what it can generate', async () => {
    const card = new Pkcs11Card({ modules: [bed.hsm.module, join(bed.dir, 'no-such-module.so')] });
    const inv = await card.inventory();
    expect(inv.modules[0]).toMatchObject({ path: bed.hsm.module, loaded: true, error: null, manufacturer: 'SoftHSM' });
    expect(inv.modules[1]).toMatchObject({ loaded: false, manufacturer: null });
    expect(inv.modules[1]!.error).toMatch(/no-such-module\.so/);
    const reader = inv.readers.find((r) => r.token?.label === 'keygen');
    expect(reader?.tokenPresent).toBe(true);
    expect(reader?.token).toMatchObject({
      serial: await bed.hsm.serialOf('keygen'),
      manufacturer: 'SoftHSM project',
      model: 'SoftHSM v2',
      algorithms: [...ALGORITHMS],
      pin: { initialized: true, userPinSet: true, locked: false, finalTry: false, protectedAuthPath: false, minLength: 4, maxLength: 255 },
    });
    // The free slot SoftHSM always keeps: present, not initialised.
    expect(inv.readers.some((r) => r.token && !r.token.pin.initialized)).toBe(true);
  });
});
