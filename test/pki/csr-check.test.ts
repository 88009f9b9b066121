import { createPrivateKey, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReissueError } from '../../src/domain/errors.js';
import type { Algorithm, CsrReport } from '../../src/domain/types.js';
import { csrProblemText } from '../../src/domain/translate.js';
import { translator } from '../../src/i18n/i18n.js';
import { checkCsr, csrReportText, inspectCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { certificatePublicKeySpki } from '../../src/pki/preview.js';
import { Workdir, assembleCsr, csrParts, makeCert, makeCsr, makeKey, openssl, pemToDer, type KeySpec } from './helpers.js';

const ALL: Algorithm[] = ['rsa-2048', 'rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'];
const CODE_SIGNING: Algorithm[] = ['rsa-3072', 'rsa-4096', 'ec-p256', 'ec-p384'];
const ORDER: CsrCheckContext = { domains: ['assecodata.pl', 'www.assecodata.pl'], algorithms: ALL };

const enc = (s: string) => new TextEncoder().encode(s);
const codes = (r: CsrReport) => r.problems.map((p) => p.code);

let w: Workdir;
const keys = {} as Record<KeySpec, string>;

beforeAll(() => {
  w = new Workdir();
  for (const spec of ['rsa:1024', 'rsa:2048', 'rsa:3072', 'rsa:4096', 'P-256', 'P-384', 'P-521', 'secp256k1', 'ed25519'] as KeySpec[]) {
    keys[spec] = makeKey(w, spec);
  }
});
afterAll(() => w.cleanup());

describe('correct CSRs made by openssl', () => {
  const cases: { spec: KeySpec; type: string; size: number; curve: string | null; sig: string }[] = [
    { spec: 'rsa:2048', type: 'RSA', size: 2048, curve: null, sig: 'sha256WithRSAEncryption' },
    { spec: 'rsa:3072', type: 'RSA', size: 3072, curve: null, sig: 'sha256WithRSAEncryption' },
    { spec: 'rsa:4096', type: 'RSA', size: 4096, curve: null, sig: 'sha256WithRSAEncryption' },
    { spec: 'P-256', type: 'EC', size: 256, curve: 'P-256', sig: 'ecdsa-with-SHA256' },
    { spec: 'P-384', type: 'EC', size: 384, curve: 'P-384', sig: 'ecdsa-with-SHA256' },
  ];
  for (const c of cases) {
    for (const der of [false, true]) {
      it(`${c.spec} ${der ? 'DER' : 'PEM'} is correct, with its summary`, async () => {
        const r = await checkCsr(makeCsr(keys[c.spec], { der }), ORDER);
        expect(r.problems).toEqual([]);
        expect(r.ok).toBe(true);
        expect(r.summary).toEqual({
          subject: 'CN=assecodata.pl, O=Asseco Data Systems S.A., C=PL',
          commonName: 'assecodata.pl',
          sans: ['assecodata.pl', 'www.assecodata.pl'],
          keyType: c.type,
          keySize: c.size,
          curve: c.curve,
          signatureAlgorithm: c.sig,
        });
      });
    }
  }

  it('accepts BEGIN NEW CERTIFICATE REQUEST', async () => {
    const pem = makeCsr(keys['P-256']).toString().replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST');
    expect(pem).toContain('BEGIN NEW CERTIFICATE REQUEST');
    const r = await checkCsr(enc(pem), ORDER);
    expect(r.ok).toBe(true);
  });

  it('accepts CRLF line ends, indentation and text around the block', async () => {
    const pem = makeCsr(keys['rsa:2048']).toString().trim();
    const indented = pem.split('\n').map((l) => `    ${l}`).join('\r\n');
    const text = `Hello support,\r\nhere is my CSR:\r\n\r\n${indented}\r\n\r\nRegards, Jan\r\n`;
    const r = await checkCsr(enc(text), ORDER);
    expect(r.problems).toEqual([]);
    expect(r.summary?.keySize).toBe(2048);
  });

  it('accepts a CSR pasted as bare base64 without the armour lines', async () => {
    const b64 = pemToDer(makeCsr(keys['P-256'])).toString('base64');
    const r = await checkCsr(enc(b64.replace(/(.{64})/g, '$1\n')), ORDER);
    expect(r.ok).toBe(true);
  });

  it('compares domains case-insensitively', async () => {
    const r = await checkCsr(makeCsr(keys['P-256'], { subject: '/CN=AssecoData.PL', sans: ['WWW.AsSecodata.pl'] }), ORDER);
    expect(r.problems).toEqual([]);
  });

  it('accepts SHA-384 and RSA-PSS signatures', async () => {
    const ec = await checkCsr(makeCsr(keys['P-384'], { digest: 'sha384' }), ORDER);
    expect(ec.ok).toBe(true);
    expect(ec.summary?.signatureAlgorithm).toBe('ecdsa-with-SHA384');
    const pss = openssl(['req', '-new', '-key', keys['rsa:2048'], '-subj', '/CN=assecodata.pl', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']);
    const r = await checkCsr(pss, ORDER);
    expect(r.problems).toEqual([]);
    expect(r.summary?.signatureAlgorithm).toBe('rsassaPss (SHA-256)');
  });

  it('accepts an allowed key for a code-signing product whose CN is not a domain', async () => {
    const csr = makeCsr(keys['P-384'], { subject: '/CN=Asseco Data Systems S.A./O=Asseco Data Systems S.A.', sans: [] });
    const r = await checkCsr(csr, { domains: [], algorithms: CODE_SIGNING, commonName: 'Asseco Data Systems S.A.' });
    expect(r.problems).toEqual([]);
  });

  it('without a context checks only what does not depend on the order', async () => {
    const r = await checkCsr(makeCsr(keys['rsa:2048'], { subject: '/CN=other.example', sans: ['other.example'] }));
    expect(r.ok).toBe(true);
  });
});

describe('each bad input gets its own code and message', () => {
  it('RSA 1024: weak-key', async () => {
    const r = await checkCsr(makeCsr(keys['rsa:1024']), ORDER);
    expect(codes(r)).toEqual(['weak-key']);
    expect(r.problems[0]!.message).toMatch(/1024 bits.*too weak.*2048/);
    expect(r.summary?.keySize).toBe(1024);
    // With a stricter product, the message names what that product allows.
    const strict = await checkCsr(makeCsr(keys['rsa:1024']), { ...ORDER, algorithms: CODE_SIGNING });
    expect(codes(strict)).toEqual(['weak-key']);
    expect(strict.problems[0]!.message).toContain('(RSA 3072-4096 bits, EC P-256 or EC P-384)');
  });

  for (const [spec, curve] of [['P-521', 'P-521'], ['secp256k1', 'secp256k1']] as const) {
    it(`EC ${curve}: unsupported-key naming the curve`, async () => {
      const r = await checkCsr(makeCsr(keys[spec]), ORDER);
      expect(codes(r)).toEqual(['unsupported-key']);
      expect(r.problems[0]!.message).toContain(curve);
      expect(r.problems[0]!.message).toContain('P-256 and P-384');
    });
  }

  it('Ed25519: unsupported-key naming the key type (its signature still verifies)', async () => {
    const r = await checkCsr(makeCsr(keys.ed25519), ORDER);
    expect(codes(r)).toEqual(['unsupported-key']);
    expect(r.problems[0]!.message).toContain('Ed25519');
  });

  for (const digest of ['sha1', 'md5']) {
    it(`${digest.toUpperCase()} signature: weak-hash`, async () => {
      const r = await checkCsr(makeCsr(keys['rsa:2048'], { digest }), ORDER);
      expect(codes(r)).toEqual(['weak-hash']);
      expect(r.problems[0]!.message).toContain(digest === 'sha1' ? 'SHA-1' : 'MD5');
      expect(r.summary?.signatureAlgorithm).toBe(`${digest}WithRSAEncryption`);
    });
  }

  it('MD5 signature crafted with node:crypto: weak-hash, signature valid', async () => {
    const [info] = csrParts(makeCsr(keys['rsa:2048'], { der: true }));
    const sig = sign('md5', info!, createPrivateKey(w.read('rsa-2048.key')));
    const r = await checkCsr(assembleCsr(info!, '1.2.840.113549.1.1.4', sig), ORDER);
    expect(codes(r)).toEqual(['weak-hash']);
    // Same bytes, one signature bit flipped: the signature check fails as well.
    sig[sig.length - 1]! ^= 1;
    const bad = await checkCsr(assembleCsr(info!, '1.2.840.113549.1.1.4', sig), ORDER);
    expect(codes(bad)).toEqual(['weak-hash', 'bad-signature']);
  });

  for (const spec of ['rsa:2048', 'P-256'] as KeySpec[]) {
    it(`${spec} with a flipped signature byte: bad-signature`, async () => {
      const der = makeCsr(keys[spec], { der: true });
      der[der.length - 5]! ^= 0x01;
      const r = await checkCsr(der, ORDER);
      expect(codes(r)).toEqual(['bad-signature']);
      expect(r.problems[0]!.message).toMatch(/self-signature is not valid/);
      expect(r.summary).not.toBeNull();
    });
  }

  it('a changed request body (subject edited after signing): bad-signature', async () => {
    const der = makeCsr(keys['rsa:2048'], { der: true });
    const at = der.indexOf(Buffer.from('assecodata.pl'));
    der[at] = 'b'.charCodeAt(0);
    const r = await checkCsr(der, { ...ORDER, domains: [...ORDER.domains, 'bssecodata.pl'] });
    expect(codes(r)).toEqual(['bad-signature']);
  });

  it('an ECDSA signature algorithm on an RSA key: bad-signature', async () => {
    const [info, , sig] = csrParts(makeCsr(keys['rsa:2048'], { der: true }));
    const r = await checkCsr(assembleCsr(info!, '1.2.840.10045.4.3.2', sig!.subarray(3), false), ORDER);
    expect(codes(r)).toEqual(['bad-signature']);
  });

  it('an unknown signature algorithm: unsupported-signature', async () => {
    const [info, , sig] = csrParts(makeCsr(keys['rsa:2048'], { der: true }));
    const r = await checkCsr(assembleCsr(info!, '1.2.3.4.5', sig!.subarray(3)), ORDER);
    expect(codes(r)).toEqual(['unsupported-signature']);
    expect(r.problems[0]!.message).toContain('1.2.3.4.5');
  });

  for (const der of [false, true]) {
    it(`a certificate (${der ? 'DER' : 'PEM'}): is-certificate`, async () => {
      const pem = makeCert(keys['rsa:2048']);
      const r = await checkCsr(der ? pemToDer(pem) : pem, ORDER);
      expect(codes(r)).toEqual(['is-certificate']);
      expect(r.problems[0]!.message).toMatch(/certificate, not a CSR/);
      expect(r.summary).toBeNull();
    });
  }

  describe('private keys are recognised and never echoed', () => {
    const variants: [string, () => Buffer][] = [
      ['PKCS#8 PEM', () => w.read('rsa-2048.key')],
      ['PKCS#8 DER', () => openssl(['pkey', '-in', keys['rsa:2048'], '-outform', 'DER'])],
      ['traditional RSA PEM', () => openssl(['pkey', '-in', keys['rsa:2048'], '-traditional'])],
      ['traditional RSA DER', () => openssl(['rsa', '-in', keys['rsa:2048'], '-outform', 'DER', '-traditional'])],
      ['SEC1 EC PEM', () => openssl(['ec', '-in', keys['P-256']])],
      ['SEC1 EC DER', () => openssl(['ec', '-in', keys['P-256'], '-outform', 'DER'])],
      ['encrypted PKCS#8 PEM', () => openssl(['pkcs8', '-topk8', '-in', keys['P-256'], '-passout', 'pass:secret1'])],
      ['encrypted PKCS#8 DER', () => openssl(['pkcs8', '-topk8', '-in', keys['P-256'], '-passout', 'pass:secret1', '-outform', 'DER'])],
      ['half a private key (no END line)', () => w.read('rsa-2048.key').subarray(0, 600)],
    ];
    for (const [name, make] of variants) {
      it(`${name}: is-private-key, no key material in the report`, async () => {
        const input = make();
        const r = await checkCsr(input, ORDER);
        expect(codes(r)).toEqual(['is-private-key']);
        expect(r.problems[0]!.message).toMatch(/must stay secret.*not stored or sent/);
        expect(r.summary).toBeNull();
        assertNoKeyMaterial(JSON.stringify(r) + csrReportText(r, translator('en')), input);
      });
    }

    it('a CSR followed by its private key: the CSR is checked and the key is flagged', async () => {
      const input = Buffer.concat([makeCsr(keys['P-256']), w.read('P-256.key')]);
      const r = await checkCsr(input, ORDER);
      expect(codes(r)).toEqual(['is-private-key']);
      expect(r.ok).toBe(false);
      expect(r.summary?.curve).toBe('P-256');
      assertNoKeyMaterial(JSON.stringify(r), w.read('P-256.key'));
    });

    it('inspectCsr refuses a private key without echoing it and gives no key to certify', async () => {
      const key = w.read('rsa-2048.key');
      const r = await inspectCsr(key);
      expect(r.spki).toBeNull();
      expect(codes(r.report)).toEqual(['is-private-key']);
      assertNoKeyMaterial(JSON.stringify(r.report), key);
    });
  });

  it('empty input and whitespace only: empty', async () => {
    for (const input of [new Uint8Array(0), enc('  \r\n\t\n')]) {
      const r = await checkCsr(input, ORDER);
      expect(codes(r)).toEqual(['empty']);
      expect(r.problems[0]!.message).toMatch(/empty/);
    }
  });

  it('truncated PEM (no END line): truncated', async () => {
    const pem = makeCsr(keys['rsa:2048']).toString();
    const r = await checkCsr(enc(pem.slice(0, Math.floor(pem.length / 2))), ORDER);
    expect(codes(r)).toEqual(['truncated']);
    expect(r.problems[0]!.message).toMatch(/CSR is truncated.*no END line/);
  });

  it('PEM whose start was cut off (END without BEGIN): truncated', async () => {
    const pem = makeCsr(keys['rsa:2048']).toString();
    const r = await checkCsr(enc(pem.slice(40)), ORDER);
    expect(codes(r)).toEqual(['truncated']);
    expect(r.problems[0]!.message).toMatch(/END line but no BEGIN/);
  });

  it('truncated DER: truncated', async () => {
    const der = makeCsr(keys['P-256'], { der: true });
    for (const cut of [1, 10, der.length / 2, der.length - 3]) {
      const r = await checkCsr(der.subarray(0, Math.floor(cut) + 1), ORDER);
      expect(codes(r), `cut at ${cut}`).toEqual(['truncated']);
    }
  });

  it('damage inside complete data is "damaged" and names the part, never "truncated"', async () => {
    const der = makeCsr(keys['P-256'], { der: true, sans: ['assecodata.pl', 'www.assecodata.pl'] });
    // The first dNSName's length made to run past its SAN list: the file itself is complete.
    const at = der.indexOf(Buffer.concat([Buffer.from([0x82, 13]), Buffer.from('assecodata.pl')]));
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(der);
    damaged[at + 1] = 0x7f;
    for (const input of [damaged, enc(`-----BEGIN CERTIFICATE REQUEST-----\n${damaged.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`)]) {
      const r = await checkCsr(input, ORDER);
      expect(codes(r)).toEqual(['malformed']);
      expect(r.problems[0]!.message).toMatch(/^The CSR is damaged in the subject alternative names: /);
      expect(r.problems[0]!.message).not.toMatch(/truncated|whole file|whole block/);
    }
  });

  it('random bytes and plain text: not-pem-or-der', async () => {
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 251));
    random[0] = 0x42;
    for (const input of [random, enc('Hello, this is not a CSR at all.\n')]) {
      const r = await checkCsr(input, ORDER);
      expect(codes(r)).toEqual(['not-pem-or-der']);
      expect(r.problems[0]!.message).toMatch(/neither PEM nor DER/);
    }
  });

  it('other PEM types: not-a-csr naming the label', async () => {
    const pub = openssl(['pkey', '-in', keys['P-256'], '-pubout']);
    const r = await checkCsr(pub, ORDER);
    expect(codes(r)).toEqual(['not-a-csr']);
    expect(r.problems[0]!.message).toContain('"PUBLIC KEY"');
    const derPub = await checkCsr(openssl(['pkey', '-in', keys['P-256'], '-pubout', '-outform', 'DER']), ORDER);
    expect(codes(derPub)).toEqual(['not-a-csr']);
    expect(derPub.problems[0]!.message).toMatch(/public key/);
  });

  it('input over 64 KiB: too-large', async () => {
    const big = Buffer.concat([makeCsr(keys['rsa:2048']), Buffer.alloc(64 * 1024, 0x20)]);
    const r = await checkCsr(big, ORDER);
    expect(codes(r)).toEqual(['too-large']);
    expect(r.problems[0]!.message).toMatch(/64 KiB/);
  });

  it('a CN or SAN outside the order: domain-not-in-order naming each domain', async () => {
    const r = await checkCsr(makeCsr(keys['P-256'], { subject: '/CN=evil.example', sans: ['evil.example', 'assecodata.pl', 'shop.example'] }), ORDER);
    expect(codes(r)).toEqual(['domain-not-in-order', 'domain-not-in-order']);
    expect(r.problems[0]!.message).toContain('"evil.example"');
    expect(r.problems[1]!.message).toContain('"shop.example"');
    for (const p of r.problems) expect(p.message).toContain('assecodata.pl, www.assecodata.pl');
  });

  it('an IP address SAN outside the order: domain-not-in-order', async () => {
    const r = await checkCsr(makeCsr(keys['P-256'], { sans: ['assecodata.pl', 'IP:192.0.2.7', 'IP:2001:db8::1'] }), ORDER);
    expect(r.problems.map((p) => p.message.match(/"([^"]+)"/)?.[1])).toEqual(['192.0.2.7', '2001:db8::1']);
  });

  it('no CN and no SAN: no-common-name', async () => {
    const r = await checkCsr(makeCsr(keys['P-256'], { subject: '/O=Asseco Data Systems S.A.', sans: [] }), ORDER);
    expect(codes(r)).toEqual(['no-common-name']);
  });

  it('the same key as the certificate being replaced: same-key', async () => {
    const spki = certificatePublicKeySpki(makeCert(keys['rsa:2048']));
    const r = await checkCsr(makeCsr(keys['rsa:2048']), { ...ORDER, earlierKeys: [{ spki, copy: 'c1' }] });
    expect(codes(r)).toEqual(['same-key']);
    expect(r.problems[0]!.message).toMatch(/new key pair/);
    const other = await checkCsr(makeCsr(keys['rsa:3072']), { ...ORDER, earlierKeys: [{ spki, copy: 'c1' }] });
    expect(other.ok).toBe(true);
  });

  it('a product that needs RSA >= 3072: key-not-allowed naming what is allowed and what the CSR has', async () => {
    const r = await checkCsr(makeCsr(keys['rsa:2048']), { ...ORDER, algorithms: CODE_SIGNING, productName: 'Code Signing' });
    expect(codes(r)).toEqual(['key-not-allowed']);
    expect(r.problems[0]!.message).toBe(
      'The product "Code Signing" allows RSA 3072-4096 bits, EC P-256 or EC P-384; the CSR has RSA 2048. Generate a key pair of an allowed type.',
    );
    const ok = await checkCsr(makeCsr(keys['rsa:3072']), { ...ORDER, algorithms: CODE_SIGNING });
    expect(ok.ok).toBe(true);
    const ec = await checkCsr(makeCsr(keys['P-384']), { ...ORDER, algorithms: ['rsa-2048', 'ec-p256'] });
    expect(ec.problems[0]!.message).toMatch(/allows RSA 2048 or EC P-256; the CSR has EC P-384/);
  });

  it('lists every problem at once', async () => {
    const r = await checkCsr(makeCsr(keys['rsa:1024'], { digest: 'sha1', subject: '/CN=evil.example', sans: [] }), ORDER);
    expect(codes(r)).toEqual(['weak-key', 'weak-hash', 'domain-not-in-order']);
  });

  it('two CSRs in one input: multiple-csrs', async () => {
    const r = await checkCsr(Buffer.concat([makeCsr(keys['P-256']), makeCsr(keys['P-384'])]), ORDER);
    expect(codes(r)).toEqual(['multiple-csrs']);
  });

  it('names with terminal control characters are shown escaped', async () => {
    const csr = openssl(['req', '-new', '-key', keys['P-256'], '-utf8', '-subj', '/CN=evil\x1b[31m.example']);
    const r = await checkCsr(csr, ORDER);
    const text = csrReportText(r, translator('en')) + JSON.stringify(r);
    expect(text).not.toContain('\x1b');
    expect(r.summary?.commonName).toBe('evil\\u001b[31m.example');
    expect(codes(r)).toEqual(['domain-not-in-order']);
  });

  it('gives each problem code its own message', async () => {
    const seen = new Map<string, string>();
    const inputs = [
      makeCsr(keys['rsa:1024']),
      makeCsr(keys['P-521']),
      makeCsr(keys['rsa:2048'], { digest: 'sha1' }),
      makeCert(keys['P-256']),
      w.read('P-256.key'),
      new Uint8Array(0),
      enc('nonsense'),
      makeCsr(keys['P-256']).subarray(0, 200),
    ];
    for (const input of inputs) {
      for (const p of (await checkCsr(input, ORDER)).problems) seen.set(p.code, p.message);
    }
    expect(seen.size).toBe(8);
    expect(new Set(seen.values()).size).toBe(8);
  });
});

describe('inspectCsr and csrReportText', () => {
  it('inspectCsr gives the same public key as openssl sees', async () => {
    for (const spec of ['P-256', 'P-384', 'rsa:2048'] as const) {
      const csr = makeCsr(keys[spec]);
      const expected = openssl(['req', '-in', '-', '-pubkey', '-noout'], csr);
      expect(Buffer.from((await inspectCsr(csr)).spki!)).toEqual(pemToDer(expected));
    }
  });

  it('inspectCsr gives no key for what is not a CSR', async () => {
    for (const input of [enc(''), makeCert(keys['P-256']), enc('junk')]) {
      expect((await inspectCsr(input)).spki).toBeNull();
    }
  });

  it('renders "✓ Correct" with the summary, or one "✗" line per problem', async () => {
    const good = csrReportText(await checkCsr(makeCsr(keys['rsa:2048']), ORDER), translator('en'));
    expect(good.split('\n')[0]).toBe('✓ Correct');
    expect(good).toMatch(/Subject: +CN=assecodata.pl/);
    expect(good).toMatch(/Alternative names: +assecodata.pl, www.assecodata.pl/);
    expect(good).toMatch(/Key: +RSA 2048 bits/);
    expect(good).toMatch(/Signature algorithm: +sha256WithRSAEncryption/);
    const bad = csrReportText(await checkCsr(makeCsr(keys['rsa:1024'], { digest: 'sha1' }), ORDER), translator('en'));
    const lines = bad.split('\n').filter((l) => l.startsWith('✗ '));
    expect(lines).toHaveLength(2);
    expect(bad).not.toContain('✓');
  });
});

/** No 12-character run of the key's text or base64 of its bytes may appear in `text`. */
function assertNoKeyMaterial(text: string, key: Uint8Array): void {
  const sources = [Buffer.from(key).toString('latin1').replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), Buffer.from(key).toString('base64'), Buffer.from(key).toString('hex')];
  for (const s of sources) {
    for (let i = 0; i + 12 <= s.length; i += 4) {
      expect(text.includes(s.slice(i, i + 12)), `key material at offset ${i}`).toBe(false);
    }
  }
}

describe('text encodings', () => {
  it('reads a CSR saved as UTF-16 (with BOM), either byte order', async () => {
    const pem = makeCsr(keys['P-256']).toString();
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(pem, 'utf16le').swap16()]);
    expect((await checkCsr(le, ORDER)).ok).toBe(true);
    expect((await checkCsr(be, ORDER)).ok).toBe(true);
    expect(codes(await checkCsr(Buffer.from([0xfe, 0xff, 0x00]), ORDER))).toEqual(['not-pem-or-der']);
  });

  it('reads PEM text that happens to start with the character "0"', async () => {
    const r = await checkCsr(Buffer.concat([Buffer.from('0) my CSR:\n'), makeCsr(keys['P-256'])]), ORDER);
    expect(r.ok).toBe(true);
  });
});

describe('other structures are named', () => {
  it('a PKCS#7 certificate bundle (PEM and DER): not-a-csr', async () => {
    const certPath = w.write('bundle-cert.pem', makeCert(keys['P-256']));
    const pem = openssl(['crl2pkcs7', '-nocrl', '-certfile', certPath]);
    const r = await checkCsr(pem, ORDER);
    expect(codes(r)).toEqual(['not-a-csr']);
    expect(r.problems[0]!.message).toContain('"PKCS7"');
    const der = await checkCsr(openssl(['crl2pkcs7', '-nocrl', '-certfile', certPath, '-outform', 'DER']), ORDER);
    expect(codes(der)).toEqual(['not-a-csr']);
    expect(der.problems[0]!.message).toMatch(/PKCS#7/);
  });

  it('a DER request with extra bytes after it: not accepted', async () => {
    const der = Buffer.concat([makeCsr(keys['P-256'], { der: true }), Buffer.from([0, 1, 2])]);
    const r = await checkCsr(der, ORDER);
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/extra bytes/);
  });

  it('many PEM blocks in a large input are scanned quickly', async () => {
    const block = makeCert(keys['P-256']).toString();
    const input = enc(block.repeat(Math.floor(60_000 / block.length)));
    const r = await checkCsr(input, ORDER);
    expect(codes(r)).toEqual(['is-certificate']);
  });
});

describe('problems in the user\'s language', () => {
  it('name their catalog message: the English catalog says exactly the message, Polish its own words', async () => {
    const inputs: [Uint8Array, CsrCheckContext?][] = [
      [makeCsr(keys['rsa:1024'], { digest: 'sha1' }), ORDER],
      [makeCsr(keys['ed25519']), ORDER],
      [makeCsr(keys['P-256'], { sans: ['assecodata.pl', 'evil.example', 'IP:10.0.0.1', 'email:a@evil.example'] }), ORDER],
      [makeCert(keys['P-256'])],
      [enc('')],
      [enc('hello world')],
      [Buffer.concat([makeCsr(keys['P-256']), makeCsr(keys['P-384'])])],
      [enc('-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n')],
    ];
    const en = translator('en');
    const pl = translator('pl');
    const named = [];
    for (const [input, ctx] of inputs) {
      for (const p of (await checkCsr(input, ctx)).problems) {
        if (!p.text) continue;
        named.push(p.code);
        expect(csrProblemText(p, en), p.text.key).toBe(p.message);
        const polish = csrProblemText(p, pl);
        expect(polish, p.text.key).not.toBe(p.message);
        expect(polish).not.toMatch(/\{\{|csrProblem\./);
      }
    }
    expect(new Set(named)).toEqual(new Set(['weak-key', 'weak-hash', 'unsupported-key', 'domain-not-in-order', 'is-certificate', 'empty', 'not-pem-or-der', 'multiple-csrs', 'malformed']));
  });
});
