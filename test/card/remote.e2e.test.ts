// The card on the operator's laptop, reissue on a server: `p11-kit server` shares a SoftHSM2 token
// over a unix socket, and the built binary, given nothing but P11_KIT_SERVER_ADDRESS (no --module),
// finds p11-kit's client module, says the card is remote, generates, submits and installs on it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CardInventory } from '../../src/card/card.js';
import type { Certificate, ReissueResult } from '../../src/domain/types.js';
import { cliSandbox, runCli } from '../helpers/cli.js';
import { startP11KitServer, type P11KitServer } from '../helpers/p11-kit-server.js';
import { createSoftHsm, type SoftHsm } from '../helpers/softhsm.js';

const PIN = '1234';
let laptop: SoftHsm;
let serverSide: SoftHsm;
let box: Awaited<ReturnType<typeof cliSandbox>>;
let server: P11KitServer;

beforeAll(async () => {
  laptop = await createSoftHsm();
  // The server's own SoftHSM (found by discovery like any installed module) holds no card.
  serverSide = await createSoftHsm();
  box = await cliSandbox();
  await laptop.initToken('laptop-card', PIN);
  server = await startP11KitServer({ module: laptop.module, token: 'laptop-card', env: laptop.env, dir: box.dir });
});
afterAll(async () => {
  server?.stop();
  await laptop.cleanup();
  await serverSide.cleanup();
  await box.cleanup();
});

const remote = (args: string[], input?: string) =>
  runCli(args, { env: { ...box.env, HOME: box.dir, SOFTHSM2_CONF: serverSide.conf, P11_KIT_SERVER_ADDRESS: server.address }, input, timeoutMs: 60_000 });

test('list, generate, submit and install through p11-kit\'s client module', async () => {
  const list = await remote(['card', 'list', '--json']);
  expect(list.stderr).toBe('');
  expect(list.code).toBe(0);
  const inv = JSON.parse(list.stdout) as CardInventory;
  const client = inv.modules.find((m) => m.path.endsWith('p11-kit-client.so'))!;
  expect(client).toMatchObject({ loaded: true, remote: server.address });
  expect(inv.readers.find((r) => r.module === client.path)?.token?.label).toBe('laptop-card');
  expect((await remote(['card', 'list'])).stdout).toContain('Card "laptop-card"');
  expect((await remote(['card', 'list'])).stdout).toContain('(remote card)');

  const certs: Certificate[] = JSON.parse((await remote(['list', '--json'])).stdout);
  const cs = certs.find((c) => c.productCategory === 'Code Signing' && !c.replacedBy && c.state === 'valid')!;
  const gen = await remote(['card', 'keygen', '--for', cs.id, '--algorithm', 'ec-p256', '--pin-stdin', '--submit', '--json'], `${PIN}\n`);
  expect(gen.stderr).toBe('');
  expect(gen.code).toBe(0);
  const out = JSON.parse(gen.stdout) as ReissueResult & { key: { keyId: string; keyUri: string; token: { label: string } } };
  expect(out.key.token.label).toBe('laptop-card');
  expect(out.key.keyUri).toMatch(/^pkcs11:.*token=laptop-card;id=.*;type=private$/);
  expect(out.certificate.cardEvidence).toMatchObject({ token: 'laptop-card', module: 'p11-kit-client.so', keyId: out.key.keyId });

  const inst = await remote(['card', 'install', out.certificate.id, '--pin-stdin'], `${PIN}\n`);
  expect(inst.code).toBe(0);
  // On the laptop's token itself, the certificate sits next to its key.
  const fromCard = join(box.dir, 'remote-cert.der');
  await laptop.pkcs11Tool(['--token-label', 'laptop-card', '--read-object', '--type', 'cert', '--id', out.key.keyId, '-o', fromCard]);
  const issued = join(box.dir, 'remote-issued.der');
  await remote(['download', out.certificate.id, '--format', 'der', '--out', issued]);
  expect((await readFile(fromCard)).equals(await readFile(issued))).toBe(true);
});
