// Synthetic certificates for the scale benchmark and the wizard's long-list tests: N valid
// certificates, each a real certificate signed by the sandbox CA whose serial, CN, SAN and
// validity match its record. Building every certificate through @peculiar/x509 costs ~2 ms, too
// slow for 100,000, so one certificate is built normally as a template and the copies differ only
// in fixed-width fields (serial, the host number in CN and SAN) that are patched in place before
// the TBSCertificate is signed again synchronously.
import { webcrypto } from 'node:crypto';
import { setImmediate as nextTick } from 'node:timers/promises';
import { systemClock, type Clock } from '../domain/clock.js';
import { portalError } from '../domain/errors.js';
import { children, readTlv, whole } from '../pki/der.js';
import { bitString, sequence } from '../pki/der-write.js';
import type { SandboxCa } from './ca.js';
import { leafUsageFor, publicKeyHash, randomSerial, wholeSeconds } from './certificate-values.js';
import { newCertificateId } from './ids.js';
import { openPortalService, type LocalPortalService } from './service.js';

export interface SyntheticOptions {
  /** Used only when a data directory is given (default: the system clock). */
  clock?: Clock;
  /** Certificates written per transaction (default 10,000). */
  batchSize?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DIGITS = 9; // host numbers b000000001 … b999999999
const HOST_MARK = 'b' + 'Q'.repeat(DIGITS);
const META_NEXT = 'synthetic_next';

/** Adds `count` valid certificates to `account` (default 'demo'); returns how many were added. */
export async function addSyntheticCertificates(
  target: LocalPortalService | string,
  count: number,
  account = 'demo',
  opts: SyntheticOptions = {},
): Promise<number> {
  if (typeof target === 'string') {
    const service = await openPortalService({ dataDir: target, clock: opts.clock ?? systemClock });
    try {
      return await addSyntheticCertificates(service, count, account, opts);
    } finally {
      service.close();
    }
  }
  const service = target;
  const store = service.store;
  const owner = await service.guard(() => store.account(account));
  if (!owner) throw portalError('unknown-account', `There is no account "${account}" in this portal.`, undefined, { name: account });

  const now = wholeSeconds(service.clock.now());
  const notBefore = new Date(now.getTime() - 30 * DAY_MS);
  const notAfter = new Date(notBefore.getTime() + 365 * DAY_MS);
  const { PRODUCTS } = await import('./seed.js');
  const product = PRODUCTS.ssl;
  const template = await buildTemplate(await service.ca.signing(), notBefore, notAfter, leafUsageFor(product.category));

  const batchSize = Math.max(1, opts.batchSize ?? 10_000);
  let added = 0;
  while (added < count) {
    const n = Math.min(batchSize, count - added);
    await service.guard(() =>
      store.write(async () => {
        const productId = await store.ensureProduct(product);
        const first = await store.advance(META_NEXT, n, 1);
        if (first + n - 1 > 10 ** DIGITS - 1) throw new Error('synthetic host numbers exhausted');
        for (let i = 0; i < n; i++) {
          const host = 'b' + String(first + i).padStart(DIGITS, '0');
          const serial = randomSerial();
          const name = `${host}.bulk.example`;
          await store.insertCertificate({
            id: newCertificateId(),
            serial,
            orderId: `ORDER/${host.slice(1)}/bulk`,
            accountId: owner.id,
            productId,
            commonName: name,
            domains: [name],
            subscriber: { name: 'Synthetic', lastName: 'Subscriber', email: `admin@${name}`, verificationMethod: 'Automatic identity verification' },
            organization: null,
            authorizationMethod: 'E-mail to the domain administrator',
            notBefore: notBefore.toISOString(),
            notAfter: notAfter.toISOString(),
            der: template.make(serial, host),
            publicKeySha256: template.publicKeySha256,
            replaces: null,
            replacedBy: null,
            revocationDate: null,
            revoked: false,
            revocationReason: null,
            issuedAt: notBefore.toISOString(),
          });
        }
      }),
    );
    added += n;
    await nextTick(); // let a server sharing this process breathe between batches
  }
  return added;
}

interface Template {
  publicKeySha256: string;
  make(serialHex: string, host: string): Uint8Array;
}

async function buildTemplate(ca: SandboxCa, notBefore: Date, notAfter: Date, usage: ReturnType<typeof leafUsageFor>): Promise<Template> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const markSerial = randomSerial();
  const markName = `${HOST_MARK}.bulk.example`;
  const cert = await ca.issue({
    serialNumber: markSerial,
    commonName: markName,
    domains: [markName],
    organization: null,
    notBefore,
    notAfter,
    publicKeySpki: spki,
    usage,
  });
  const der = new Uint8Array(cert.rawData);
  const outer = readTlv(der, 0);
  const [tbsTlv, algTlv] = children(der, outer);
  const tbs = whole(der, tbsTlv!).slice();
  const signatureAlgorithm = whole(der, algTlv!).slice();

  const serialAt = indexesOf(tbs, Buffer.from(markSerial, 'hex'));
  const hostAt = indexesOf(tbs, Buffer.from(HOST_MARK, 'ascii'));
  // Exactly one serial; the host twice (CN and SAN). Anything else means the template moved.
  if (serialAt.length !== 1 || hostAt.length !== 2) throw new Error('synthetic certificate template has unexpected layout');

  return {
    publicKeySha256: publicKeyHash(spki),
    make(serialHex, host) {
      const t = tbs.slice();
      t.set(Buffer.from(serialHex, 'hex'), serialAt[0]);
      const hostBytes = Buffer.from(host, 'ascii');
      for (const at of hostAt) t.set(hostBytes, at);
      const signature = ca.signSync(t);
      return sequence(t, signatureAlgorithm, bitString(signature));
    },
  };
}

function indexesOf(haystack: Uint8Array, needle: Uint8Array): number[] {
  const out: number[] = [];
  const h = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  for (let i = h.indexOf(needle); i !== -1; i = h.indexOf(needle, i + 1)) out.push(i);
  return out;
}
