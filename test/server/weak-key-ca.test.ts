// The weak-key rule on the key sources besides a plain CSR: the CA's own check on a key no CSR
// check sees (a cloud key store that hands back a weak key, exponent 3: nothing issued, the key
// discarded, no e-mail; a sound store issues as before), and a card key's CSR with its evidence.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { CloudKeyInfo } from '../../src/domain/types.js';
import type { CloudKeyStore } from '../../src/server/cloud/key-store.js';
import { DEMO } from '../../src/server/seed.js';
import { openPortalService, type LocalPortalService } from '../../src/server/service.js';
import { parseSpki } from '../../src/pki/csr-parse.js';
import { primesFor, rsaCsr, rsaSpki } from '../pki/weak-keys.js';
import { rejection, tempDir, testClock } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let service: LocalPortalService;
const discarded: string[] = [];

function store(spki: () => Uint8Array): CloudKeyStore {
  return {
    kind: 'sandbox',
    async generate(req) {
      return { publicKeySpki: spki(), info: { store: 'sandbox', location: 'test store', keyId: `k-${req.label.length}`, label: req.label } as CloudKeyInfo };
    },
    async install() {},
    async discard(key) {
      discarded.push(key.label);
    },
    async close() {},
  };
}

async function open(spki: () => Uint8Array): Promise<LocalPortalService> {
  return openPortalService({ dataDir: join(tmp.path, 'data'), clock: testClock(), cloudKeys: async () => store(spki) });
}

beforeEach(() => {
  tmp = tempDir();
  discarded.length = 0;
});
afterEach(async () => {
  await service.settle();
  service.close();
  tmp.remove();
});

describe('the CA refuses a weak key from the cloud key store', () => {
  it('exponent 3: weak-key (exit 3), nothing issued, the key discarded, no e-mail', async () => {
    const [p, q] = primesFor(3n, 1536);
    service = await open(() => rsaSpki(p, q, 3n));
    const demo = service.forAccount(DEMO.customer);
    const before = (await demo.list({ text: DEMO.cloudOrderId })).items;
    const old = before.find((c) => !c.replacedBy)!;
    const e = await rejection(demo.reissue(old.id, { keySource: 'cloud', algorithm: 'rsa-3072' }, 'weak-cloud'));
    expect(e.code).toBe('weak-key');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain('public exponent is 3');
    expect((e.details!.problems as { code: string }[]).map((x) => x.code)).toEqual(['rsa-exponent-small']);
    expect(discarded).toHaveLength(1);
    expect((await demo.list({ text: DEMO.cloudOrderId })).items).toEqual(before);
    expect(await demo.emails(old.id)).toEqual([]);
  });

  it('a sound key from the same kind of store is issued', async () => {
    service = await open(() => new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })));
    const demo = service.forAccount(DEMO.customer);
    const old = (await demo.list({ text: DEMO.cloudOrderId })).items.find((c) => !c.replacedBy)!;
    const { certificate } = await demo.reissue(old.id, { keySource: 'cloud', algorithm: 'ec-p256' }, 'sound-cloud');
    expect(certificate.replaces).toBe(old.id);
    expect(discarded).toEqual([]);
  });

  it('a card key (CSR with card evidence) with exponent 3 is refused by the same rule; nothing issued', async () => {
    service = await open(() => new Uint8Array(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' })));
    const demo = service.forAccount(DEMO.customer);
    const before = (await demo.list({ text: DEMO.codeSigningOrderId })).items;
    const old = before.find((c) => !c.replacedBy)!;
    expect(old.keySources).toEqual(['card']);
    const [p, q] = primesFor(3n, 1536);
    // CKA_ID as this tool names card keys: SHA-1 of the public key's bits (RFC 5280 method 1).
    const keyId = createHash('sha1').update(parseSpki(rsaSpki(p, q, 3n)).keyBytes).digest('hex');
    const csr = new TextEncoder().encode(await rsaCsr(p, q, 3n, { commonName: old.commonName, domains: [] }));
    const card = { serial: '0123456789', token: 'reissue card', manufacturer: 'SoftHSM project', model: 'SoftHSM v2', module: '/usr/lib/softhsm/libsofthsm2.so', keyId };
    const e = await rejection(demo.reissue(old.id, { keySource: 'card', csr, card }, 'weak-card'));
    expect(e.code).toBe('csr-invalid');
    expect(e.exitCode).toBe(3);
    expect((e.details!.problems as { code: string }[]).map((x) => x.code)).toEqual(['rsa-exponent-small']);
    expect((await demo.list({ text: DEMO.codeSigningOrderId })).items).toEqual(before);
  });
});
