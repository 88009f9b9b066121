// A stand-in for Certum's Partner API: a SOAP 1.1 server (the `soap` library) on 127.0.0.1 serving
// the WSDL reissue ships (src/portal/certum/PartnerApi.wsdl), with partner accounts, products,
// orders whose statuses advance, a test CA that issues the certificates, and switches for the
// unhappy paths (SOAP faults, slow answers). Every raw request is kept for the schema check.
//
//   const certum = await startCertumDouble();
//   certum.url        → http://127.0.0.1:PORT/service/PartnerApi (the endpoint)
//   certum.requests   → [{ operation, xml }] as received
//   certum.setBehaviour({ delayMs: 3000 }) / ({ fault: { faultstring: 'down' } }) / ({ reissuePlan: [...] })
//   await certum.stop();
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { BAD_CREDENTIALS, FAILED, Refusal } from './errors.js';
import { OPERATIONS, Operations, responseHeader, type OperationName } from './operations.js';
import { seed, DEFAULT_USERS, type SeededOrders } from './seed.js';
import { CertumState, DEFAULT_BEHAVIOUR, type Behaviour, type CorruptBehaviour, type PartnerUser } from './state.js';
import { serverIdentity, TestCa } from './test-ca.js';
import { validateRequest } from './validate-request.js';
import { WSDL_PATH, operationOf } from './wsdl.js';

export { WSDL_PATH, operationOf };

export const SERVICE_PATH = '/service/PartnerApi';

export interface CertumDoubleOptions {
  /** Partner accounts; partner1 and partner2 (see seed.ts) when absent. */
  users?: PartnerUser[];
  /** The double's clock at start (it runs on from there); the real time when absent. */
  now?: Date;
  behaviour?: Partial<Behaviour>;
  port?: number;
  /**
   * Also answer /__double/* on the same port, so a test in another process can steer a spawned
   * double: GET info, POST behaviour (JSON), POST clock ({ advanceMs }), GET requests.
   */
  control?: boolean;
  /** The WSDL file to serve; src/portal/certum/PartnerApi.wsdl when absent. */
  wsdlPath?: string;
  /** Serve HTTPS (like Certum) with a certificate for 127.0.0.1 from the test CA: trust `caPem`. */
  tls?: boolean;
}

export interface CapturedRequest {
  operation: string;
  /** The request exactly as it arrived (the whole SOAP envelope). */
  xml: string;
}

export interface CertumDouble {
  /** The endpoint: http://127.0.0.1:PORT/service/PartnerApi */
  url: string;
  /** The endpoint + ?wsdl: the WSDL, its soap:address pointing here. */
  wsdlUrl: string;
  /** The test CA's certificate: it signed every certificate the double hands out. */
  caPem: string;
  users: PartnerUser[];
  orders: SeededOrders;
  /** The double's data (orders, certificates, products) for tests that look inside. */
  state: CertumState;
  requests: CapturedRequest[];
  /** Every answer the double sent (envelopes), for checking them against the schema. */
  replies: string[];
  setBehaviour(change: Partial<Behaviour>): void;
  /** The double's clock. */
  now(): Date;
  /** Moves the double's clock (time-driven orders, due revocations). */
  advanceClock(ms: number): void;
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startCertumDouble(opts: CertumDoubleOptions = {}): Promise<CertumDouble> {
  const users = opts.users ?? DEFAULT_USERS.map((u) => ({ ...u }));
  const ca = await TestCa.create(opts.now ?? new Date());
  const state = new CertumState(ca, users, opts.now);
  const orders = await seed(state);
  state.behaviour = { ...DEFAULT_BEHAVIOUR, planFor: {}, ...opts.behaviour };
  const operations = new Operations(state);

  let server: Server;
  if (opts.tls) {
    const identity = await serverIdentity(ca, state.now());
    server = createHttpsServer({ key: identity.keyPem, cert: identity.certPem });
  } else {
    server = createServer();
  }
  // Requests outside the SOAP path reach this listener (the soap library passes them on).
  server.on('request', (req, res) => {
    if (opts.control && req.url?.startsWith(CONTROL_PATH)) return void control(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}${SERVICE_PATH}`;
  const wsdl = readFileSync(opts.wsdlPath ?? WSDL_PATH, 'utf8').replace(/(<soap:address\s+location=")[^"]*(")/, `$1${url}$2`);

  const requests: CapturedRequest[] = [];
  const replies: string[] = [];

  const handler = (name: OperationName) => async (args: Record<string, unknown>) => {
    // The library logs the raw request and calls this handler in the same tick: the last one is ours.
    const raw = requests.at(-1)?.xml ?? '';
    const b = state.behaviour;
    if (b.schemaCheck) {
      const verdict = validateRequest(raw, name, opts.wsdlPath ?? WSDL_PATH);
      if (!verdict.valid) throw { Fault: { faultcode: 'soap:Client', faultstring: `Request does not match the Partner API schema: ${verdict.errors}`, statusCode: 500 } };
    }
    if (b.delayMs > 0) await sleep(b.delayMs);
    if (b.fault && (!b.fault.operations || b.fault.operations.includes(name))) {
      // SOAP 1.1 sends faults with HTTP 500; the library needs to be told when the handler is async.
      throw { Fault: { faultcode: b.fault.faultcode ?? 'soap:Server', faultstring: b.fault.faultstring ?? 'Certum Partner API double: fault mode', statusCode: 500 } };
    }
    await state.settle();
    const token = (args.requestHeader as { authToken?: { userName?: unknown; password?: unknown } } | undefined)?.authToken;
    const user = state.user(token?.userName === undefined ? undefined : String(token.userName), token?.password === undefined ? undefined : String(token.password));
    if (!user) return corrupted(name, { responseHeader: responseHeader(state, {}, BAD_CREDENTIALS) }, b.corrupt);
    let answer: Record<string, unknown>;
    try {
      answer = await operations[name](user, args);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      answer = { responseHeader: responseHeader(state, {}, FAILED, [{ errorCode: e.errorCode, value: e.value }]) };
    }
    return corrupted(name, answer, state.behaviour.corrupt);
  };
  const port_ = Object.fromEntries(OPERATIONS.map((name) => [name, handler(name)]));
  // The library takes over the server's requests only once it has read the WSDL: wait for that.
  let listener!: soap.Server;
  await new Promise<void>((resolve, reject) => {
    listener = soap.listen(server, {
      path: SERVICE_PATH,
      services: { PartnerAPIService: { PartnerServicePort: port_ } },
      xml: wsdl,
      callback: (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
    });
  });
  listener.log = (type: string, data: unknown) => {
    if (type === 'received' && typeof data === 'string') requests.push({ operation: operationOf(data), xml: data });
    if (type === 'replied' && typeof data === 'string') replies.push(data);
  };

  const double: CertumDouble = {
    url,
    wsdlUrl: `${url}?wsdl`,
    caPem: ca.pem,
    users,
    orders,
    state,
    requests,
    replies,
    setBehaviour(change) {
      state.behaviour = { ...state.behaviour, ...change };
    },
    now: () => state.now(),
    advanceClock: (ms) => state.advanceClock(ms),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const reply = (value: unknown) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(value));
    };
    const route = `${req.method} /${req.url!.slice(CONTROL_PATH.length)}`;
    if (route === 'GET /info') return reply(describeDouble(double));
    if (route === 'GET /requests') return reply(requests);
    if (route === 'POST /behaviour') {
      double.setBehaviour(body as Partial<Behaviour>);
      return reply(state.behaviour);
    }
    if (route === 'POST /clock') {
      double.advanceClock(Number(body.advanceMs ?? 0));
      return reply({ now: double.now().toISOString() });
    }
    res.statusCode = 404;
    res.end();
  }

  return double;
}

export const CONTROL_PATH = '/__double/';

/** The answer as `corrupt` breaks it (a copy; the double's own data is untouched). */
export function corrupted(operation: string, answer: Record<string, unknown>, corrupt: CorruptBehaviour | null): Record<string, unknown> {
  if (!corrupt || (corrupt.operations && !corrupt.operations.includes(operation))) return answer;
  let copy = JSON.parse(JSON.stringify(answer)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(corrupt.set ?? {})) {
    const keys = path.split('.');
    const parent = walk(copy, keys.slice(0, -1), true)!;
    parent[keys.at(-1)!] = value;
  }
  for (const path of corrupt.drop ?? []) {
    const keys = path.split('.');
    const parent = walk(copy, keys.slice(0, -1), false);
    if (parent) delete parent[keys.at(-1)!];
  }
  if (corrupt.mutate) copy = corrupt.mutate(copy);
  return copy;
}

function walk(from: Record<string, unknown>, keys: string[], create: boolean): Record<string, unknown> | undefined {
  let at: Record<string, unknown> = from;
  for (const key of keys) {
    if (at[key] === undefined || at[key] === null || typeof at[key] !== 'object') {
      if (!create) return undefined;
      at[key] = {};
    }
    at = at[key] as Record<string, unknown>;
  }
  return at;
}

/** What a test in another process needs to know of a double. */
export interface CertumDoubleInfo {
  url: string;
  wsdlUrl: string;
  controlUrl: string;
  caPem: string;
  users: PartnerUser[];
  orders: SeededOrders;
}

export function describeDouble(double: CertumDouble): CertumDoubleInfo {
  const { url, wsdlUrl, caPem, users, orders } = double;
  return { url, wsdlUrl, controlUrl: new URL(CONTROL_PATH, url).toString(), caPem, users, orders };
}
