// The ledger of reissues sent to Certum, shared by processes: built-binary processes started at
// once against the double (whose calls are slowed, so the requests overlap), on one data
// directory. The same request from two processes reaches Certum once and both answer the same
// order; different requests from several processes are all recorded. The double's captured
// requests and the SQLite file itself (sqlite3, not our code) are the judges.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type { PendingReissue } from '../../../src/domain/types.js';
import { startCertumDouble, type CertumDouble } from '../../doubles/certum/double.js';
import { cliSandbox, runCli, type CliResult } from '../../helpers/cli.js';
import { opensslCsr } from '../../helpers/openssl.js';

vi.setConfig({ testTimeout: 120_000 });
let certum: CertumDouble;
let box: Awaited<ReturnType<typeof cliSandbox>>;
let passwordFile = '';

const cli = (args: string[]): Promise<CliResult> =>
  runCli(['--portal', `certum:${certum.url}`, '--certum-password-file', passwordFile, ...args], {
    env: { ...box.env, REISSUE_CERTUM_USER: 'partner1', REISSUE_CERTUM_POLL: '0.2' },
    timeoutMs: 60_000,
  });
const pendingOf = (r: CliResult): PendingReissue => {
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { pending: PendingReissue }).pending;
};
const sent = () => certum.requests.filter((r) => r.operation === 'reissueCertificate');
const ledgerFile = () => {
  const dir = join(box.dataDir, 'certum');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sqlite'));
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
};
const sql = (query: string) => execFileSync('sqlite3', [ledgerFile(), query], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  certum = await startCertumDouble();
  box = await cliSandbox();
  passwordFile = join(box.dir, 'certum-password');
  writeFileSync(passwordFile, `${certum.users.find((u) => u.userName === 'partner1')!.password}\n`, { mode: 0o600 });
}, 60_000);
afterAll(async () => {
  await certum?.stop();
  await box?.cleanup();
});

test('two processes submitting the same CSR at once: one reissueCertificate reaches Certum, both print the same pending order', async () => {
  const o = certum.orders.manual;
  const { csrPath } = opensslCsr(box.dir, 'same', { key: 'rsa-2048', cn: o.commonName, sans: o.domains });
  certum.setBehaviour({ delayMs: 400 });
  try {
    const [a, b] = await Promise.all([cli(['submit', o.orderID, '--csr', csrPath, '--json']), cli(['submit', o.orderID, '--csr', csrPath, '--json'])]);
    const [pa, pb] = [pendingOf(a), pendingOf(b)];
    expect(sent()).toHaveLength(1);
    expect(pb.orderRef).toBe(pa.orderRef);
  } finally {
    certum.setBehaviour({ delayMs: 0 });
  }
  // The file is private, and holds one request, answered.
  expect(statSync(ledgerFile()).mode & 0o777).toBe(0o600);
  expect(statSync(join(box.dataDir, 'certum')).mode & 0o777).toBe(0o700);
  expect(sql('SELECT COUNT(*), COUNT(order_id), COUNT(claim) FROM reissues')).toBe('1|1|0');
});

test('three processes with three different requests at once: three entries, none lost; each order resumes', async () => {
  const o = certum.orders;
  const jobs = [
    { order: o.eccOnly, key: 'ec-p256' as const },
    { order: o.newCopy, key: 'rsa-2048' as const },
  ];
  const before = sent().length;
  const csrs = jobs.map((j, i) => ({ id: j.order.orderID, csr: opensslCsr(box.dir, `many-${i}`, { key: j.key, cn: j.order.commonName, sans: j.order.domains }).csrPath }));
  // A third: the copy the first test's reissue made, once Certum has enrolled it (the newest copy of that order).
  const first = sql('SELECT order_id FROM reissues');
  for (let i = 0; i < 5; i++) {
    const r = await cli(['resume', first, '--json']);
    expect(r.code, r.stderr).toBe(0);
    if (!('pending' in JSON.parse(r.stdout))) break;
  }
  csrs.push({ id: first, csr: opensslCsr(box.dir, 'many-2', { key: 'rsa-2048', cn: o.manual.commonName, sans: o.manual.domains }).csrPath });

  certum.setBehaviour({ delayMs: 300 });
  let outs: PendingReissue[];
  try {
    outs = (await Promise.all(csrs.map((c) => cli(['submit', c.id, '--csr', c.csr, '--json'])))).map(pendingOf);
  } finally {
    certum.setBehaviour({ delayMs: 0 });
  }
  expect(sent().length - before).toBe(3);
  expect(new Set(outs.map((p) => p.orderRef)).size).toBe(3);
  expect(Number(sql('SELECT COUNT(*) FROM reissues WHERE order_id IS NOT NULL'))).toBe(4);
  for (const p of outs) {
    expect(sql(`SELECT COUNT(*) FROM reissues WHERE order_id = '${p.orderRef}'`)).toBe('1');
    const r = await cli(['resume', p.orderRef, '--json']);
    expect(r.code, r.stderr).toBe(0);
  }
});
