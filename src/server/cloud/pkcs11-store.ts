// The cloud key store on a PKCS#11 token of the server (`reissue serve --cloud-module PATH
// [--cloud-token LABEL]`), through the card layer: the key pair is generated on the token
// (sensitive, non-extractable, CKA_ID shared with the certificate installed next to it). The
// card layer also signs a CSR with the new key; the portal only needs the public key, but the
// signature shows the token can use the key it just made.
import type { CardInventory, CardService, TokenSelector } from '../../card/card.js';
import { describeToken } from '../../card/select.js';
import type { CloudKeyStore } from './key-store.js';

export interface Pkcs11StoreOptions {
  module: string;
  /** Token label; without it, the one initialised token the module shows. */
  token?: string;
  /** The token's user PIN (read from a file or stdin by `serve`; never logged). */
  pin: string;
  /** The card service to use (tests may pass one); by default one for `module`. */
  cards?: CardService;
  /** Module environment for the worker (e.g. SOFTHSM2_CONF in tests). */
  env?: Record<string, string | undefined>;
}

export interface Pkcs11KeyStore extends CloudKeyStore {
  /** What the module shows (to check at start-up that the token is there). */
  inventory(): Promise<CardInventory>;
}

export async function pkcs11KeyStore(opts: Pkcs11StoreOptions): Promise<Pkcs11KeyStore> {
  const cards = opts.cards ?? (await import('../../card/service.js')).createCardService({ modulePath: opts.module, env: opts.env });
  const token: TokenSelector = opts.token !== undefined ? { label: opts.token } : {};
  return {
    kind: 'pkcs11',
    inventory: () => cards.inventory(),
    async generate(req) {
      const made = await cards.generate({ token, pin: opts.pin, algorithm: req.algorithm, commonName: req.commonName, domains: req.domains, label: req.label });
      return {
        publicKeySpki: made.publicKeySpki,
        // The card layer completes the label (date, key id): one label per key pair.
        info: { store: 'pkcs11', location: `PKCS#11 token ${describeToken(made.token)}`, keyId: made.keyId, label: made.label },
      };
    },
    // The certificate takes the key pair's own label on the token.
    async install(_key, certificateDer) {
      await cards.install({ token, pin: opts.pin, certificateDer });
    },
    // A key pair whose reissue was not issued (CA failure, lost race) is removed from the token.
    async discard(key) {
      await cards.deleteKey({ uri: { ...(opts.token !== undefined ? { token: opts.token } : {}), id: key.keyId }, pin: opts.pin });
    },
    close: () => cards.close(),
  };
}
