// End to end, the built binary: reissuing the seeded "stored in the cloud" certificate.
// 1. The embedded sandbox through the CLI: the key stays in the sandbox store (0600), the
//    "certificate issued" .eml in outbox/ carries the same PEM as `download --format pem`, and with
//    REISSUE_NOW 3 days before the revocation the reminder is written once, however many commands run.
// 2. A real `reissue serve` on 127.0.0.1 whose cloud keys are on a SoftHSM2 token and whose mail goes
//    to a local SMTP sink (STARTTLS + AUTH): reissued through the API and through the CLI with
//    --portal URL; pkcs11-tool shows each key sensitive and never extractable, its certificate beside
//    it; the sink receives the message with recipient, subject, attachment and revocation date.
// Neither leaves a private key file in the user's directories.
import { once } from 'node:events';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { openssl } from '../helpers/openssl.js';
import { exited, serve, tokenFor } from '../helpers/serve.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const PIN = '246810';

let box: Awaited<ReturnType<typeof cliSandbox>>;
let home: string;
beforeAll(async () => {
  box = await cliSandbox();
  home = join(box.dir, 'home');
});
afterAll(async () => {
  await box?.cleanup();
});

/** Every file under `dir` (recursively) whose text holds a PEM private key, except under `except`. */
function privateKeyFiles(dir: string, except: string[] = []): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (except.some((x) => p === x || p.startsWith(x + '/'))) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /PRIVATE KEY-----/.test(readFileSync(p, 'latin1'))) found.push(p);
    }
  };
  walk(dir);
  return found;
}

const cloudCopy = (certs: Certificate[]) => certs.find((c) => c.keySources.includes('cloud') && !c.replacedBy)!;
const mailDate = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

describe('cloud reissue in the embedded sandbox (CLI)', () => {
  test('submit --key-source cloud; the .eml carries the downloaded PEM; the reminder comes once at REISSUE_NOW', async () => {
    const env = { ...box.env, HOME: home };
    const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { env: { ...env, ...extra }, cwd: box.dir });
    const list = await cli(['list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const old = cloudCopy(JSON.parse(list.stdout) as Certificate[]);
    expect(old.product).toBe('Code Signing in the cloud 365 days');

    const refused = await cli(['submit', old.id, '--csr', 'x.csr', '--key-source', 'cloud']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('A cloud reissue takes no CSR');

    const r = await cli(['submit', old.id, '--key-source', 'cloud', '--algorithm', 'rsa-3072', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { certificate, replaced } = JSON.parse(r.stdout) as ReissueResult;
    expect(certificate.notAfter).toBe(old.notAfter);
    expect(certificate).toMatchObject({ keySource: 'cloud', cloudKey: { store: 'sandbox' } });
    expect(replaced.revocationDate).toBe(new Date(Date.parse(certificate.notBefore) + 14 * DAY_MS).toISOString());
    const text = await cli(['show', certificate.id]);
    expect(text.stdout).toMatch(/\n {2}Key +generated in the cloud key store\n {2}Key store +sandbox software store in the data directory \(SANDBOX ONLY/);

    // The key is in the portal's store, and only there.
    const store = join(box.dataDir, 'cloud-keys');
    const keyFile = join(store, `${certificate.cloudKey!.keyId}.key.pem`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(privateKeyFiles(box.dir, [store, join(box.dataDir, 'ca-key.pem')])).toEqual([]);
    const pem = await cli(['download', certificate.id, '--format', 'pem']);
    expect(pem.code).toBe(0);
    const certFile = join(box.dir, 'new.pem');
    writeFileSync(certFile, pem.stdout);
    expect(openssl(['x509', '-in', certFile, '-noout', '-pubkey'])).toBe(openssl(['pkey', '-in', keyFile, '-pubout']));
    expect(openssl(['verify', '-CAfile', join(box.dataDir, 'ca.pem'), certFile])).toContain(': OK');

    const outbox = join(box.dataDir, 'outbox');
    const issued = await simpleParser(readFileSync(join(outbox, `000001-${certificate.id}-certificate-issued.eml`)));
    expect(issued.attachments[0]!.content.toString('utf8')).toBe(pem.stdout);
    expect(issued.text).toContain(mailDate(replaced.revocationDate!));

    // Three days before the revocation: however many commands run, one reminder about this copy.
    const at = { REISSUE_NOW: new Date(Date.parse(replaced.revocationDate!) - 3 * DAY_MS).toISOString() };
    const runs = [['list'], ['status'], ['show', replaced.id], ['status', '--json']];
    for (const args of runs) expect((await cli(args, at)).code).toBe(0);
    const together = await Promise.all(runs.map((args) => cli(args, at)));
    expect(together.map((x) => x.code)).toEqual([0, 0, 0, 0]);
    const reminders = readdirSync(outbox).filter((f) => f.endsWith('-revocation-reminder.eml') && readFileSync(join(outbox, f), 'utf8').includes(replaced.serialNumber));
    expect(reminders).toHaveLength(1);
    const reminder = await simpleParser(readFileSync(join(outbox, reminders[0]!)));
    expect(reminder.to && !Array.isArray(reminder.to) ? reminder.to.text : '').toBe('paula.chlebicka@assecodata.pl');
    expect(reminder.text).toContain(`The new copy (serial ${certificate.serialNumber}) was downloaded on`);
  });
});

describe('cloud reissue on `reissue serve` with a SoftHSM2 token and an SMTP server', () => {
  let hsm: SoftHsm;
  let serverDir: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  const received: { mail: ParsedMail; to: string[]; secure: boolean; user: string }[] = [];

  beforeAll(async () => {
    hsm = await createSoftHsm();
    await hsm.initToken('portal-keys', PIN);
    serverDir = await mkdtemp(join(tmpdir(), 'reissue-cloud-server-'));
    // The sink's certificate, for 127.0.0.1; the portal trusts it through NODE_EXTRA_CA_CERTS.
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(serverDir, 'smtp-key.pem'), '-out', join(serverDir, 'smtp-cert.pem')]);
    smtp = new SMTPServer({
      key: readFileSync(join(serverDir, 'smtp-key.pem')),
      cert: readFileSync(join(serverDir, 'smtp-cert.pem')),
      onAuth(auth, _session, done) {
        if (auth.username === 'portal' && auth.password === 's3cret') return done(null, { user: auth.username });
        return done(new Error('bad credentials'));
      },
      onData(stream, session, done) {
        simpleParser(stream).then(
          (mail) => {
            received.push({ mail, to: session.envelope.rcptTo.map((a) => a.address), secure: session.secure, user: String(session.user) });
            done();
          },
          (e: Error) => done(e),
        );
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    smtpPort = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await hsm?.cleanup();
    if (serverDir) await rm(serverDir, { recursive: true, force: true });
  });

  async function waitForMail(n: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (received.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} messages, got ${received.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The token's objects with this CKA_ID, as pkcs11-tool lists them. */
  async function objectsWithId(keyId: string): Promise<string[]> {
    const listing = await hsm.pkcs11Tool(['--token-label', 'portal-keys', '--login', '--pin', PIN, '--list-objects']);
    return listing.split(/\n(?=\S)/).filter((b) => new RegExp(`\\n\\s+ID:\\s+${keyId}\\s*(\\n|$)`).test(b));
  }

  test('the token is checked before serving: a PIN file others can read, or a token that is not there, stops serve with a clear error', async () => {
    const dataDir = join(serverDir, 'refused');
    const pinFile = join(serverDir, 'readable-pin');
    writeFileSync(pinFile, `${PIN}\n`);
    chmodSync(pinFile, 0o644);
    const env = { SOFTHSM2_CONF: hsm.conf };
    const readable = await runCli(['serve', '--data-dir', dataDir, '--port', '0', '--cloud-module', hsm.module, '--cloud-pin-file', pinFile], { env });
    expect(readable.code).toBe(2);
    expect(readable.stderr).toContain(`The PIN file ${pinFile} can be read by other users.`);
    expect(readable.stderr).toContain(`chmod 600 ${pinFile}`);
    chmodSync(pinFile, 0o600);
    const missing = await runCli(['serve', '--data-dir', dataDir, '--port', '0', '--cloud-module', hsm.module, '--cloud-token', 'no-such-token', '--cloud-pin-file', pinFile], { env });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('No card labelled "no-such-token" was found.');
    expect(missing.stdout).not.toContain('Listening on');
    for (const r of [readable, missing]) expect(r.stdout + r.stderr).not.toContain(PIN);
  });

  test('API and CLI: the key pair is made on the token, the certificate installed beside it, the e-mail sent over SMTP', async () => {
    const dataDir = join(serverDir, 'data');
    const token = await tokenFor(dataDir, 'demo');
    const pinFile = join(serverDir, 'pin');
    writeFileSync(pinFile, `${PIN}\n`);
    chmodSync(pinFile, 0o600);
    const served = await serve(dataDir, { SOFTHSM2_CONF: hsm.conf, NODE_EXTRA_CA_CERTS: join(serverDir, 'smtp-cert.pem') }, [
      '--cloud-module', hsm.module, '--cloud-token', 'portal-keys', '--cloud-pin-file', pinFile,
      '--smtp', `smtp://portal:s3cret@127.0.0.1:${smtpPort}?requireTLS=true`, '--mail-from', 'Portal <portal@example.test>',
    ]);
    try {
      expect(served.stderr()).not.toContain('s3cret');
      expect(served.stderr()).not.toContain(PIN);
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${served.url}/v1/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
      const old = cloudCopy((await (await api('certificates')).json()).items as Certificate[]);

      // The API: { keySource: 'cloud', algorithm }.
      const res = await api(`certificates/${old.id}/reissue`, { method: 'POST', headers: { 'idempotency-key': 'cloud-api-1' }, body: JSON.stringify({ keySource: 'cloud', algorithm: 'ec-p256' }) });
      expect(res.status).toBe(200);
      const first = (await res.json()) as ReissueResult;
      expect(first.certificate.notAfter).toBe(old.notAfter);
      expect(first.certificate.cloudKey).toMatchObject({ store: 'pkcs11', location: expect.stringContaining('"portal-keys"') });
      const mixed = await api(`certificates/${first.certificate.id}/reissue`, { method: 'POST', headers: { 'idempotency-key': 'cloud-api-2' }, body: JSON.stringify({ keySource: 'cloud', algorithm: 'ec-p256', csr: 'x' }) });
      expect(mixed.status).toBe(400);

      // The CLI against the service: the new copy is the newest and can be reissued again.
      const cli = (args: string[]) => runCli(['--portal', served.url, '--token', token, ...args], { env: { ...box.env, HOME: home }, cwd: box.dir });
      const r = await cli(['submit', first.certificate.id, '--key-source', 'cloud', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const second = JSON.parse(r.stdout) as ReissueResult;
      expect(second.certificate.notAfter).toBe(old.notAfter);
      expect(second.certificate.cloudKey!.store).toBe('pkcs11');

      for (const issued of [first, second]) {
        const objects = await objectsWithId(issued.certificate.cloudKey!.keyId);
        const priv = objects.find((o) => o.startsWith('Private Key Object'))!;
        expect(priv).toMatch(/Access:\s+sensitive, always sensitive, never extractable/);
        const cert = objects.find((o) => o.startsWith('Certificate Object'))!;
        expect(cert).toContain(`label:      ${issued.certificate.cloudKey!.label}`);
        const der = Buffer.from(await (await api(`certificates/${issued.certificate.id}/download?format=der`)).arrayBuffer());
        const onToken = join(serverDir, `${issued.certificate.id}.der`);
        await hsm.pkcs11Tool(['--token-label', 'portal-keys', '--read-object', '--type', 'cert', '--id', issued.certificate.cloudKey!.keyId, '-o', onToken]);
        expect(readFileSync(onToken).equals(der)).toBe(true);
      }
      // No key in the portal's data directory either: the sandbox store is not used.
      expect(readdirSync(dataDir)).not.toContain('cloud-keys');
      // (box.dataDir is the embedded sandbox of the other test.)
      expect(privateKeyFiles(box.dir, [box.dataDir])).toEqual([]);

      await waitForMail(2);
      const byCopy = (id: string) => received.find((m) => m.mail.subject?.includes(id) || m.mail.text?.includes(`reissue download ${id} `))!;
      for (const issued of [first, second]) {
        const m = byCopy(issued.certificate.id);
        expect(m.to).toEqual(['paula.chlebicka@assecodata.pl']);
        expect(m.secure).toBe(true);
        expect(m.user).toBe('portal');
        expect(m.mail.subject).toBe(`Certificate issued: ${issued.certificate.commonName} (serial ${issued.certificate.serialNumber})`);
        expect(m.mail.from?.value).toEqual([{ name: 'Portal', address: 'portal@example.test' }]);
        const pem = await cli(['download', issued.certificate.id, '--format', 'pem']);
        expect(m.mail.attachments.map((a) => a.content.toString('utf8'))).toEqual([pem.stdout]);
        expect(m.mail.text).toContain(`will be revoked automatically on ${mailDate(issued.replaced.revocationDate!)}`);
      }
      const listed = (await (await api(`certificates/${first.certificate.id}/emails`)).json()) as { kind: string; status: string; deliveredTo: string }[];
      expect(listed[0]).toMatchObject({ kind: 'certificate-issued', status: 'sent', deliveredTo: `SMTP 127.0.0.1:${smtpPort}` });
    } finally {
      served.child.kill('SIGTERM');
      await exited(served.child);
    }
  });
});
