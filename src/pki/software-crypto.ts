// Node's WebCrypto, typed as the DOM's Crypto that @peculiar/x509 and our CSR builder take. Its own
// module so software keys do not load @peculiar/x509 (x509.ts) just to reach it.
import { webcrypto } from 'node:crypto';

export const softwareCrypto = webcrypto as unknown as Crypto;
