// The single entry to @peculiar/x509: it needs reflect-metadata loaded first and a WebCrypto
// provider set once. Everything else imports x509 from here.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const softwareCrypto = webcrypto as unknown as Crypto;
