// Weak keys from outside, on the built binary: CSRs for keys with e = 1, e = 3, a modulus with the
// factor 3, close primes, the ROCA structure, and an EC point off the curve (each signed by the
// project's CSR builder over key material the test chose) are refused by `csr check` (exit 3),
// by `submit` (exit 3, the list unchanged) and by POST /v1/certificates/:id/reissue on a real
// `reissue serve` (problem code, nothing issued) — each with its own problem code and message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, CsrReport } from '../../src/domain/types.js';
import { buildCsr } from '../../src/pki/csr-build.js';
import { softwareCrypto } from '../../src/pki/software-crypto.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { exited, serve, tokenFor } from '../helpers/serve.js';
import { closePrimePair, primeWhere, primesFor, rocaPrime, rsaCsr, SUBJECT, withEcPoint } from '../pki/weak-keys.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
const cli = (args: string[]) => runCli(args, { env: box.env });
const weak: { name: string; code: string; words: RegExp; file: string; pem: string }[] = [];

beforeAll(async () => {
  box = await cliSandbox();
  const add = (name: string, code: string, words: RegExp, pem: string) => {
    const file = join(box.dir, `${name}.csr`);
    writeFileSync(file, pem);
    weak.push({ name, code, words, file, pem });
  };
  const [p1, q1] = primesFor(1n);
  add('e1', 'rsa-exponent-one', /public exponent is 1:/, await rsaCsr(p1, q1, 1n));
  const [p3, q3] = primesFor(3n);
  add('e3', 'rsa-exponent-small', /public exponent is 3; it must be at least 65537/, await rsaCsr(p3, q3, 3n));
  const big = primeWhere(2047, (x) => (x - 1n) % 65537n !== 0n);
  add('factor3', 'rsa-small-factor', /modulus is divisible by 3,/, await rsaCsr(3n, big, 65537n));
  const [pc, qc] = closePrimePair();
  add('close', 'rsa-close-primes', /two prime factors so close/, await rsaCsr(pc, qc, 65537n));
  add('roca', 'rsa-roca', /ROCA, CVE-2017-15361/, await rsaCsr(rocaPrime(1024), rocaPrime(1024), 65537n));
  const ec = (await softwareCrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const offCurve = withEcPoint(await buildCsr(SUBJECT, ec), (pt) => {
    const out = Uint8Array.from(pt);
    out[out.length - 1]! ^= 1;
    return out;
  });
  add('ec-off-curve', 'ec-point-not-on-curve', /not a point on the curve P-256/, offCurve);
}, 120_000);
afterAll(() => box.cleanup());

const listJson = async (c: (args: string[]) => ReturnType<typeof runCli>): Promise<Certificate[]> => {
  const r = await c(['list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const manualCopy = (certs: Certificate[]) => certs.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!;

describe('weak keys on the built binary (embedded portal)', () => {
  it('csr check: exit 3, its own code and message for each; submit: exit 3 and nothing issued', async () => {
    const before = await listJson(cli);
    const id = manualCopy(before).id;
    const messages = new Set<string>();
    for (const w of weak) {
      const json = await cli(['csr', 'check', w.file, '--for', id, '--json']);
      expect(json.code, `${w.name}: ${json.stdout}${json.stderr}`).toBe(3);
      const report = JSON.parse(json.stdout) as CsrReport;
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => p.code), w.name).toEqual([w.code]);
      messages.add(report.problems[0]!.message);

      const text = await cli(['csr', 'check', w.file, '--for', id]);
      expect(text.code).toBe(3);
      expect(text.stdout + text.stderr, w.name).toMatch(w.words);
      expect(text.stdout).not.toContain('✓ Correct');

      const submit = await cli(['submit', id, '--csr', w.file, '--json']);
      expect(submit.code, `${w.name}: ${submit.stderr}`).toBe(3);
      expect(submit.stderr, w.name).toMatch(w.words);
    }
    expect(messages.size).toBe(weak.length);
    // In Polish, the same refusals in Polish words; the JSON codes stay the same.
    const pl = await cli(['--lang', 'pl', 'csr', 'check', weak[0]!.file, '--for', id]);
    expect(pl.code).toBe(3);
    expect(pl.stdout + pl.stderr).toContain('Wykładnik publiczny klucza RSA w CSR wynosi 1');
    const plSubmit = await cli(['--lang', 'pl', 'submit', id, '--csr', weak[3]!.file]);
    expect(plSubmit.code).toBe(3);
    expect(plSubmit.stderr).toContain('dwa czynniki pierwsze tak bliskie sobie');
    expect(await listJson(cli)).toEqual(before);
  }, 120_000);
});

describe('weak keys through a real reissue serve', () => {
  it('POST /v1/certificates/:id/reissue answers a problem naming each weakness; nothing is issued', async () => {
    const dataDir = join(box.dir, 'served');
    const token = await tokenFor(dataDir, 'demo');
    const served = await serve(dataDir);
    try {
      const remote = (args: string[]) => runCli(['--portal', served.url, '--token', token, ...args], { env: box.env });
      const before = await listJson(remote);
      const id = manualCopy(before).id;
      for (const w of weak) {
        const res = await fetch(`${served.url}/v1/certificates/${encodeURIComponent(id)}/reissue`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `weak-${w.name}` },
          body: JSON.stringify({ csr: w.pem, keySource: 'csr' }),
        });
        const body = (await res.json()) as { code: string; detail?: string; problems?: { code: string; message: string }[] };
        expect(res.status, `${w.name}: ${JSON.stringify(body)}`).toBe(422);
        expect(body.code).toBe('csr-invalid');
        expect(body.problems!.map((p) => p.code), w.name).toEqual([w.code]);
        expect(body.problems![0]!.message).toMatch(w.words);
      }
      // The CLI against the same service says the same, exit 3.
      const submit = await remote(['submit', id, '--csr', weak[0]!.file, '--json']);
      expect(submit.code, submit.stderr).toBe(3);
      expect(submit.stderr).toMatch(weak[0]!.words);
      expect(await listJson(remote)).toEqual(before);
    } finally {
      served.child.kill('SIGTERM');
      expect(await exited(served.child)).toBe(0);
    }
  }, 120_000);
});
