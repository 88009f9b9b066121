// End to end: a real `reissue serve` process on 127.0.0.1 and the real CLI talking to it with
// --portal URL --token T; then kill -9 during a burst of reissues and check, after a restart, that
// every issued copy is linked and every replaced copy has its revocation scheduled.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate, PendingRevocation } from '../../src/domain/types.js';
import { createHttpPortal } from '../../src/portal/http/client.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { exited, serve, tokenFor } from '../helpers/serve.js';
import { csrFor, fileWith, run } from './helpers.js';
import { createSoftHsm } from '../helpers/softhsm.js';
import { openssl } from '../helpers/openssl.js';

let box: Awaited<ReturnType<typeof cliSandbox>>;
beforeAll(async () => {
  box = await cliSandbox();
});
afterAll(async () => {
  await box?.cleanup();
});

/**
 * A client that opens a request with `head`, then sends one byte of `drip` every 250 ms: resolves
 * with how long the server let it go on, and what it answered.
 */
function slowClient(url: string, head: string, drip: string): Promise<{ ms: number; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(head));
    let i = 0;
    const timer = setInterval(() => socket.write(drip[i++ % drip.length]!), 250);
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => {}); // a write after the server closed: the close event follows
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answer });
    });
  });
}

describe('reissue serve cuts slow clients off within the limits README states', () => {
  it('headers within 10 s, the whole request within 20 s (each checked every second)', async () => {
    const dataDir = `${box.dir}/slow`;
    const token = await tokenFor(dataDir, 'demo'); // so the body is read, not refused at the door
    const served = await serve(dataDir);
    try {
      const [headers, body] = await Promise.all([
        slowClient(served.url, 'GET /v1/info HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'abcdefgh'),
        slowClient(served.url, `POST /v1/certificates/x/csr-check HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"csr":"`, 'AAAA'),
      ]);
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(headers.ms).toBeGreaterThanOrEqual(10_000);
      expect(headers.ms).toBeLessThan(10_000 + 1_000 + 1_500); // + checking interval + a loaded machine
      expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(body.ms).toBeGreaterThanOrEqual(20_000);
      expect(body.ms).toBeLessThan(20_000 + 1_000 + 1_500);
    } finally {
      served.child.kill('SIGTERM');
      await exited(served.child);
    }
  }, 40_000);
});

describe('reissue serve, driven by the CLI', () => {
  it('list, show, download, csr check, submit, status, revoke through --portal URL --token T', async () => {
    const dataDir = `${box.dir}/served`;
    // Initialise the data directory and get a token before the service starts, and one while it runs.
    const early = await tokenFor(dataDir, 'demo');
    const served = await serve(dataDir);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = await tokenFor(dataDir, 'demo');
      const cli = (...args: string[]) => runCli(['--portal', served.url, '--token', token, ...args], { env: box.env });

      const list = await cli('list', '--json');
      expect(list.code, list.stderr).toBe(0);
      const certs = JSON.parse(list.stdout) as Certificate[];
      const manual = certs.find((c) => c.orderId === 'ORDER/0000123456/po' && !c.replacedBy)!;
      expect(manual.domains).toEqual(['assecodata.pl', 'www.assecodata.pl']);
      const earlyList = await runCli(['--portal', served.url, '--token', early, 'list', '--json'], { env: box.env });
      expect(JSON.parse(earlyList.stdout)).toEqual(certs);

      const show = await cli('show', manual.id, '--json');
      expect(show.code, show.stderr).toBe(0);
      expect(JSON.parse(show.stdout)).toEqual(manual);

      const derFile = `${box.dir}/manual.der`;
      const download = await cli('download', manual.id, '--format', 'der', '--out', derFile);
      expect(download.code, download.stderr).toBe(0);
      const { stdout: serial } = await run('openssl', ['x509', '-inform', 'DER', '-in', derFile, '-noout', '-serial']);
      expect(serial.trim().toLowerCase()).toBe(`serial=${manual.serialNumber}`);

      const csrFile = await fileWith(box.dir, 'manual.csr', await csrFor(manual));
      const check = await cli('csr', 'check', csrFile, '--for', manual.id, '--json');
      expect(check.code, check.stderr).toBe(0);
      expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, problems: [] });

      const submit = await cli('submit', manual.id, '--csr', csrFile, '--json');
      expect(submit.code, submit.stderr).toBe(0);
      const result = JSON.parse(submit.stdout) as { certificate: Certificate; replaced: Certificate };
      expect(result.replaced.id).toBe(manual.id);
      expect(result.certificate.notAfter).toBe(manual.notAfter);

      // The same CSR again is a retry: the one idempotency rule answers with the copy it issued.
      const again = await cli('submit', manual.id, '--csr', csrFile, '--json');
      expect(again.code, again.stderr).toBe(0);
      expect((JSON.parse(again.stdout) as { certificate: Certificate }).certificate.id).toBe(result.certificate.id);
      // Another key for the replaced copy is a conflict that names the copy to use instead.
      const otherCsr = await fileWith(box.dir, 'manual-other.csr', await csrFor(manual));
      const conflict = await cli('submit', manual.id, '--csr', otherCsr, '--json');
      expect(conflict.code).toBe(5);
      expect(conflict.stderr).toContain(result.certificate.id);

      const status = await cli('status', '--json');
      expect(status.code, status.stderr).toBe(0);
      const pending = JSON.parse(status.stdout) as PendingRevocation[];
      expect(pending.find((p) => p.id === manual.id)?.daysLeft).toBe(14);

      const revoke = await cli('revoke', result.certificate.id, '--reason', 'keyCompromise', '--yes', '--json');
      expect(revoke.code, revoke.stderr).toBe(0);
      expect(JSON.parse(revoke.stdout)).toMatchObject({ id: result.certificate.id, state: 'revoked', revocationReason: 'keyCompromise' });

      const bad = await runCli(['--portal', served.url, '--token', 'wrong', 'list'], { env: box.env });
      expect(bad.code).toBe(5);
      expect(bad.stderr).toContain('admin token create');
    } finally {
      served.child.kill('SIGTERM');
      // SIGTERM drains in-flight requests and closes the database: a clean exit.
      expect(await exited(served.child)).toBe(0);
    }
    // Stopped: the CLI says the portal is unreachable, exit 5.
    const down = await runCli(['--portal', served.url, '--token', early, 'list'], { env: box.env });
    expect(down.code, down.stderr).toBe(5);
    expect(down.stderr).toContain(`Cannot reach the portal at ${served.url}`);
  });

  it('kill -9 during a burst of reissues leaves every issued copy linked and every replaced copy scheduled', async () => {
    const dataDir = `${box.dir}/killed`;
    const partnerToken = await tokenFor(dataDir, 'demo-partner');
    const acmeToken = await tokenFor(dataDir, 'acme');
    const first = await serve(dataDir);
    const acknowledged: { replaced: string; issued: string }[] = [];
    const viewers = [partnerToken, acmeToken].map((token) => createHttpPortal({ url: first.url, token, retries: 0 }));
    try {
      // Every order whose newest copy takes a CSR gets its own chain of reissues, all at once.
      const heads: { portal: (typeof viewers)[number]; cert: Certificate }[] = [];
      for (const portal of viewers) {
        for (const c of (await portal.list()).items) {
          if (c.state === 'valid' && !c.replacedBy && c.keySources.includes('csr')) heads.push({ portal, cert: c });
        }
      }
      expect(heads.length).toBeGreaterThanOrEqual(3);
      let stop = false;
      const chains = heads.map(async ({ portal, cert }) => {
        let current = cert;
        while (!stop) {
          try {
            const r = await portal.reissue(current.id, { keySource: 'csr', csr: await csrFor(current) }, crypto.randomUUID());
            acknowledged.push({ replaced: current.id, issued: r.certificate.id });
            current = r.certificate;
          } catch {
            return;
          }
        }
      });
      // Let the burst get going, then pull the plug mid-flight.
      while (acknowledged.length < 6) await new Promise((r) => setTimeout(r, 10));
      first.child.kill('SIGKILL');
      stop = true;
      await Promise.all(chains);
      await exited(first.child);
    } finally {
      await Promise.all(viewers.map((v) => v.close()));
    }

    const { stdout: integrity } = await run('sqlite3', [`${dataDir}/portal.sqlite`, 'PRAGMA integrity_check;']);
    expect(integrity.trim()).toBe('ok');

    const second = await serve(dataDir);
    const after = [partnerToken, acmeToken].map((token) => createHttpPortal({ url: second.url, token }));
    try {
      const all = (await Promise.all(after.map((p) => p.list({ limit: 1000 })))).flatMap((page) => page.items);
      const byId = new Map(all.map((c) => [c.id, c]));
      // Nothing acknowledged was lost.
      for (const a of acknowledged) {
        expect(byId.get(a.issued)?.replaces).toBe(a.replaced);
        expect(byId.get(a.replaced)?.replacedBy).toBe(a.issued);
      }
      // Every copy is linked both ways, and every replaced copy has its revocation scheduled.
      let replacedCount = 0;
      for (const c of all) {
        if (c.replaces) {
          const old = byId.get(c.replaces);
          expect(old?.replacedBy).toBe(c.id);
        }
        if (c.replacedBy) {
          replacedCount++;
          expect(byId.get(c.replacedBy)?.replaces).toBe(c.id);
          expect(c.revocationDate).not.toBeNull();
          expect(['pending-revocation', 'revoked']).toContain(c.state);
          expect(c.revocationReason === 'superseded' || c.state === 'revoked').toBe(true);
        }
      }
      expect(replacedCount).toBeGreaterThanOrEqual(acknowledged.length);
      // One newest copy per order.
      const newest = new Map<string, number>();
      for (const c of all) if (!c.replacedBy) newest.set(c.orderId, (newest.get(c.orderId) ?? 0) + 1);
      for (const count of newest.values()) expect(count).toBe(1);
      // Pending revocations after the restart match the replaced copies still within 14 days.
      const pending = (await Promise.all(after.map((p) => p.pendingRevocations()))).flat();
      for (const a of acknowledged) expect(pending.some((p) => p.id === a.replaced)).toBe(true);
    } finally {
      await Promise.all(after.map((p) => p.close()));
      second.child.kill('SIGTERM');
      await exited(second.child);
    }

    // Fifteen days later (REISSUE_NOW moves the sandbox service's clock), after yet another
    // restart, every scheduled revocation has been carried out and is in the CRL.
    const later = new Date(Date.now() + 15 * 24 * 60 * 60 * 1000).toISOString();
    const third = await serve(dataDir, { REISSUE_NOW: later });
    const partner = createHttpPortal({ url: third.url, token: partnerToken });
    const acme = createHttpPortal({ url: third.url, token: acmeToken });
    try {
      const all = [...(await partner.list({ limit: 1000 })).items, ...(await acme.list({ limit: 1000 })).items];
      const replaced = all.filter((c) => c.replacedBy);
      expect(replaced.length).toBeGreaterThanOrEqual(acknowledged.length);
      for (const c of replaced) {
        expect(c.state).toBe('revoked');
      }
      expect(await partner.pendingRevocations()).toEqual([]);
      const crlFile = await fileWith(box.dir, 'after.crl', await partner.crl());
      const { stdout } = await run('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']);
      const listed = stdout.toLowerCase().replace(/[^0-9a-z\n]/g, '');
      for (const a of acknowledged) {
        const serial = all.find((c) => c.id === a.replaced)!.serialNumber.replace(/^0+/, '');
        expect(listed).toContain(serial);
      }
    } finally {
      await Promise.all([partner.close(), acme.close()]);
      third.child.kill('SIGTERM');
      await exited(third.child);
    }
  });

  it('GET /crl twice gives the same CRL number (openssl reads both); a revocation gives a higher one', async () => {
    const dataDir = `${box.dir}/served-crl`;
    const token = await tokenFor(dataDir, 'demo');
    const served = await serve(dataDir);
    try {
      const api = (path: string, init: RequestInit = {}) => fetch(`${served.url}/v1/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
      const caPem = await fileWith(box.dir, 'crl-ca.pem', await (await api('ca')).text());
      const crl = async (name: string) => {
        const res = await api('crl');
        expect(res.status).toBe(200);
        const file = await fileWith(box.dir, name, new Uint8Array(await res.arrayBuffer()));
        const text = openssl(['crl', '-inform', 'DER', '-in', file, '-CAfile', caPem, '-noout', '-text']);
        return { number: Number(/X509v3 CRL Number:\s*\n?\s*(\d+)/.exec(text)![1]), lastUpdate: /Last Update: ([^\n]+)/.exec(text)![1], serials: [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]) };
      };
      const first = await crl('get1.crl');
      const second = await crl('get2.crl');
      expect(second).toEqual(first);
      const certs = JSON.parse((await runCli(['--portal', served.url, '--token', token, 'list', '--json'], { env: box.env })).stdout) as Certificate[];
      const victim = certs.find((c) => c.state === 'valid')!;
      const revoked = await api(`certificates/${victim.id}/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'keyCompromise' }) });
      expect(revoked.status).toBe(200);
      const third = await crl('get3.crl');
      expect(third.number).toBeGreaterThan(first.number);
      expect(third.serials).toContain(victim.serialNumber.toUpperCase());
      expect((await crl('get4.crl')).number).toBe(third.number);
    } finally {
      served.child.kill('SIGTERM');
      await exited(served.child);
    }
  });

  it('card keygen --submit through the service: a card-only product accepts the on-card key', async () => {
    const dataDir = `${box.dir}/served-card`;
    const token = await tokenFor(dataDir, 'demo');
    const hsm = await createSoftHsm();
    const served = await serve(dataDir);
    try {
      await hsm.initToken('card-http', '735911');
      const cli = (args: string[], input?: string) =>
        runCli(['--portal', served.url, '--token', token, '--module', hsm.module, ...args], { env: { ...box.env, SOFTHSM2_CONF: hsm.conf }, input });
      const certs = JSON.parse((await cli(['list', '--json'])).stdout) as Certificate[];
      const codeSigning = certs.find((c) => c.keySources.join() === 'card' && c.state === 'valid' && !c.replacedBy)!;
      // The same product refuses a CSR made elsewhere.
      const csr = await fileWith(box.dir, 'cs.csr', await csrFor(codeSigning));
      expect((await cli(['submit', codeSigning.id, '--csr', csr])).code).toBe(5);

      const r = await cli(['card', 'keygen', '--for', codeSigning.id, '--algorithm', 'ec-p256', '--token', 'card-http', '--pin-stdin', '--submit', '--json'], '735911\n');
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { certificate: Certificate; replaced: Certificate };
      expect(result.replaced.id).toBe(codeSigning.id);
      expect(result.certificate.notAfter).toBe(codeSigning.notAfter);
      expect(result.replaced.state).toBe('pending-revocation');
      expect(r.stdout + r.stderr).not.toContain('735911');

      // The same evidence object (card serial + key id) for another key: refused, nothing issued.
      const evidence = result.certificate.cardEvidence!;
      expect(evidence).toMatchObject({ serial: await hsm.serialOf('card-http'), token: 'card-http' });
      const otherKey = new TextDecoder().decode(await csrFor(result.certificate));
      const reused = await fetch(`${served.url}/v1/certificates/${result.certificate.id}/reissue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'evidence-reuse' },
        body: JSON.stringify({ csr: otherKey, keySource: 'card', card: evidence }),
      });
      expect(reused.status).toBe(422);
      const problem = (await reused.json()) as { code: string; detail: string };
      expect(problem.code).toBe('card-evidence-key-id');
      expect(problem.detail).toContain(evidence.keyId);
      // The check over HTTP says the same, and the copy was not replaced.
      const check = await fetch(`${served.url}/v1/certificates/${result.certificate.id}/csr-check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ csr: otherKey, keySource: 'card', card: evidence }),
      });
      expect(((await check.json()) as { ok: boolean; problems: { code: string }[] }).problems.map((p) => p.code)).toEqual(['card-evidence-key-id']);
      expect((JSON.parse((await cli(['show', result.certificate.id, '--json'])).stdout) as Certificate).replacedBy).toBeNull();
    } finally {
      served.child.kill('SIGTERM');
      await exited(served.child);
      await hsm.cleanup();
    }
  });
});
