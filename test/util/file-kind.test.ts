// The positive list behind --force: what an existing file holds, from its bytes. Only the kinds
// this program writes are recognised; everything else (a keystore, a key in any wrapping, text
// around a PEM block, DER with trailing bytes) is "other" or "private-key", and never replaced.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileKind } from '../../src/util/file-kind.js';
import { openssl } from '../helpers/openssl.js';

const dir = mkdtempSync(join(tmpdir(), 'reissue-file-kind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => readFileSync(join(dir, name));
const der = (pem: Buffer) => Buffer.from(pem.toString().replace(/-----[^-]+-----|\s/g, ''), 'base64');

openssl(['req', '-new', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=kind', '-days', '1']);
openssl(['req', '-new', '-key', join(dir, 'k.pem'), '-out', join(dir, 'r.pem'), '-subj', '/CN=kind']);
openssl(['pkcs12', '-export', '-in', join(dir, 'c.pem'), '-inkey', join(dir, 'k.pem'), '-out', join(dir, 'ks.p12'), '-passout', 'pass:x']);

describe('fileKind', () => {
  it('recognises what the commands write: certificates and chains, CSRs (PEM and DER), a doctor bundle', () => {
    const cert = file('c.pem');
    expect(fileKind(cert)).toBe('certificate');
    expect(fileKind(Buffer.concat([cert, Buffer.from('\n'), cert]))).toBe('certificate');
    expect(fileKind(der(cert))).toBe('certificate');
    expect(fileKind(file('r.pem'))).toBe('csr');
    expect(fileKind(der(file('r.pem')))).toBe('csr');
    expect(fileKind(Buffer.from(JSON.stringify({ generatedAt: 'now', versions: {}, checks: [] })))).toBe('diagnosis');
    expect(fileKind(Buffer.from(' \n'))).toBe('empty');
  });

  it('never takes anything else for them', () => {
    const cert = file('c.pem');
    expect(fileKind(file('ks.p12'))).toBe('other');
    expect(fileKind(file('k.pem'))).toBe('private-key');
    expect(fileKind(der(file('k.pem')))).toBe('private-key');
    expect(fileKind(Buffer.from(JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }))))).toBe('private-key');
    expect(fileKind(Buffer.from('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nabc\n-----END PGP PRIVATE KEY BLOCK-----\n'))).toBe('private-key');
    // A certificate with a note next to it, or a key after it, or DER with bytes after the end.
    expect(fileKind(Buffer.concat([Buffer.from('my server cert\n'), cert]))).toBe('other');
    expect(fileKind(Buffer.concat([cert, file('k.pem')]))).toBe('private-key');
    expect(fileKind(Buffer.concat([der(cert), Buffer.from([0])]))).toBe('other');
    // A certificate and a CSR in one file is neither.
    expect(fileKind(Buffer.concat([cert, file('r.pem')]))).toBe('other');
    expect(fileKind(Buffer.from('{"generatedAt":"x"}'))).toBe('other');
  });
});
