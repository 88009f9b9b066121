// The single entry to @peculiar/x509: it needs reflect-metadata loaded first and a WebCrypto
// provider set once. Everything else imports x509 from here.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { softwareCrypto } from './software-crypto.js';

x509.cryptoProvider.set(softwareCrypto);

export { x509, softwareCrypto };
