// Three SoftHSM2 tokens: the card layer finds a key by its public key on whichever card holds it,
// lists every card's key pairs and certificates with their URIs, and removes a leftover key pair.
import { describe, expect, test } from 'vitest';
import { Pkcs11Card } from '../../src/card/pkcs11/pkcs11-card.js';
import { parsePkcs11Uri } from '../../src/card/uri.js';
import { certificateFields, csrSubjectDer } from '../../src/card/der.js';
import { findObjects, getAttr } from '../../src/card/pkcs11/keys.js';
import { openModule } from '../../src/card/pkcs11/module.js';
import { ck, loadPkcs11 } from '../../src/card/pkcs11/pkcs11.js';
import { decodePemBlocks } from '../../src/pki/pem.js';
import { cardsWithCa, objectsWithId } from './support.js';

const PIN = '4321';
const cards = cardsWithCa('reissue-objects-', ['card1', 'card2', 'card3'], PIN);

const keygen = (card: Pkcs11Card, label: string) =>
  card.generate({ token: { label }, algorithm: 'ec-p256', pin: PIN, commonName: 'assecodata.pl', domains: ['assecodata.pl'], label: 'reissue test' });

describe('keys on several cards', () => {
  test('findKeys searches every card without a PIN; a selector only narrows', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const on2 = await keygen(card, 'card2');
    const on3 = await keygen(card, 'card3');
    const found = await card.findKeys([on2.publicKeySpki, on3.publicKeySpki, new Uint8Array(on2.publicKeySpki).reverse()], {});
    expect(found.map((f) => f.map((l) => l.token.label))).toEqual([['card2'], ['card3'], []]);
    expect(found[0]![0]!.key).toMatchObject({ id: on2.keyId, label: on2.label, uri: on2.keyUri, certificate: null });
    expect(await card.findKeys([on2.publicKeySpki], { labelOrSerial: 'card1' })).toEqual([[]]);
    expect((await card.findKeys([on2.publicKeySpki], { uri: parsePkcs11Uri(on2.token.uri) }))[0]).toHaveLength(1);
  });

  test('inventory lists each card\'s key pairs with their certificate and URIs', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const gen = await keygen(card, 'card1');
    const installed = await card.install({ token: { label: 'card1' }, pin: PIN, certificateDer: await cards.ca.sign(gen.csrPem) });
    const inv = await card.inventory({ keys: true });
    expect((await card.inventory()).readers.every((r) => r.keys === undefined)).toBe(true);
    const reader = inv.readers.find((r) => r.token?.label === 'card1')!;
    const key = reader.keys!.find((k) => k.id === gen.keyId)!;
    expect(key).toMatchObject({ label: gen.label, algorithm: 'ec-p256', keyType: 'EC', bits: 256, uri: gen.keyUri, certificate: { label: gen.label, uri: installed.certificateUri } });
    expect(installed.certificateUri).toBe(gen.keyUri.replace(/type=private$/, 'type=cert'));
    expect(inv.modules[0]!.remote).toBeNull();
  });

  test('CKA_SUBJECT on both keys: the CSR\'s subject at generation, the certificate\'s once installed', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const gen = await card.generate({ token: { label: 'card1' }, algorithm: 'ec-p256', pin: PIN, commonName: 'subject.example', domains: ['subject.example'], label: 'reissue subject' });
    const subjects = () => {
      const mod = openModule(cards.hsm.module, loadPkcs11);
      try {
        const slot = mod.p11.C_GetSlotList(true).find((s) => mod.p11.C_GetTokenInfo(s).label.trim() === 'card1')!;
        const session = mod.p11.C_OpenSession(slot, ck.CKF_SERIAL_SESSION);
        mod.p11.C_Login(session, ck.CKU_USER, PIN);
        return [ck.CKO_PUBLIC_KEY, ck.CKO_PRIVATE_KEY].map((cls) => {
          const [h] = findObjects(mod.p11, session, [{ type: ck.CKA_CLASS, value: cls }, { type: ck.CKA_ID, value: Buffer.from(gen.keyId, 'hex') }]);
          return getAttr(mod.p11, session, h!, ck.CKA_SUBJECT).toString('hex');
        });
      } finally {
        mod.release();
      }
    };
    const csrSubject = Buffer.from(csrSubjectDer(decodePemBlocks(gen.csrPem)[0]!.der)).toString('hex');
    expect(subjects()).toEqual([csrSubject, csrSubject]);
    const der = await cards.ca.sign(gen.csrPem);
    await card.install({ token: { label: 'card1' }, pin: PIN, certificateDer: der });
    const certSubject = Buffer.from(certificateFields(der).subject).toString('hex');
    expect(subjects()).toEqual([certSubject, certSubject]);
  });

  test('delete removes a leftover key pair by URI; one with a certificate only with force', async () => {
    const card = new Pkcs11Card({ modules: [cards.hsm.module] });
    const leftover = await keygen(card, 'card3');
    const kept = await keygen(card, 'card3');
    await card.install({ token: { label: 'card3' }, pin: PIN, certificateDer: await cards.ca.sign(kept.csrPem) });
    const listing = () => cards.hsm.pkcs11Tool(['--token-label', 'card3', '--login', '--pin', PIN, '--list-objects']);

    const gone = await card.deleteKey({ uri: parsePkcs11Uri(leftover.keyUri), pin: PIN });
    expect(gone.removed).toEqual({ privateKeys: 1, publicKeys: 1, certificates: 0 });
    expect(objectsWithId(await listing(), leftover.keyId)).toEqual([]);

    await expect(card.deleteKey({ uri: parsePkcs11Uri(kept.keyUri), pin: PIN })).rejects.toMatchObject({ kind: 'input', code: 'key-has-certificate' });
    expect(objectsWithId(await listing(), kept.keyId)).toHaveLength(3);
    const forced = await card.deleteKey({ uri: parsePkcs11Uri(kept.keyUri), pin: PIN, force: true });
    expect(forced.removed).toEqual({ privateKeys: 1, publicKeys: 1, certificates: 1 });
    expect(objectsWithId(await listing(), kept.keyId)).toEqual([]);

    await expect(card.deleteKey({ uri: parsePkcs11Uri(kept.keyUri), pin: PIN })).rejects.toMatchObject({ code: 'key-not-found' });
    await expect(card.deleteKey({ uri: parsePkcs11Uri('pkcs11:token=card3'), pin: PIN })).rejects.toMatchObject({ code: 'uri-without-id' });
  });
});
