// The double over HTTPS, as Certum is reached: its certificate for 127.0.0.1 chains to the test
// CA (openssl s_client says so), a client that trusts caPem gets answers, one that does not fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as soap from 'soap';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startCertumDouble, WSDL_PATH, type CertumDouble } from './double.js';
import { validateRequest } from './validate-request.js';

let certum: CertumDouble;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certum-tls-'));
  certum = await startCertumDouble({ tls: true });
  writeFileSync(join(dir, 'ca.pem'), certum.caPem);
});

afterAll(async () => {
  await certum?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function getOrderState(agent: Agent): Promise<unknown> {
  const wsdl = new soap.WSDL(readFileSync(WSDL_PATH, 'utf8'), 'PartnerApi.wsdl', {});
  await new Promise<void>((resolve, reject) => wsdl.onReady((err: unknown) => (err ? reject(err) : resolve())));
  const client = new soap.Client(wsdl, certum.url, {});
  const { userName, password } = certum.users[0]!;
  const [answer] = (await client.getOrderStateAsync({ requestHeader: { authToken: { password, userName } }, orderID: certum.orders.manual.orderID }, { httpsAgent: agent })) as [{ orderStatus: string }];
  return answer.orderStatus;
}

/** openssl s_client's output (run without blocking: the double answers from this process). */
function sClient(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end();
    child.on('close', () => resolve(out));
  });
}

test('serves https on 127.0.0.1 with a certificate openssl verifies against caPem', async () => {
  expect(certum.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/service\/PartnerApi$/);
  const port = new URL(certum.url).port;
  const out = await sClient(['-connect', `127.0.0.1:${port}`, '-CAfile', join(dir, 'ca.pem'), '-verify_ip', '127.0.0.1', '-verify_return_error']);
  expect(out).toMatch(/Verify return code: 0 \(ok\)/);
});

test('a client trusting caPem gets answers; one trusting only the system CAs is refused', async () => {
  expect(await getOrderState(new Agent({ ca: certum.caPem }))).toBe('ENROLLED');
  expect(validateRequest(certum.requests.at(-1)!.xml, 'getOrderState').valid).toBe(true);
  await expect(getOrderState(new Agent())).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
});
