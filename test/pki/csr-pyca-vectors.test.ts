// The CSR reader held to pyca/cryptography's verdicts on its public CSR vectors (our copies in
// fixtures/pyca, see its README). `pyca` is whether pyca parses the request whole (load, subject,
// extensions, attributes), taken by running pyca/cryptography 48.0.0; `reader` must say the same.
// `product` is what `csr check` then says: where it refuses a request pyca parses, the reason is
// the product's own (weak hash, weak key, no name, bad signature), written here, not hidden.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCsr } from '../../src/pki/csr-check.js';
import { locateCsr } from '../../src/pki/csr-input.js';

const DIR = fileURLToPath(new URL('./fixtures/pyca/', import.meta.url));

interface Row {
  pyca: 'parses' | 'refuses';
  /** Where pyca refuses (its exception), for the reader's matching message. */
  pycaSays?: string;
  /** The reader's refusal names this. */
  readerSays?: RegExp;
  /** `csr check` without an order: [] when correct, else the problem codes. */
  product: string[];
  /** Why the product refuses a request pyca parses. */
  productReason?: string;
}

const TABLE: Record<string, Row> = {
  'bad-version.pem': { pyca: 'refuses', pycaSays: 'InvalidVersion: 1 is not a valid CSR version', readerSays: /in the version: the request version is not 1/, product: ['malformed'] },
  'unsupported_extension.pem': { pyca: 'refuses', pycaSays: 'InvalidVersion: 2 is not a valid CSR version', readerSays: /in the version/, product: ['malformed'] },
  'freeipa_bad_bool.pem': {
    pyca: 'refuses',
    pycaSays: '.extensions: ValueError',
    readerSays: /in the requested extensions: the extension subjectAltName \(2\.5\.29\.17\) encodes critical FALSE explicitly/,
    product: ['malformed'],
  },
  'two_basic_constraints.pem': {
    pyca: 'refuses',
    pycaSays: '.extensions: DuplicateExtension: Duplicate 2.5.29.19 extension found',
    readerSays: /the extension basicConstraints \(2\.5\.29\.19\) appears more than once/,
    product: ['malformed'],
  },
  'long-form-attribute.pem': {
    pyca: 'refuses',
    pycaSays: '.attributes: ValueError: Long-form tags are not supported in CSR attribute values',
    readerSays: /in the request attributes: multi-byte tags are not used/,
    product: ['malformed'],
  },
  'zero-element-attribute.pem': {
    pyca: 'refuses',
    pycaSays: '.attributes: ValueError: Only single-valued attributes are supported',
    readerSays: /the attribute extensionRequest \(1\.2\.840\.113549\.1\.9\.14\) has no values/,
    product: ['malformed'],
  },
  'challenge-unstructured.pem': { pyca: 'parses', product: [] },
  'ec_sha256.pem': { pyca: 'parses', product: [] },
  'ec_sha256_old_header.pem': { pyca: 'parses', product: [] },
  'challenge.pem': { pyca: 'parses', product: ['no-common-name'], productReason: 'the subject is only C=US: no name to certify' },
  'rsa_sha1.pem': { pyca: 'parses', product: ['weak-hash'], productReason: 'signed with SHA-1' },
  'san_rsa_sha1.pem': { pyca: 'parses', product: ['weak-hash'], productReason: 'signed with SHA-1' },
  'rsa_md4.pem': { pyca: 'parses', product: ['unsupported-signature'], productReason: 'signed with MD4 (pyca parses it but cannot name the hash either)' },
  'basic_constraints.pem': { pyca: 'parses', product: ['weak-hash', 'bad-signature'], productReason: 'SHA-1, and a self-signature that pyca and openssl do not verify either' },
  'unsupported_extension_critical.pem': { pyca: 'parses', product: ['weak-hash', 'bad-signature'], productReason: 'SHA-1, and a self-signature that pyca and openssl do not verify either' },
  'invalid_signature.pem': { pyca: 'parses', product: ['weak-key', 'bad-signature'], productReason: 'RSA 1024, and an invalid self-signature (the vector is made so)' },
};

describe("the CSR reader against pyca/cryptography's verdicts on its CSR vectors", () => {
  it('every copied vector has a row, every row a file', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.pem')).sort()).toEqual(Object.keys(TABLE).sort());
  });

  for (const [file, row] of Object.entries(TABLE)) {
    it(`${file}: pyca ${row.pyca}${row.pycaSays ? ` (${row.pycaSays})` : ''}; the reader agrees; csr check: ${row.product.length ? row.product.join(', ') : 'correct'}`, async () => {
      const input = readFileSync(`${DIR}${file}`);
      const located = locateCsr(input);
      const readerParses = 'csr' in located;
      expect(readerParses ? 'parses' : 'refuses').toBe(row.pyca);
      const report = await checkCsr(input);
      expect(report.problems.map((p) => p.code)).toEqual(row.product);
      expect(report.ok).toBe(row.product.length === 0);
      if (row.readerSays) expect(report.problems[0]!.message).toMatch(row.readerSays);
      // A refusal for a product reason is never a parse failure.
      if (row.pyca === 'parses') expect(row.product).not.toContain('malformed');
      if (row.product.length && row.pyca === 'parses') expect(row.productReason).toBeTruthy();
    });
  }
});
